"""Celery settings, read from the environment (portal/settings.py imports them).

CELERY_BROKER_URL: the queue; Redis in production (redis://host:6379/1). Unset, the broker is
a folder (kombu's filesystem transport under CELERY_DATA_DIR, .celery/ by default): it needs
no server, so `make run` starts a worker beside the development server, but it only joins
processes on one machine and loses a message whose worker is killed (docs/deploy.md).
CELERY_RESULT_BACKEND: where task results go; Redis in production, files beside the folder
broker otherwise. The portal's own state (an import's progress, a check's last result) is in
its database, so results matter only to monitoring tools.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
CELERY_DATA_DIR = Path(os.environ.get("CELERY_DATA_DIR") or BASE_DIR / ".celery")

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "filesystem://"
    queue = CELERY_DATA_DIR / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
    if not CELERY_RESULT_BACKEND:
        CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A message not acknowledged within this time goes to another worker: longer than the
    # longest task (an import of the largest allowed file takes about a minute). A task that
    # runs twice does its work once (each task checks its row's state before writing).
    visibility_timeout = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 3600))
    # Workers look for such messages every interval x throttle seconds (kombu's default 10 x 10
    # = 100 s), kept well within the timeout: 100 s with the default hour, every second with a
    # timeout of a few seconds (the tests'), where kombu's default would wait 100 s more.
    sweep = max(1, min(10, visibility_timeout // 100))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": visibility_timeout,
        "unacked_restore_interval": sweep,
        "unacked_restore_throttle": sweep,
    }

# A task is acknowledged when it has finished, not when it starts: a worker that dies (killed,
# out of memory, its machine gone) leaves the message to be delivered again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per worker process: a long import does not hold others back.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Each worker process holds one database connection for its task, closed after it (Celery's
# Django fix-up); CELERY_CONCURRENCY processes per worker bound them.
CELERY_WORKER_CONCURRENCY = int(os.environ.get("CELERY_CONCURRENCY", 2))
CELERY_WORKER_MAX_TASKS_PER_CHILD = 100

# Periodic tasks, run by the one `celery beat` of a deployment (make beat; make run embeds it).
# Their schedules live in the database (django-celery-beat), editable by an administrator in
# the admin (定时任务 > 周期性任务); background/schedules.py writes these defaults after
# `migrate` when an entry of that name is missing, and never again, so an administrator's edit
# is kept. The environment gives the first times only ("HH:MM", Asia/Shanghai).
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {}  # the DatabaseScheduler would write these over the admin's edits
# Messages go to this queue (and a worker reads it): several portals may share one Redis.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
DJANGO_CELERY_BEAT_TZ_AWARE = True


def _at(name: str, default: str) -> dict:
    hour, minute = (os.environ.get(name) or default).split(":")
    return {"hour": int(hour), "minute": int(minute)}


# Reminders (reminders/finding.py): from this day of a month, a node whose previous month is not
# submitted is reminded; follow-ups overdue are reminded for this many days; titles lapsing
# within this many days; targets behind pace in the last days of a quarter. These are the first
# keyword arguments of the reminders' schedule entry; the administrator edits them there.
REMINDER_SUBMISSION_DAY = int(os.environ.get("REMINDER_SUBMISSION_DAY", 8))
REMINDER_OVERDUE_DAYS = int(os.environ.get("REMINDER_OVERDUE_DAYS", 14))
REMINDER_HONOUR_DAYS = int(os.environ.get("REMINDER_HONOUR_DAYS", 90))
REMINDER_TARGET_DAYS = int(os.environ.get("REMINDER_TARGET_DAYS", 14))

PERIODIC_TASKS = {
    # Recompute the roll-up store from the records; a drift is repaired and shown as failed
    # (the admin's "Background task runs" and /healthz's "verify").
    "verify-metrics-nightly": {
        "task": "metrics.rebuild_metrics",
        **_at("METRICS_VERIFY_AT", "02:30"),
        "kwargs": {"verify": True},
    },
    # Reminders (reminders/finding.py): what is due today, notified once per user and item.
    "send-reminders-daily": {
        "task": "reminders.send_reminders",
        **_at("REMINDERS_AT", "08:00"),
        "kwargs": {
            "submission_day": REMINDER_SUBMISSION_DAY,
            "overdue_days": REMINDER_OVERDUE_DAYS,
            "honour_days": REMINDER_HONOUR_DAYS,
            "target_days": REMINDER_TARGET_DAYS,
        },
    },
}

# E-mail: reminders are also mailed to users with an address once an SMTP server is configured.
if os.environ.get("EMAIL_HOST"):
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") in ("1", "true", "yes")
    DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")
REMINDER_EMAIL = bool(os.environ.get("EMAIL_HOST"))

# Report documents built by the workers (reports/builds.py): at once per user, and in the portal.
REPORT_BUILDS_PER_USER = int(os.environ.get("REPORT_BUILDS_PER_USER", 2))
REPORT_BUILDS_TOTAL = int(os.environ.get("REPORT_BUILDS_TOTAL", 4))
