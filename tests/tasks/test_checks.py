"""The nightly check of the roll-up store as a task: scheduled by beat, its last result on the
administrators' page (background.TaskRun), repaired and shown as failed when the store drifted."""

import json

import pytest
from django_celery_beat.models import PeriodicTask

from background.celery import app
from background.models import TaskRun
from metrics.models import MetricValue
from metrics.tasks import VERIFY, rebuild_metrics
from services.services import outreach_event_create
from tests.conftest import record_data

pytestmark = pytest.mark.django_db


def test_the_nightly_check_is_scheduled_for_a_task_that_exists():
    entry = PeriodicTask.objects.get(name="verify-metrics-nightly")  # background/schedules.py
    assert entry.task in app.tasks and json.loads(entry.kwargs) == {"verify": True}
    assert (entry.crontab.hour, entry.crontab.minute) == ("2", "30")


def test_a_consistent_store_passes_and_a_drift_is_repaired_and_shown(net, staff_qk):
    outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    rebuild_metrics.delay(verify=True)
    run = TaskRun.objects.get(task=VERIFY)
    assert run.ok is True and run.finished_at >= run.started_at and "等于" in run.summary
    assert run.figures["differences"] == 0 and run.figures["rows"] > 0

    MetricValue.objects.filter(metric="outreach_events", split="").update(value=5)
    rebuild_metrics.delay(verify=True)
    run.refresh_from_db()
    assert run.ok is False and "不一致" in run.summary and run.figures["differences"] >= 1
    rebuild_metrics.delay(verify=True)  # the failed check rebuilt the store: the next one passes
    run.refresh_from_db()
    assert run.ok is True and TaskRun.objects.count() == 1


def test_a_check_stopped_by_an_error_is_recorded_as_failed(net, monkeypatch):
    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setattr("metrics.tasks.rebuild", broken)
    with pytest.raises(RuntimeError):
        rebuild_metrics.delay(verify=True)
    run = TaskRun.objects.get(task=VERIFY)
    assert run.ok is False and "RuntimeError" in run.summary and run.finished_at


def test_the_administrators_page_shows_the_last_check_to_superusers_only(client, net, staff_qk, root_user):
    outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    rebuild_metrics.delay(verify=True)
    client.force_login(root_user)
    page = client.get("/admin/background/taskrun/")
    assert page.status_code == 200 and VERIFY in page.content.decode()
    client.force_login(staff_qk)
    assert client.get("/admin/background/taskrun/").status_code == 302
