"""The import pages: upload → dry-run report → commit → result, for a permitted user only."""

import pytest

from audit.history import history
from branches.models import Role
from ledgers.models import ImportJob
from services.models import OutreachEvent
from services.services import outreach_event_create
from tests.conftest import record_data
from tests.ledgers.conftest import outreach


def upload(client, path, kind="outreach-events"):
    with open(path, "rb") as fh:
        return client.post("/ledgers/import/", {"kind": kind, "file": fh})


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/ledgers/"),
        ("get", "/ledgers/import/"),
        ("post", "/ledgers/import/"),
        ("get", "/ledgers/import/TOKEN/"),
        ("get", "/ledgers/import/TOKEN/status/"),
        ("post", "/ledgers/import/TOKEN/commit/"),
        ("get", "/ledgers/outreach-events/export.xlsx"),
    ],
)
def test_anonymous_users_are_sent_to_login(client, net, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ImportJob.objects.exists()


def test_the_whole_flow_for_a_permitted_user(client, net, staff_qk, ledger):
    client.force_login(staff_qk)
    assert client.get("/ledgers/").status_code == 200
    assert client.get("/ledgers/import/?kind=outreach-events").status_code == 200
    response = upload(client, ledger("outreach-events", [outreach(), outreach(place="学校")]))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == f"/ledgers/import/{job.token}/"
    assert job.state == ImportJob.State.CHECKED and job.good_rows == 2 and job.problem_count == 0
    assert OutreachEvent.objects.count() == 0  # a dry run writes nothing

    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["can_commit"]
    assert f"/ledgers/import/{job.token}/commit/" in page.content.decode()

    done = client.post(f"/ledgers/import/{job.token}/commit/", follow=True)
    assert done.status_code == 200
    job.refresh_from_db()
    assert job.state == ImportJob.State.COMMITTED and job.created_count == 2
    assert OutreachEvent.objects.count() == 2
    (entry,) = history(OutreachEvent.objects.first())  # the import's one entry names the file
    assert entry.action == "import" and job.file_name and job.file_name in entry.reason
    assert "/services/outreach-events/" in done.content.decode()  # a link to the records
    assert not any(p.name.startswith(job.token) for p in job_files(job))  # the upload is gone

    client.post(f"/ledgers/import/{job.token}/commit/")  # a second click writes nothing more
    assert OutreachEvent.objects.count() == 2


def job_files(job):
    from ledgers.jobs import upload_dir

    return list(upload_dir().glob("*"))


def test_a_mixed_file_shows_every_problem_and_cannot_be_committed(client, net, staff_qk, ledger):
    client.force_login(staff_qk)
    rows = [outreach(), outreach(theme="不存在"), outreach(place="学校", attendees=-3), outreach(branch="WH-BBT")]
    response = upload(client, ledger("outreach-events", rows))
    page = client.get(response["Location"])
    job = page.context["job"]
    assert [(p["row"], p["column"]) for p in job.problems] == [(3, "E"), (4, "F"), (5, "A")]
    body = page.content.decode()
    assert "ledger-problems" in body and not page.context["can_commit"]
    assert f"/ledgers/import/{job.token}/commit/" not in body
    client.post(f"/ledgers/import/{job.token}/commit/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED and OutreachEvent.objects.count() == 0


def test_likely_duplicates_need_an_explicit_yes(client, net, staff_qk, ledger):
    outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    client.force_login(staff_qk)
    response = upload(client, ledger("outreach-events", [outreach(), outreach(place="学校")]))
    page = client.get(response["Location"])
    job = page.context["job"]
    assert page.context["only_duplicates"] and 'name="allow_duplicates"' in page.content.decode()
    client.post(f"/ledgers/import/{job.token}/commit/")
    assert OutreachEvent.objects.count() == 1
    client.post(f"/ledgers/import/{job.token}/commit/", {"allow_duplicates": "1"})
    job.refresh_from_db()
    assert job.state == ImportJob.State.COMMITTED and OutreachEvent.objects.count() == 3


def test_someone_elses_import_is_not_found(client, net, staff_qk, staff_qk2, ledger):
    client.force_login(staff_qk)
    job_url = upload(client, ledger("outreach-events", [outreach()]))["Location"]
    client.force_login(staff_qk2)
    assert client.get(job_url).status_code == 404
    assert client.get(job_url + "status/").status_code == 404
    assert client.post(job_url + "commit/").status_code == 404
    assert OutreachEvent.objects.count() == 0


def test_a_user_who_cannot_record_cannot_upload(client, net, analyst_wh, ledger):
    client.force_login(analyst_wh)
    assert client.get("/ledgers/import/").status_code == 403
    assert upload(client, ledger("outreach-events", [outreach()])).status_code == 403
    assert not ImportJob.objects.exists()
    assert client.get("/ledgers/").status_code == 200  # templates and exports stay available


def test_an_outsiders_rows_are_errors(client, net, ledger):
    outsider = net.user("bbt", "WH-BBT", Role.OUTLET_STAFF)
    client.force_login(outsider)
    page = client.get(upload(client, ledger("outreach-events", [outreach(), outreach(place="学校")]))["Location"])
    assert [(p["row"], p["column"]) for p in page.context["job"].problems] == [(2, "A"), (3, "A")]
    assert not page.context["can_commit"]


def test_the_status_poll_repeats_while_running_and_stops_when_done(client, net, staff_qk, ledger):
    client.force_login(staff_qk)
    job_url = upload(client, ledger("outreach-events", [outreach()]))["Location"]
    job = ImportJob.objects.get()
    done = client.get(job_url + "status/")
    assert done.status_code == 200 and 'hx-trigger="every 1s"' not in done.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.CHECKING, rows_done=1, rows_total=4)
    running = client.get(job_url + "status/").content.decode()
    assert 'hx-trigger="every 1s"' in running and 'value="1" max="4"' in running


def test_an_upload_without_a_file_is_a_form_error(client, net, staff_qk):
    client.force_login(staff_qk)
    response = client.post("/ledgers/import/", {"kind": "outreach-events"})
    assert response.status_code == 400 and response.context["form"].errors["file"]
    response = client.post("/ledgers/import/", {"kind": "nope"})
    assert response.status_code == 400 and response.context["form"].errors["kind"]


def test_a_phone_number_in_the_file_name_is_not_kept(client, net, staff_qk, ledger, tmp_path):
    client.force_login(staff_qk)
    path = tmp_path / "张三13912345678.xlsx"
    path.write_bytes(ledger("outreach-events", [outreach()]).read_bytes())
    upload(client, path)
    assert "13912345678" not in ImportJob.objects.get().file_name


@pytest.mark.parametrize(
    "url",
    [
        "/ledgers/",
        "/ledgers/outreach-events/template.xlsx",
        "/ledgers/outreach-events/export.csv",
        "/ledgers/import/T/",
    ],
)
def test_pages_that_only_show_refuse_other_methods(client, net, staff_qk, url):
    client.force_login(staff_qk)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(url).status_code == 405
