"""The dashboard's cached part (dashboards/cache.py): served from the cache between writes,
never older than the last committed write, never shared across languages, and the page still
answers when the cache is down."""

import datetime
import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from antifraud.models import Intervention
from antifraud.services import intervention_create, intervention_delete, intervention_transition, intervention_update
from branches.services import branch_update, staff_update, target_set
from honours.models import Honour
from honours.services import honour_create, honour_delete, honour_revoke, honour_update
from records.models import Photo
from records.photos import photo_add
from services.services import home_visit_create
from submissions.services import submission_submit
from tests.conftest import record_data
from tests.dashboard.conftest import child_rows, committed, dashboard_url, figures
from tests.dashboard.test_notable import jpeg

pytestmark = pytest.mark.django_db


def page(client, code="WH", period="2025", **params) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(dashboard_url(code, period, **params))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_second_visit_is_served_from_the_cache(cached, client, net, analyst_wh, staff_qk):
    home_visit_create(user=staff_qk, **record_data("home-visits", net))
    client.force_login(analyst_wh)
    first, cold = page(client)
    second, warm = page(client)
    assert figures(second) == figures(first) and figures(first)["home_visits"] == "1"
    assert child_rows(second) == child_rows(first)
    assert warm < cold - 5  # the store, targets and submissions are not read again


def test_a_committed_record_shows_at_once(
    cached, client, net, analyst_wh, staff_qk, django_capture_on_commit_callbacks
):
    client.force_login(analyst_wh)
    assert figures(page(client)[0])["home_visits"] == "0"
    with django_capture_on_commit_callbacks(execute=True):
        home_visit_create(user=staff_qk, **record_data("home-visits", net))
    assert figures(page(client)[0])["home_visits"] == "1"
    assert child_rows(page(client, sort="-home_visits")[0])["WH-QK"]["home_visits"] == "1"


def test_a_write_not_yet_committed_does_not_change_the_epoch(cached, client, net, analyst_wh, staff_qk):
    client.force_login(analyst_wh)
    page(client)
    epoch = cache.get("dashboard:epoch")
    home_visit_create(user=staff_qk, **record_data("home-visits", net))  # the test's transaction never commits
    assert cache.get("dashboard:epoch") == epoch


def test_targets_submissions_and_branch_names_invalidate(
    cached, client, net, analyst_wh, manager_qk, root_user, django_capture_on_commit_callbacks
):
    client.force_login(analyst_wh)
    assert 'data-target="8.00"' not in page(client)[0]
    with django_capture_on_commit_callbacks(execute=True):
        target_set(user=analyst_wh, branch=net["WH"], year=2025, metric="home_visits", value=8)
    assert 'data-target="8.00"' in page(client)[0]
    with django_capture_on_commit_callbacks(execute=True):
        branch_update(net["WH-QK"], user=root_user, name="硚口支行（新名）")
    assert "硚口支行（新名）" in page(client)[0]
    assert late_submissions(client, "WH-QK") == 0
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(user=manager_qk, branch=net["WH-QK"], month=datetime.date(2025, 8, 1))
    assert late_submissions(client, "WH-QK") == 1


def late_submissions(client, child: str) -> int:
    """August 2025 months the child submitted late, as WH's completeness table counts them."""
    html = client.get(dashboard_url("WH", "2025-08")).content.decode()
    row = re.search(rf'<tr data-completeness="{child}">(.*?)</tr>', html, re.S)[1]
    return int(re.search(r'<td class="num" data-status="late">(\d+)<', row)[1])


def test_languages_are_cached_apart(cached, client, net, analyst_wh):
    client.force_login(analyst_wh)
    chinese, _ = page(client)
    client.cookies["django_language"] = "en"
    english, _ = page(client)
    assert "Sub-branches" in english and "Sub-branches" not in chinese


