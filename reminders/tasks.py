"""The daily reminders, scheduled by celery beat: the entry "send-reminders-daily" of the
schedules an administrator edits (background/schedules.py). Its keyword arguments are the
reminders' days; missing ones fall back to the REMINDER_* settings."""

from django.utils.translation import gettext as _

from background.celery import app
from background.runs import recorded
from core.reminders import reminder_settings
from reminders.services import notify_due

# keyword argument -> (setting, smallest, largest)
OPTIONS = {
    "submission_day": ("REMINDER_SUBMISSION_DAY", 1, 28),
    "overdue_days": ("REMINDER_OVERDUE_DAYS", 1, 365),
    "honour_days": ("REMINDER_HONOUR_DAYS", 1, 730),
    "target_days": ("REMINDER_TARGET_DAYS", 1, 92),
}


def check_options(options) -> dict[str, int]:
    """The options as settings; ValueError naming the first wrong one."""
    if not isinstance(options, dict):
        raise ValueError(_('Give the keyword arguments as a JSON object, such as {"submission_day": 8}.'))
    values = {}
    for key, value in options.items():
        if key not in OPTIONS:
            raise ValueError(
                _("Unknown argument “%(key)s”: the reminders take %(known)s.")
                % {"key": str(key)[:40], "known": ", ".join(OPTIONS)}
            )
        name, low, high = OPTIONS[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(
                _("%(key)s must be a whole number from %(low)s to %(high)s, not %(value)s.")
                % {"key": key, "low": low, "high": high, "value": str(value)[:40]}
            )
        values[name] = value
    return values


@app.task(
    name="reminders.send_reminders",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    check_kwargs=staticmethod(check_options),  # the admin's check of an edited schedule
)
def send_reminders(**options) -> int:
    """Idempotent: a run delivered again adds no notification a user already has."""
    with recorded("reminders.send") as run:
        try:
            values = check_options(options)
        except ValueError as error:
            run.ok, run.summary = False, str(error)
            return 0
        with reminder_settings(values):
            added = notify_due()
        run.summary = f"{added}"
        run.figures = {"added": added}
        return added
