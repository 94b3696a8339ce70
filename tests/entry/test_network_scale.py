"""Issue 19: what a list or form costs does not depend on the size of the network.

Branch choosers search on the server (records/pages/choosers.py) instead of rendering the tree;
record lists count up to a cap and page past it by keyset (records/paging.py).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import Branch, path_segment
from core.kinds import kind_for_model
from records import paging
from records.services import record_bulk_create
from services.models import HomeVisit
from tests.conftest import record_data
from tests.kinds import KIND_IDS, KINDS

pytestmark = pytest.mark.django_db

HTML_LIMIT = 150 * 1024


def grow(parent: Branch, n: int, prefix: str) -> None:
    """n more outlets under `parent`, as the synthetic network builds them (bulk inserts)."""
    rows = Branch.objects.bulk_create(
        [
            Branch(
                code=f"{prefix}-{i:05d}", name=f"{prefix} 网点 {i}", level=Branch.Level.OUTLET, parent=parent, path="-"
            )
            for i in range(n)
        ]
    )
    for b in rows:
        b.path = parent.path + path_segment(b.pk)
        b.depth = parent.depth + 1
    Branch.objects.bulk_update(rows, ["path", "depth"])


def add_records(kind, net, n: int) -> None:
    rows = [
        {k: v for k, v in record_data(kind.slug, net).items() if k not in kind.m2m}
        | {"occurred_on": datetime.date(2025, 8, 14) - datetime.timedelta(days=i)}
        for i in range(n)
    ]
    m2m = [
        {name: [net.staff("WH-QK-01", f"员工{i}{half}") for half in "甲乙"] for name in kind.m2m} for i in range(n)
    ]  # a team of two each
    record_bulk_create(kind.model, user=net.root_user, rows=rows, m2m_rows=m2m)


def measure(client, url, **params) -> tuple[int, int]:
    client.get(url, params)  # warm per-process caches (content types, the kind registry)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(ctx), len(response.content)


def pages(kind) -> list[tuple[str, dict]]:
    return [
        (kind.url("list"), {}),
        (kind.url("list"), {"branch": "WH-QK"}),
        (kind.url("list"), {"branch": "WH-QK", "date_from": "2025-01-01"}),
        (kind.url("new"), {}),
    ]


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_lists_and_forms_cost_the_same_at_16_and_400_outlets(client, net, root_user, kind):
    add_records(kind, net, 3)
    grow(net["WH-QK"], 16, "SMALL")
    client.force_login(root_user)  # head office: the whole tree in scope
    small = {f"{url}?{params}": measure(client, url, **params) for url, params in pages(kind)}
    grow(net["WH-QK"], 400 - 16, "LARGE")
    grow(net["WH-BBT"], 400, "OTHER")
    large = {f"{url}?{params}": measure(client, url, **params) for url, params in pages(kind)}
    for page, (queries, size) in large.items():
        assert size < HTML_LIMIT, page
        assert queries == small[page][0], page
        assert abs(size - small[page][1]) < 200, page  # the same page, whatever the tree's size


def test_the_submissions_index_and_a_partnership_form_do_not_grow_either(client, net, analyst_hq, root_user):
    client.force_login(root_user)
    urls = [reverse("submissions:index"), reverse("partnerships:partnership-activities-new")]
    small = [measure(client, url) for url in urls]
    grow(net["WH"], 800, "GROWN")
    large = [measure(client, url) for url in urls]
    assert [q for q, _size in large] == [q for q, _size in small]
    assert all(size < HTML_LIMIT and abs(size - s) < 200 for (_q, size), (_q2, s) in zip(large, small, strict=True))


# --- the chooser endpoint ---------------------------------------------------------------------


def choices(client, **params) -> list[str]:
    response = client.get(reverse("branch-choices"), params)
    assert response.status_code == 200
    return [r["code"] for r in response.json()["results"]]


def test_the_branch_chooser_answers_within_the_scope_only(client, net, manager_qk, analyst_hq):
    client.force_login(manager_qk)
    assert choices(client, q="WH") == ["WH-QK", "WH-QK-01", "WH-QK-02"]
    assert choices(client, q="bbt") == []  # WH-BBT exists, outside the manager's scope
    assert choices(client, q="WH-BBT 网点") == []
    client.force_login(analyst_hq)
    assert choices(client, q="bbt") == ["WH-BBT"]
    assert choices(client, q="BBT 网") == ["WH-BBT"]  # by name too


def test_the_chooser_for_a_form_offers_where_the_user_may_record_that_kind(client, net, root_user, analyst_wh):
    client.force_login(root_user)
    assert choices(client, q="WH-HY", **{"for": "love-station-tallies"}) == ["WH-HY-01"]  # stations only
    assert choices(client, q="WH-HY", **{"for": "home-visits"}) == ["WH-HY", "WH-HY-01"]
    client.force_login(analyst_wh)  # reads WH, records nowhere
    assert choices(client, q="WH", **{"for": "home-visits"}) == []
    assert sorted(choices(client, q="WH")) == ["WH", "WH-BBT", "WH-HY", "WH-HY-01", "WH-QK", "WH-QK-01", "WH-QK-02"]
    assert choices(client, q="WH", **{"for": "no-such-kind"}) == []


def test_the_chooser_is_bounded_and_its_cost_constant(client, net, root_user):
    client.force_login(root_user)
    grow(net["WH-QK"], 30, "WH-QK-X")
    with CaptureQueriesContext(connection) as small:
        assert len(choices(client, q="WH-QK-X")) == 20
    grow(net["WH-QK"], 400, "WH-QK-Y")
    with CaptureQueriesContext(connection) as large:
        assert len(choices(client, q="WH-QK-")) == 20
    assert len(large) == len(small)
    assert len(choices(client, q="x" * 500)) == 0  # a long query is cut, never an error


def test_the_chooser_needs_a_login(client, net):
    response = client.get(reverse("branch-choices"), {"q": "WH"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- validation is unchanged ------------------------------------------------------------------


def test_a_form_never_lists_the_tree_and_still_refuses_a_branch_out_of_scope(client, net, staff_qk):
    client.force_login(staff_qk)
    url = reverse("services:home-visits-new")
    page = client.get(url).content.decode()
    assert "WH-QK-01" in page  # the chosen (home) branch, labelled
    assert "WH-QK-02" not in page and "WH-BBT" not in page  # nothing else rendered
    assert 'role="combobox"' in page and reverse("branch-choices") + "?for=home-visits" in page
    data = record_data("home-visits", net)
    data = {k: (v.pk if isinstance(v, Branch) else v) for k, v in data.items()} | {
        "staff": [s.pk for s in data["staff"]]
    }
    assert client.post(url, data | {"branch": net["WH-BBT"].pk}).status_code == 404
    refused = client.post(url, data | {"branch": "999999"})
    assert refused.status_code == 200 and "branch" in refused.context["form"].errors
    assert not HomeVisit.objects.exists()


def test_a_list_filter_names_a_branch_out_of_scope(client, net, staff_qk):
    client.force_login(staff_qk)
    response = client.get(reverse("services:home-visits-list"), {"branch": "WH-BBT"})
    assert response.status_code == 200
    message = "您的权限范围内没有代码为 WH-BBT 的机构。"  # No branch with code WH-BBT in your scope.
    assert response.context["filterset"].form.errors["branch"] == [message]
    assert message in response.content.decode()


def test_the_submissions_index_refuses_a_node_out_of_scope(client, net, manager_qk):
    client.force_login(manager_qk)
    response = client.get(reverse("submissions:index"), {"branch": "WH-BBT", "month": "2025-08"})
    assert response.status_code == 200 and "branch" in response.context["form"].errors
    ok = client.get(reverse("submissions:index"), {"branch": "WH-QK", "month": "2025-08"})
    assert ok.status_code == 302


# --- capped counts and keyset pages ------------------------------------------------------------


@pytest.fixture
def cap_of_ten(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 10)


def test_a_long_list_says_10_000_plus_and_pages_on_by_keyset(client, net, analyst_wh, cap_of_ten):
    kind = next(k for k in KINDS if k.slug == "home-visits")
    add_records(kind, net, 30)
    newest_first = list(HomeVisit.objects.order_by("-occurred_on", "-id").values_list("pk", flat=True))
    client.force_login(analyst_wh)
    url = kind.url("list")
    first = client.get(url, {"branch": "WH-QK"})
    assert first.context["paging"].count_text == "10+" and "10+" in first.content.decode()
    assert [r.obj.pk for r in first.context["rows"]] == newest_first[:25]
    next_url = first.context["paging"].next_url
    assert "after=" in next_url and "branch=WH-QK" in next_url
    with CaptureQueriesContext(connection) as deep:
        second = client.get(url + next_url)
    assert [r.obj.pk for r in second.context["rows"]] == newest_first[25:]
    assert second.context["paging"].next_url is None
    with CaptureQueriesContext(connection) as shallow:
        client.get(url, {"branch": "WH-QK"})
    assert len(deep) <= len(shallow)  # a deep page costs no more than page 1
    back = client.get(url + second.context["paging"].previous_url)
    assert [r.obj.pk for r in back.context["rows"]] == newest_first[:25]
    assert client.get(url, {"after": "garbage"}).status_code == 200  # a broken key: page 1


def test_an_exact_count_below_the_cap(client, net, analyst_wh):
    kind = next(k for k in KINDS if k.slug == "home-visits")
    add_records(kind, net, 3)
    client.force_login(analyst_wh)
    response = client.get(kind.url("list"))
    assert response.context["paging"].count_text == "3" and not response.context["paging"].capped
    assert response.context["paging"].next_url is None


def test_the_api_caps_its_count_and_keeps_page_numbers(net, analyst_wh, cap_of_ten):
    from tests.api.conftest import token_client

    kind = next(k for k in KINDS if k.slug == "home-visits")
    add_records(kind, net, 30)
    api = token_client(analyst_wh)
    body = api.get("/api/v1/home-visits/", {"page_size": 20}).json()
    assert body["count"] == 10 and body["count_capped"] is True and len(body["results"]) == 20
    second = api.get(body["next"]).json()
    assert len(second["results"]) == 10 and second["next"] is None
    assert api.get("/api/v1/home-visits/", {"page_size": 20, "page": 3}).status_code == 404
    feed = api.get("/api/v1/home-visits/", {"updated_since": "2000-01-01", "page_size": 20}).json()
    assert feed["count"] == 10 and feed["count_capped"] is True


@pytest.mark.parametrize("size", [1, 7, 30])
def test_newest_first_gives_the_rows_a_plain_limit_gives(net, analyst_wh, size):
    add_records(kind_for_model(HomeVisit), net, 25)
    qs = HomeVisit.objects.for_user_in_subtree(analyst_wh, net["WH"]).select_related("branch")
    plain = list(qs.order_by("-occurred_on", "-id")[:size])
    with CaptureQueriesContext(connection) as captured:
        rows = paging.newest_first(qs, size)
        [row.branch.code for row in rows]
    assert [r.pk for r in rows] == [r.pk for r in plain] and len(rows) == min(size, 25)
    assert len(captured) == 1