def test_the_page_answers_when_the_cache_is_down(cached, client, net, analyst_wh, staff_qk):
    home_visit_create(user=staff_qk, **record_data("home-visits", net))
    client.force_login(analyst_wh)
    with mock.patch("dashboards.cache.cache.get", side_effect=ConnectionError("redis is down")):
        html, _ = page(client)
    assert figures(html)["home_visits"] == "1"


def test_without_a_shared_cache_nothing_is_kept(settings, client, net, analyst_wh):
    settings.DASHBOARD_CACHE = False
    cache.clear()
    client.force_login(analyst_wh)
    _, first = page(client)
    _, second = page(client)
    assert first == second
    assert not [k for k in getattr(cache, "_cache", {}) if "dashboard:part" in str(k)]


def store_ids(queries) -> list[set[int]]:
    """The branch ids of each read of the roll-up store's sums, in the order made."""
    reads = [q["sql"] for q in queries if "FROM metrics_metricvalue WHERE branch_id IN (" in q["sql"]]
    return [{int(pk) for pk in re.search(r"branch_id IN \(([^)]*)\)", sql)[1].split(", ")} for sql in reads]


def test_after_a_write_only_the_changed_row_is_built_again(
    cached, client, net, analyst_wh, staff_qk, django_capture_on_commit_callbacks
):
    client.force_login(analyst_wh)
    page(client)
    committed(
        django_capture_on_commit_callbacks, lambda: home_visit_create(user=staff_qk, **record_data("home-visits", net))
    )
    with CaptureQueriesContext(connection) as queries:
        html = client.get(dashboard_url("WH", "2025")).content.decode()
    children = {net[code].pk for code in ("WH-QK", "WH-BBT", "WH-HY")}
    read = set().union(*store_ids(queries)) & children
    assert read == {net["WH-QK"].pk}  # WH-BBT's and WH-HY's rows came from the cache
    assert figures(html)["home_visits"] == "1"
    rows = child_rows(html)
    assert (rows["WH-QK"]["home_visits"], rows["WH-BBT"]["home_visits"], rows["WH-HY"]["home_visits"]) == (
        "1",
        "0",
        "0",
    )


def test_a_write_leaves_the_pages_of_other_branches_cached(
    cached, client, net, analyst_wh, staff_qk, django_capture_on_commit_callbacks
):
    client.force_login(analyst_wh)
    page(client, "WH-HY")
    _, warm = page(client, "WH-HY")
    committed(
        django_capture_on_commit_callbacks, lambda: home_visit_create(user=staff_qk, **record_data("home-visits", net))
    )
    committed(
        django_capture_on_commit_callbacks,
        lambda: target_set(user=analyst_wh, branch=net["WH-QK"], year=2025, metric="home_visits", value=8),
    )
    _, after = page(client, "WH-HY")
    assert after == warm
    html, _ = page(client, "WH-QK")
    assert figures(html)["home_visits"] == "1" and 'data-target="8.00"' in html


def test_a_change_to_the_tree_rebuilds_every_row(
    cached, client, net, analyst_wh, root_user, django_capture_on_commit_callbacks
):
    client.force_login(analyst_wh)
    page(client)
    committed(django_capture_on_commit_callbacks, lambda: branch_update(net["WH-BBT"], user=root_user, name="新名"))
    with CaptureQueriesContext(connection) as queries:
        html = client.get(dashboard_url("WH", "2025")).content.decode()
    assert {net[c].pk for c in ("WH-QK", "WH-BBT", "WH-HY")} <= set().union(*store_ids(queries))
    assert "新名" in html


SORTS = ["", "-home_visits", "home_visits", "attainment", "-submissions", "name", "-code"]


