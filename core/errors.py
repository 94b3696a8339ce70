"""Refusals raised by services; views and the API turn each into its status and message."""

from django.utils.translation import gettext as _


class OutOfScope(Exception):
    """The object or branch lies outside the user's scope: shown as 404, never as 403."""


class PeriodLocked(Exception):
    """The branch-month is approved; edits wait until an approver reopens it (409)."""

    def __init__(self, submission):
        self.submission = submission
        approver = submission.decided_by
        who = (approver.get_full_name() or approver.username) if approver else _("an approver")
        super().__init__(
            _(
                "%(branch)s's records for %(month)s were approved by %(who)s on %(when)s and are locked. "
                "Ask %(who)s or another approver of the parent branch to reopen the month."
            )
            % {
                "branch": submission.branch,
                "month": submission.month.strftime("%Y-%m"),
                "who": who,
                "when": submission.decided_at.strftime("%Y-%m-%d") if submission.decided_at else "",
            }
        )


class StaleEdit(Exception):
    """Someone saved the record after the user opened it (409 in forms, 412 with If-Match)."""

    def __init__(self, current, entries):
        self.current = current
        self.entries = entries  # audit entries written since the version the user had
        super().__init__(
            _(
                "Someone else saved this record after you opened it (now version %(version)s). Review their changes and edit again."
            )
            % {"version": current.version}
        )

    @property
    def changed_fields(self) -> dict:
        merged: dict = {}
        for entry in sorted(self.entries, key=lambda e: e.id):
            for field, (old, new) in entry.changes.items():
                merged.setdefault(field, [old, new])[1] = new
        return merged
