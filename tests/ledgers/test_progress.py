"""The real background run: the page polls the job while a thread checks and then writes."""

import time

import pytest

from ledgers.models import ImportJob
from services.models import OutreachEvent
from tests.ledgers.conftest import DAY, outreach


def wait_until_done(client, url, seconds=60):
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        response = client.get(url)
        assert response.status_code == 200
        seen.append(response.content.decode())
        if 'hx-trigger="every 1s"' not in seen[-1]:
            return seen
        time.sleep(0.1)
    raise AssertionError("the import did not finish")


@pytest.mark.django_db(transaction=True)
def test_background_check_and_commit_are_polled_to_the_end(client, net, staff_qk, ledger, settings):
    import datetime

    settings.LEDGER_IMPORT_INLINE = False
    rows = [outreach(occurred_on=DAY - datetime.timedelta(days=i % 200), place=f"社区{i}") for i in range(3000)]
    client.force_login(staff_qk)
    with open(ledger("outreach-events", rows), "rb") as fh:
        job_url = client.post("/ledgers/import/", {"kind": "outreach-events", "file": fh})["Location"]
    wait_until_done(client, job_url + "status/")
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.CHECKED and job.good_rows == 3000, job.problems[:3]

    client.post(job_url + "commit/")
    pages = wait_until_done(client, job_url + "status/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.COMMITTED and job.created_count == 3000
    assert 'data-state="committed"' in pages[-1] and OutreachEvent.objects.count() == 3000