@pytest.mark.parametrize("sort", SORTS)
def test_kept_rows_write_the_same_part_as_a_page_built_from_scratch(
    cached, settings, client, net, analyst_wh, staff_qk, staff_qk2, manager_qk, django_capture_on_commit_callbacks, sort
):
    """Whatever was kept before the writes, the page after them is the page built without any cache."""
    client.force_login(analyst_wh)
    params = {"sort": sort} if sort else {}
    writes = [
        lambda: home_visit_create(user=staff_qk, **record_data("home-visits", net)),
        lambda: target_set(user=analyst_wh, branch=net["WH-HY"], year=2025, metric="home_visits", value=3),
        lambda: home_visit_create(user=staff_qk2, **record_data("home-visits", net, net["WH-QK-02"])),
        lambda: submission_submit(user=manager_qk, branch=net["WH-QK"], month=datetime.date(2025, 8, 1)),
        lambda: target_set(user=analyst_wh, branch=net["WH"], year=2025, metric="outreach_events", value=5),
    ]
    for write in writes:
        client.get(dashboard_url("WH", "2025", **params))  # keeps the part and every row
        committed(django_capture_on_commit_callbacks, write)
        kept = client.get(dashboard_url("WH", "2025", **params)).context["store_part"]
        settings.DASHBOARD_CACHE = False
        fresh = client.get(dashboard_url("WH", "2025", **params)).context["store_part"]
        settings.DASHBOARD_CACHE = True
        assert kept == fresh


def test_an_evicted_branch_version_is_never_read_as_an_older_one(cached):
    from core.freshness import VERSION_KEY, current_versions

    first = current_versions([7], through=2025)[7]
    assert current_versions([7], through=2025)[7] == first
    cache.delete(VERSION_KEY % 7)  # evicted under memory pressure
    assert current_versions([7], through=2025)[7] != first


def records_part_html(client, code="WH") -> str:
    """The lapsing titles and notable records as the page writes them."""
    part = client.get(dashboard_url(code, "2025")).context["records_part"]
    return part["lapsing"] + part["notable"]


def record_reads(queries) -> list[str]:
    tables = [model._meta.db_table for model in (Intervention, Honour, Photo)]
    return [q["sql"] for q in queries if any(f'FROM "{table}"' in q["sql"] for table in tables)]


def test_a_home_visit_leaves_the_notable_records_and_completeness_kept(
    cached, client, net, analyst_wh, manager_qk, staff_qk, django_capture_on_commit_callbacks
):
    """The notable records and lapsing titles read the intervention and honour tables, the
    completeness rows the submissions: a write of another kind (the usual one) serves them from
    the cache; the figures are built again."""
    committed(django_capture_on_commit_callbacks, lambda: honour_create(user=manager_qk, **record_data("honours", net)))
    visit = committed(django_capture_on_commit_callbacks, lambda: record_data("home-visits", net))  # its team
    client.force_login(analyst_wh)
    page(client)
    committed(django_capture_on_commit_callbacks, lambda: home_visit_create(user=staff_qk, **visit))
    with CaptureQueriesContext(connection) as queries:
        html = client.get(dashboard_url("WH", "2025")).content.decode()
    assert record_reads(queries) == [] and store_ids(queries)  # the figures were read, the records not
    assert not [q for q in queries if 'FROM "metrics_submission"' in q["sql"]]
    assert figures(html)["home_visits"] == "1" and "服务热情周到" in html


def test_an_untopical_write_reaches_every_topic(cached):
    """A write that names no topic (core.freshness) changes every topic's token; one that names a
    topic changes its own only."""
    from core.freshness import new_versions, topic_token

    honours = topic_token(7, ["honours.honour"])
    visits = topic_token(7, ["services.homevisit"])
    elsewhere = topic_token(8, ["honours.honour"])
    new_versions([7], "services.homevisit")
    assert topic_token(7, ["honours.honour"]) == honours and topic_token(7, ["services.homevisit"]) != visits
    new_versions([7])
    assert topic_token(7, ["honours.honour"]) != honours
    assert topic_token(8, ["honours.honour"]) == elsewhere  # another branch: untouched


def _staff(net, root_user):
    from branches.services import staff_create

    return staff_create(user=root_user, branch=net["WH-QK-01"], name="林晓")


