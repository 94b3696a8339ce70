"""Row scope, enforced once for every table that hangs off the branch tree."""

from django.db import models

from core.dates import EARLIEST_DATE, LATEST_QUERY_DATE


class ScopedQuerySet(models.QuerySet):
    """Row scope, enforced once: a user sees the subtrees of the nodes they hold a role on."""

    branch_path_lookup = "branch__path"

    def for_user(self, user):
        from branches.access import access_for  # access reads the models this module serves

        access = access_for(user)
        if access.sees_everything:
            return self
        return self._under(access.paths)

    def in_subtree(self, branch):
        return self.filter(**{f"{self.branch_path_lookup}__startswith": branch.path})

    def for_user_in_subtree(self, user, branch):
        """for_user(user).in_subtree(branch), written with the fewest path conditions: when the
        branch lies in the user's scope, its own subtree is the answer. Two overlapping path
        conditions mislead PostgreSQL's estimate of how many branches match (it multiplies
        their selectivities) into plans that read a subtree's every row."""
        from branches.access import access_for

        access = access_for(user)
        if access.sees_everything or any(branch.path.startswith(path) for path in access.paths):
            return self.in_subtree(branch)
        return self._under([path for path in access.paths if path.startswith(branch.path)])

    def _under(self, paths):
        """The rows of branches under any of `paths` (none without a path)."""
        if not paths:
            return self.none()
        q = models.Q()
        for path in paths:
            q |= models.Q(**{f"{self.branch_path_lookup}__startswith": path})
        return self.filter(q)

    def dates(self, field_name, kind, order="ASC"):
        """The dates inside the portal's range only (the admin's date hierarchy): a stored date
        that cannot be read comes back as None and would take the list page down."""
        inside = {f"{field_name}__range": (EARLIEST_DATE, LATEST_QUERY_DATE)}
        return super().dates(field_name, kind, order).filter(**inside)
