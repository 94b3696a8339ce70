"""The periodic tasks' schedules, kept in the database by django-celery-beat so that an
administrator edits them in the admin (定时任务): their times, their arguments (the reminders'
days), or turns one off. `celery beat` reads them with its DatabaseScheduler
(CELERY_BEAT_SCHEDULER) and notices an edit within a few seconds.

The portal's default entries (background/conf.py PERIODIC_TASKS) are written after `migrate`
when they are missing, by name, and never again: an administrator's edit is kept across
deployments and restarts. (Celery's own CELERY_BEAT_SCHEDULE is left empty on purpose: the
DatabaseScheduler would write it over the administrator's edits each time beat starts.)

A task may check the keyword arguments an administrator gives it: a `check_kwargs(kwargs)`
attribute on the task that raises ValueError with a message for the admin form."""

import json

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

DESCRIPTIONS = {
    "verify-metrics-nightly": _(
        "Every night: recompute the roll-up store from the records (rebuild_metrics --verify); a "
        "difference is repaired and the run shown as failed (Background task runs, /healthz)."
    ),
    "send-reminders-daily": _(
        "Every day: in-app and e-mail reminders. Keyword arguments: submission_day (1-28, from this "
        "day of a month the previous month not submitted is reminded), overdue_days (follow-ups "
        "overdue reminded for this many days), honour_days (titles lapsing within this many days), "
        "target_days (targets behind pace in the last days of a quarter)."
    ),
}


def defaults() -> dict[str, dict]:
    return getattr(settings, "PERIODIC_TASKS", {})


def ensure_defaults(using: str = DEFAULT_DB_ALIAS, **_signal_kwargs) -> int:
    """Create the default entries that do not exist yet (by name); returns how many were made.
    Connected to post_migrate (background/apps.py)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    if PeriodicTask._meta.db_table not in connections[using].introspection.table_names():
        return 0  # `migrate` of another app before django_celery_beat's tables exist
    made = 0
    for name, entry in defaults().items():
        if PeriodicTask.objects.using(using).filter(name=name).exists():
            continue
        with transaction.atomic(using=using):
            crontab, _created = CrontabSchedule.objects.using(using).get_or_create(
                minute=str(entry["minute"]),
                hour=str(entry["hour"]),
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone=settings.CELERY_TIMEZONE,
            )
            PeriodicTask.objects.using(using).create(
                name=name,
                task=entry["task"],
                crontab=crontab,
                kwargs=json.dumps(entry.get("kwargs", {}), ensure_ascii=False),
                description=_description(name),
            )
        made += 1
    return made


def _description(name: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(DESCRIPTIONS.get(name, ""))


def check_kwargs(task_name: str, kwargs: dict) -> None:
    """ValueError when the task declares a check and the arguments fail it."""
    from background.celery import app

    task = app.tasks.get(task_name)
    check = getattr(task, "check_kwargs", None)
    if check is not None:
        check(kwargs)
