"""At most LEDGER_IMPORTS_PER_USER imports of one user and LEDGER_IMPORTS_TOTAL in the portal run
at once (ledgers/slots.py): the next is refused with a clear message (a form error and 429 on
the page, 429 {"detail"} with Retry-After in the API), nothing is stored; a stalled job frees
its slot; the count holds under simultaneous requests."""

import datetime
import secrets
import threading

import pytest
from django.db import connection
from django.utils import timezone

from branches.models import Role
from ledgers import slots
from ledgers.models import ImportJob
from tests.ledgers.conftest import outreach
from tests.ledgers.test_api import post, token_client
from tests.ledgers.test_views import upload

pytestmark = pytest.mark.django_db


def running_job(user, *, state=ImportJob.State.CHECKING, minutes_ago=0) -> ImportJob:
    job = ImportJob.objects.create(user=user, kind="outreach-events", token=secrets.token_urlsafe(24), state=state)
    if minutes_ago:
        ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))
    return job


def uploads_left(settings) -> list:
    return list(settings.LEDGER_UPLOAD_DIR.glob("*")) if settings.LEDGER_UPLOAD_DIR.exists() else []


def test_a_third_import_of_one_user_is_refused_on_the_page_and_in_the_api(client, net, staff_qk, ledger, settings):
    for _ in range(2):
        running_job(staff_qk)
    client.force_login(staff_qk)
    page = upload(client, ledger("outreach-events", [outreach()]))
    assert page.status_code == 429 and page["Retry-After"] == "30"
    assert "您已有 2 个台账导入正在进行" in page.content.decode()
    api = post(token_client(staff_qk), ledger("outreach-events", [outreach()]), "?dry_run=0")
    assert api.status_code == 429 and api["Retry-After"] == "30" and "2" in api.json()["detail"]
    assert ImportJob.objects.count() == 2 and not uploads_left(settings)
    # another user is not held up by staff_qk's imports
    other = net.user("staff_qk_b", "WH-QK-01", Role.OUTLET_STAFF)
    assert post(token_client(other), ledger("outreach-events", [outreach()])).status_code == 200


def test_the_portal_runs_four_at_most(net, ledger):
    users = [net.user(f"importer{i}", "WH-QK-01", Role.OUTLET_STAFF) for i in range(5)]
    for user in users[:4]:
        running_job(user)
    response = post(token_client(users[4]), ledger("outreach-events", [outreach()]))
    assert response.status_code == 429 and "4" in response.json()["detail"]


def test_finished_and_stalled_jobs_hold_no_slot(net, staff_qk, ledger):
    running_job(staff_qk, state=ImportJob.State.CHECKED)
    running_job(staff_qk, state=ImportJob.State.COMMITTED)
    running_job(staff_qk, state=ImportJob.State.FAILED)
    running_job(staff_qk, minutes_ago=16)  # its worker died
    running_job(staff_qk, state=ImportJob.State.COMMITTING, minutes_ago=16)
    assert post(token_client(staff_qk), ledger("outreach-events", [outreach()]), "?dry_run=0").status_code == 201


def test_a_slot_frees_when_the_import_ends(net, staff_qk, ledger, settings):
    settings.LEDGER_IMPORTS_PER_USER = 1
    client = token_client(staff_qk)
    for _ in range(3):  # each import ends (inline here) before the next starts
        assert post(client, ledger("outreach-events", [outreach()])).status_code == 200


def test_committing_takes_a_slot_and_a_refused_commit_stays_checked(client, net, staff_qk, ledger):
    client.force_login(staff_qk)
    checked = upload(client, ledger("outreach-events", [outreach()]))
    job = ImportJob.objects.get()
    assert checked.status_code == 302 and job.state == ImportJob.State.CHECKED
    for _ in range(2):
        running_job(staff_qk)
    response = client.post(f"/ledgers/import/{job.token}/commit/", follow=True)
    assert "您已有 2 个台账导入正在进行" in response.content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED
    ImportJob.objects.exclude(pk=job.pk).update(state=ImportJob.State.COMMITTED)
    client.post(f"/ledgers/import/{job.token}/commit/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.COMMITTED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_user", [True, False], ids=["one user", "many users"])
def test_simultaneous_requests_take_no_more_slots_than_there_are(net, same_user):
    """Eight threads, each with its own connection, try to start an import at the same moment."""
    users = [net.user(f"racer{i}", "WH-QK-01", Role.OUTLET_STAFF) for i in range(8)]
    barrier = threading.Barrier(8)
    taken, refused, errors = [], [], []

    def attempt(user):
        try:
            barrier.wait()
            slots.take(user, lambda: running_job(user))
            taken.append(user.pk)
        except slots.ImportsBusy:
            refused.append(user.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(users[0] if same_user else user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(taken) == (slots.per_user() if same_user else slots.total())
    assert len(refused) == 8 - len(taken)
    assert slots.running().count() == len(taken)
