"""Records a user may name in another record's field (a partnership on an activity).

A user may name a record in their scope or one kept at a node above their scope (a partnership
signed by the sub-branch, named on an outlet's activity): the referring record's clean()
then checks that the two branches lie on one line of the tree (Record.reference_errors).
"""

from django.db.models import Q

from branches.access import access_for
from branches.models import path_ids


def reachable_records(model, user):
    access = access_for(user)
    if access.sees_everything:
        return model.objects.all()
    if not access.paths:
        return model.objects.none()
    q = Q(branch_id__in=sorted({pk for path in access.paths for pk in path_ids(path)}))
    for path in access.paths:
        q |= Q(branch__path__startswith=path)
    return model.objects.filter(q)


def is_record_model(model) -> bool:
    from records.models import Record

    return isinstance(model, type) and issubclass(model, Record)
