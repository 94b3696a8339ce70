"""A dashboard reads the roll-up store only, in a number of queries that does not grow with the tree."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from antifraud.models import Intervention
from antifraud.services import intervention_create, intervention_transition
from branches.models import Branch, Membership, Role, path_segment
from honours.models import Honour
from honours.services import honour_create
from metrics.rollup import record_models
from records.models import Photo
from services.services import home_visit_create, outreach_event_create
from tests.conftest import record_data
from tests.dashboard.conftest import child_rows, dashboard_url, figures

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 8, 14)
NOTABLE_TABLES = {Intervention._meta.db_table, Honour._meta.db_table}


def record_tables() -> set[str]:
    tables = set()
    for model in record_models():
        tables.add(model._meta.db_table)
        tables |= {f.remote_field.through._meta.db_table for f in model._meta.many_to_many}
    return tables


def tables_in(sql: str, tables: set[str]) -> set[str]:
    return {t for t in tables if f'"{t}"' in sql}


def build_tree(root_user, prefix: str, sub_branches: int, outlets_each: int) -> dict[str, Branch]:
    """city > sub-branches > outlets, bulk-created with correct paths (paths are ids)."""
    from branches.services import branch_create

    city = branch_create(user=root_user, code=prefix, name=f"{prefix} 分行", level=Branch.Level.CITY)

    def level(parents, n, kind, code_of):
        rows = Branch.objects.bulk_create(
            Branch(code=code_of(p, i), name=code_of(p, i), level=kind, parent=p, path="pending", depth=p.depth + 1)
            for p in parents
            for i in range(n)
        )
        rows = list(Branch.objects.filter(code__in=[r.code for r in rows]).select_related("parent"))
        for row in rows:
            row.path = row.parent.path + path_segment(row.pk)
        Branch.objects.bulk_update(rows, ["path"], batch_size=500)
        return sorted(rows, key=lambda r: r.code)

    subs = level([city], sub_branches, Branch.Level.SUB_BRANCH, lambda p, i: f"{p.code}-{i:03d}")
    outlets = level(subs, outlets_each, Branch.Level.OUTLET, lambda p, i: f"{p.code}-{i:03d}")
    return {"city": city, "sub": subs[0], "outlet": outlets[0], "count": 1 + len(subs) + len(outlets)}


def populate(user, tree):
    """The same records in either tree: a home visit, a police-attended case, an honour."""
    outlet = tree["outlet"]
    home_visit_create(user=user, **(record_data_at("home-visits", outlet)))
    outreach_event_create(user=user, **(record_data_at("outreach-events", outlet)))
    case = intervention_create(user=user, **record_data_at("interventions", outlet))
    case = intervention_transition(case, user=user, status="police_notified")
    intervention_transition(case, user=user, status="police_attended", police_unit="某派出所")
    honour_create(user=user, **record_data_at("honours", tree["sub"]))


class _Net:
    """Enough of tests.conftest.Network for record_data: every code maps to one branch."""

    def __init__(self, branch, root_user=None):
        self.branch = branch
        self.root_user = root_user or get_user_model().objects.filter(is_superuser=True).first()

    def __getitem__(self, code):
        return self.branch


def record_data_at(kind, branch):
    return record_data(kind, _Net(branch))


@pytest.fixture
def trees(root_user, django_user_model):
    small = build_tree(root_user, "S", sub_branches=3, outlets_each=5)
    big = build_tree(root_user, "B", sub_branches=40, outlets_each=50)
    assert small["count"] == 19 and big["count"] == 2041
    for tree in (small, big):
        populate(root_user, tree)
        tree["user"] = django_user_model.objects.create_user(f"analyst_{tree['city'].code}", password="pw-analyst-1")
        Membership.objects.create(user=tree["user"], branch=tree["city"], role=Role.ANALYST)
    return small, big


def queries_of(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("node", ["city", "sub", "outlet"])
def test_query_count_is_the_same_for_20_and_2000_nodes(client, trees, node):
    counts = []
    for tree in trees:
        client.force_login(tree["user"])
        url = dashboard_url(tree[node].code, "2025")
        queries_of(client, url)  # warm the content-type cache
        counts.append(len(queries_of(client, url)))
    assert counts[0] == counts[1], counts


def test_exports_do_not_grow_with_the_tree_either(client, trees):
    for kind in ("export-xlsx", "export-csv"):
        counts = []
        for tree in trees:
            client.force_login(tree["user"])
            url = reverse(f"dashboard:{kind}", args=[tree["city"].code]) + "?period=2025&table=children"
            counts.append(len(queries_of(client, url)))
        assert counts[0] == counts[1], (kind, counts)


def test_no_dashboard_query_reads_the_record_tables_but_the_notable_list(client, trees):
    small, big = trees
    tables = record_tables()
    for tree in trees:
        client.force_login(tree["user"])
        url = dashboard_url(tree["city"].code, "2025")
        queries_of(client, url)
        queries = queries_of(client, url)
        touching = [sql for sql in queries if tables_in(sql, tables)]
        # Two queries for the notable interventions and honours, one for their photos;
        # one for the titles whose validity ends within 90 days (honours table).
        assert len(touching) == 3
        for sql in touching:
            assert tables_in(sql, tables) <= NOTABLE_TABLES, sql
        assert len([sql for sql in queries if f'"{Photo._meta.db_table}"' in sql]) == 1
        page = client.get(url)
        assert len(page.context["notable"]["interventions"]) == 1 and len(page.context["notable"]["honours"]) == 1


def test_exports_never_read_record_tables(client, trees):
    small, _big = trees
    client.force_login(small["user"])
    for kind in ("export-xlsx", "export-csv"):
        url = reverse(f"dashboard:{kind}", args=["S"]) + "?period=2025"
        assert not [sql for sql in queries_of(client, url) if tables_in(sql, record_tables())]


def test_the_notable_list_stays_constant_with_more_records(client, net, manager_qk, analyst_wh):
    client.force_login(analyst_wh)
    url = dashboard_url("WH", "2025")

    def notable_queries():
        return [sql for sql in queries_of(client, url) if tables_in(sql, record_tables())]

    def add_case():
        case = intervention_create(user=manager_qk, **record_data("interventions", net))
        intervention_transition(
            case, user=manager_qk, status="confirmed", police_unit="某派出所", amount_protected=Decimal(1)
        )
        honour_create(user=manager_qk, **record_data("honours", net))

    add_case()
    queries_of(client, url)
    few = len(notable_queries())
    for _ in range(12):
        add_case()
    assert len(notable_queries()) == few
    shown = client.get(url).context["notable"]
    assert len(shown["interventions"]) == 8 and len(shown["honours"]) == 8


def test_a_saved_record_shows_on_the_very_next_request(client, net, staff_qk, analyst_wh):
    client.force_login(analyst_wh)
    url = dashboard_url("WH", "2025")
    before = client.get(url).content.decode()
    assert figures(before)["home_visits"] == "0"
    home_visit_create(user=staff_qk, **record_data("home-visits", net))
    after = client.get(url).content.decode()
    assert figures(after)["home_visits"] == "1"
    assert child_rows(after)["WH-QK"]["home_visits"] == "1"
    assert child_rows(after)["WH-BBT"]["home_visits"] == "0"
    outlet = client.get(dashboard_url("WH-QK-01", "2025-08")).content.decode()
    assert figures(outlet)["home_visits"] == "1"
    assert figures(client.get(dashboard_url("WH-QK-01", "2025-07")).content.decode())["home_visits"] == "0"