NOTIFIED = {"status": "police_notified"}
RECORD_WRITES = {
    "intervention confirmed": lambda net, users, kept: intervention_transition(
        kept["case"], user=users["manager"], status="confirmed", police_unit="硚口区分局", amount_protected=100
    ),
    "intervention attended by police": lambda net, users, kept: intervention_transition(
        kept["case"], user=users["manager"], status="police_attended", police_unit="硚口区分局"
    ),
    "intervention deleted": lambda net, users, kept: intervention_delete(kept["notable case"], user=users["manager"]),
    "honour": lambda net, users, kept: honour_create(
        user=users["manager"], **record_data("honours", net) | {"title": "青年文明号"}
    ),
    "honour renamed": lambda net, users, kept: honour_update(kept["honour"], user=users["manager"], title="新的称号"),
    "honour revoked": lambda net, users, kept: honour_revoke(kept["honour"], user=users["manager"], reason="撤销"),
    "honour deleted": lambda net, users, kept: honour_delete(kept["honour"], user=users["manager"]),
    "photo added": lambda net, users, kept: photo_add(kept["honour"], user=users["manager"], upload=jpeg()),
    "staff renamed": lambda net, users, kept: staff_update(kept["staff"], user=users["root"], name="林晓华"),
    "branch renamed": lambda net, users, kept: branch_update(net["WH-QK-01"], user=users["root"], name="新网点名"),
}


@pytest.mark.parametrize("write", RECORD_WRITES)
def test_kept_notable_records_are_those_built_from_scratch(
    cached, settings, client, net, analyst_wh, manager_qk, root_user, django_capture_on_commit_callbacks, write
):
    """After every write that shows in them, the kept notable records and lapsing titles are
    the ones built without any cache."""
    staff = committed(django_capture_on_commit_callbacks, lambda: _staff(net, root_user))
    kept = committed(
        django_capture_on_commit_callbacks,
        lambda: {
            "staff": staff,
            "case": intervention_create(user=manager_qk, **record_data("interventions", net) | NOTIFIED),
            "notable case": intervention_transition(
                intervention_create(user=manager_qk, **record_data("interventions", net) | NOTIFIED),
                user=manager_qk,
                status="police_attended",
                police_unit="江岸区分局",
            ),
            "honour": honour_create(
                user=manager_qk,
                **record_data("honours", net)
                | {"kind": "title", "level": "city", "recipient_staff": staff, "valid_until": lapsing_soon()},
            ),
        },
    )
    client.force_login(analyst_wh)
    before = records_part_html(client)
    users = {"manager": manager_qk, "root": root_user}
    committed(django_capture_on_commit_callbacks, lambda: RECORD_WRITES[write](net, users, kept))
    after = records_part_html(client)
    settings.DASHBOARD_CACHE = False
    fresh = records_part_html(client)
    assert after == fresh and after != before


def lapsing_soon() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=30)


def test_a_record_moved_to_another_branch_leaves_the_notable_records_of_its_old_one(
    cached, client, net, analyst_wh, manager_qk, root_user, django_capture_on_commit_callbacks
):
    case = committed(
        django_capture_on_commit_callbacks,
        lambda: intervention_transition(
            intervention_create(user=manager_qk, **record_data("interventions", net) | NOTIFIED),
            user=manager_qk,
            status="police_attended",
            police_unit="江岸区分局",
        ),
    )
    client.force_login(analyst_wh)
    assert "江岸区分局" in records_part_html(client, "WH-QK") and "江岸区分局" not in records_part_html(client, "WH-HY")
    committed(
        django_capture_on_commit_callbacks,
        lambda: intervention_update(case, user=root_user, branch=net["WH-HY-01"], staff=[]),
    )
    assert "江岸区分局" not in records_part_html(client, "WH-QK") and "江岸区分局" in records_part_html(client, "WH-HY")
