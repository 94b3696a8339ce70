"""The periodic tasks' schedules live in the database (django-celery-beat): the defaults are
there after migrate, an administrator edits them in the admin (its keyword arguments checked by
the task), an edit survives the next migrate, and beat's DatabaseScheduler reads them."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from background.celery import app
from background.models import TaskRun
from background.schedules import ensure_defaults
from branches.models import Role
from metrics.tasks import rebuild_metrics
from reminders.models import Notification
from reminders.tasks import send_reminders

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHANGE = "/admin/django_celery_beat/periodictask/{}/change/"


def entry(name) -> PeriodicTask:
    return PeriodicTask.objects.select_related("crontab").get(name=name)


def test_the_default_schedules_are_in_the_database_after_migrate():
    nightly, reminders = entry("verify-metrics-nightly"), entry("send-reminders-daily")
    assert nightly.task == rebuild_metrics.name and json.loads(nightly.kwargs) == {"verify": True}
    assert (nightly.crontab.hour, nightly.crontab.minute, str(nightly.crontab.timezone)) == ("2", "30", "Asia/Shanghai")
    assert reminders.task == send_reminders.name and reminders.crontab.hour == "8"
    assert json.loads(reminders.kwargs) == {
        "submission_day": 8,
        "overdue_days": 14,
        "honour_days": 90,
        "target_days": 14,
    }
    assert "核对" in nightly.description and "submission_day" in reminders.description
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert not app.conf.beat_schedule  # would be written over the administrator's edits at each start


def test_an_administrators_edit_survives_migrate_and_a_deleted_default_comes_back():
    reminders = entry("send-reminders-daily")
    reminders.crontab = CrontabSchedule.objects.create(hour="7", minute="15", timezone="Asia/Shanghai")
    reminders.kwargs = json.dumps({"submission_day": 5})
    reminders.save()
    PeriodicTask.objects.filter(name="verify-metrics-nightly").delete()
    call_command("migrate", verbosity=0)  # post_migrate runs ensure_defaults
    assert entry("verify-metrics-nightly").crontab.hour == "2"
    kept = entry("send-reminders-daily")
    assert kept.crontab.hour == "7" and json.loads(kept.kwargs) == {"submission_day": 5}
    assert ensure_defaults() == 0


def test_beat_reads_the_edited_schedule_from_the_database():
    reminders = entry("send-reminders-daily")
    reminders.crontab = CrontabSchedule.objects.create(hour="6", minute="45", timezone="Asia/Shanghai")
    reminders.save()
    PeriodicTask.objects.filter(name="verify-metrics-nightly").update(enabled=False)
    # The scheduler reads the entries due within two hours of now (django-celery-beat 2.9).
    with time_machine.travel(datetime.datetime(2026, 3, 8, 6, 0, tzinfo=SHANGHAI), tick=False):
        schedule = DatabaseScheduler(app=app, lazy=True).all_as_schedule()
        PeriodicTask.objects.filter(name="verify-metrics-nightly").update(enabled=True)
    with time_machine.travel(datetime.datetime(2026, 3, 8, 2, 0, tzinfo=SHANGHAI), tick=False):
        assert "verify-metrics-nightly" in DatabaseScheduler(app=app, lazy=True).all_as_schedule()
    assert "verify-metrics-nightly" not in schedule  # turned off in the admin
    read = schedule["send-reminders-daily"]
    assert read.task == send_reminders.name and read.kwargs["submission_day"] == 8
    assert read.schedule.hour == {6} and read.schedule.minute == {45}


def test_the_admin_lists_the_schedules_in_chinese_and_checks_the_reminders_arguments(client, root_user):
    client.force_login(root_user)
    listing = client.get("/admin/django_celery_beat/periodictask/").content.decode()
    assert "周期任务" in listing and "send-reminders-daily" in listing and "verify-metrics-nightly" in listing
    reminders = entry("send-reminders-daily")
    page = client.get(CHANGE.format(reminders.pk))
    assert page.status_code == 200
    form = {
        "name": reminders.name,
        "regtask": reminders.task,
        "task": "",
        "enabled": "on",
        "crontab": reminders.crontab_id,
        "args": "[]",
        "kwargs": json.dumps({"submission_day": 40}),
        "description": reminders.description,
        "expire_seconds": "",
        "queue": "",
        "exchange": "",
        "routing_key": "",
        "priority": "",
        "headers": "{}",
    }
    refused = client.post(CHANGE.format(reminders.pk), form)
    assert refused.status_code == 200 and "submission_day" in refused.content.decode()
    assert "1" in refused.content.decode() and "28" in refused.content.decode()
    assert json.loads(entry("send-reminders-daily").kwargs)["submission_day"] == 8
    unknown = client.post(CHANGE.format(reminders.pk), {**form, "kwargs": json.dumps({"due_day": 3})})
    assert unknown.status_code == 200 and "due_day" in unknown.content.decode()
    saved = client.post(CHANGE.format(reminders.pk), {**form, "kwargs": json.dumps({"submission_day": 3})})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert json.loads(entry("send-reminders-daily").kwargs) == {"submission_day": 3}


def test_the_admin_is_closed_to_staff_who_are_not_superusers(client, staff_qk):
    client.force_login(staff_qk)
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 302


def test_the_reminders_day_comes_from_the_schedules_arguments(net, settings):
    """ "Months not submitted by a configurable day": the day is the entry's submission_day."""
    settings.REMINDER_SUBMISSION_DAY = 8
    net.user("mgr_qk01", "WH-QK-01", Role.BRANCH_MANAGER)
    month_due = Notification.Kind.MONTH_DUE
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, tzinfo=SHANGHAI), tick=False):
        send_reminders.delay()  # the setting's day 8: not yet
        assert not Notification.objects.filter(kind=month_due).exists()
        send_reminders.delay(submission_day=3)
    assert Notification.objects.filter(kind=month_due, branch__code="WH-QK-01").exists()
    run = TaskRun.objects.get(task="reminders.send")
    assert run.ok is True and run.figures["added"] >= 1


def test_a_wrong_argument_is_a_failed_run_with_its_reason():
    send_reminders.delay(submission_day="eight")
    run = TaskRun.objects.get(task="reminders.send")
    assert run.ok is False and "submission_day" in run.summary and "eight" in run.summary
