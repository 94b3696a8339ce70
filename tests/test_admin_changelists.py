"""The admin's record lists cost what they show at any table size (issue 19): the same queries
for 1 row as for 6 (no N+1), no full count, no date hierarchy but a period filter on the
(occurred_on, id) index, and a count that stops at the cap with a note saying so."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from records.paging import CappedPaginator
from tests.conftest import record_data
from tests.kinds import KIND_IDS, KINDS

pytestmark = pytest.mark.django_db


def changelist(kind) -> str:
    meta = kind.model._meta
    return f"/admin/{meta.app_label}/{meta.model_name}/"


def add(kind, net, n: int, first: datetime.date) -> None:
    for i in range(n):
        data = record_data(kind.slug, net) | {"occurred_on": first - datetime.timedelta(days=i)}
        kind.create(user=net.root_user, **data)


def queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:500]
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_a_changelist_takes_the_same_queries_for_1_or_6_rows(client, net, kind):
    client.force_login(net.root_user)  # the admin is the superusers' (config/admin_site.py)
    add(kind, net, 1, datetime.date(2025, 8, 14))
    one, _html = queries(client, changelist(kind))
    add(kind, net, 5, datetime.date(2025, 7, 14))
    six, html = queries(client, changelist(kind))
    assert six == one
    assert html.count('class="action-select"') == 6
    assert "date_hierarchy" not in html and "xfull" not in html  # no hierarchy, no "N total" count
    # The period filter narrows the list to a year or a month, in the same number of queries.
    in_august, html = queries(client, changelist(kind) + "?period=2025-08")
    assert in_august == one and html.count('class="action-select"') == 1


def test_the_admin_list_does_not_count_the_whole_table(client, net, settings):
    kind = next(k for k in KINDS if k.slug == "outreach-events")
    add(kind, net, 3, datetime.date(2025, 8, 14))
    client.force_login(net.root_user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(changelist(kind))
    sql = " ".join(q["sql"] for q in captured.captured_queries).upper()
    assert response.context["cl"].paginator.__class__ is CappedPaginator
    assert "LIMIT 10001" in sql.replace('"', "")  # the capped count
    assert sql.count("COUNT(") == 1


def test_past_the_cap_the_list_says_its_count_stops(client, net, monkeypatch):
    kind = next(k for k in KINDS if k.slug == "outreach-events")
    add(kind, net, 4, datetime.date(2025, 8, 14))
    from django.contrib import admin

    monkeypatch.setattr("records.paging.COUNT_CAP", 2)
    monkeypatch.setattr(admin.site._registry[kind.model], "list_per_page", 1)
    client.force_login(net.root_user)
    _n, html = queries(client, changelist(kind))
    assert "records-count-capped" in html and html.count('class="action-select"') == 1
    _n, html = queries(client, changelist(kind) + "?p=4")  # past the capped count's pages
    assert html.count('class="action-select"') == 1


def test_a_period_the_portal_cannot_read_is_refused_cleanly(client, net):
    kind = next(k for k in KINDS if k.slug == "outreach-events")
    client.force_login(net.root_user)
    response = client.get(changelist(kind) + "?period=2025Q9")
    assert response.status_code == 302 and "e=1" in response["Location"]


def test_the_audit_log_lists_by_period_without_a_hierarchy(client, net):
    kind = next(k for k in KINDS if k.slug == "outreach-events")
    add(kind, net, 2, datetime.date(2025, 8, 14))
    client.force_login(net.root_user)
    n, html = queries(client, "/admin/audit/auditentry/")
    this_year = datetime.date.today().year
    m, html = queries(client, f"/admin/audit/auditentry/?period={this_year}")
    assert html.count('class="action-select"') == 2 or html.count("<tr") >= 3
    assert m == n
