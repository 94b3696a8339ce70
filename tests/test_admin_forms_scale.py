"""The admin's add and change pages cost what they show at any network size (issue 19): a
relation to branches, staff, users or partnerships is a search box (Django's autocomplete,
branches/admin_base.py), not a <select> of the whole table, so a page's HTML and its queries
are the same with 5 or 200 more of each. The search box's answers (config/admin_autocomplete.py)
are what the form would accept: the user's scope, active branches, 20 at a time."""

import datetime
import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from branches.models import Branch, Role, Staff
from branches.services import branch_create, branch_update, target_set
from config.admin_autocomplete import ScopedAutocompleteJsonView
from submissions.services import submission_submit
from tests.conftest import record_data
from tests.kinds import KINDS

pytestmark = pytest.mark.django_db

NETWORK_SIZED = {Branch, Staff, get_user_model(), *(k.model for k in KINDS)}
AUTOCOMPLETE = "/admin/autocomplete/"


def world(net):
    """One object of every admin model that names the network: records of every kind (with
    the staff and partnerships they name), a staff member, a role, a target, a submission."""
    for kind in KINDS:
        kind.create(user=net.root_user, **record_data(kind.slug, net))
    net.staff("WH-QK-01", "王芳")
    net.user("manager_qk", "WH-QK", Role.BRANCH_MANAGER)
    target_set(user=net.root_user, branch=net["WH-QK"], year=2025, metric="home_visits", value=50)
    submission_submit(user=net.root_user, branch=net["WH-QK-01"], month=datetime.date(2025, 3, 1))


def grow(net, n: int, start: int) -> None:
    """n more outlets, staff, users and partnerships."""
    partnerships = next(k for k in KINDS if k.slug == "partnerships")
    for i in range(start, start + n):
        outlet = branch_create(
            user=net.root_user, code=f"GROW-{i}", name=f"增长网点{i}", level=Branch.Level.OUTLET, parent=net["WH-QK"]
        )
        Staff.objects.create(branch=outlet, name=f"员工{i}")
        get_user_model().objects.create_user(f"grow{i}")
        partnerships.create(user=net.root_user, **record_data("partnerships", net) | {"partner_name": f"伙伴{i}"})


def admin_pages(user) -> list[str]:
    """The add page of every admin that may add, the change page of its newest object."""
    request = RequestFactory().get("/")
    request.user = user
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        newest = model_admin.get_queryset(request).order_by("-pk").first()
        if newest is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[newest.pk]))
    return urls


def measure(client, urls) -> dict[str, tuple[int, int]]:
    figures = {}
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        figures[url] = (len(captured.captured_queries), len(response.content))
    return figures


def test_every_admin_form_is_the_same_size_and_queries_at_any_network_size(client, net):
    world(net)
    grow(net, 5, 0)
    client.force_login(net.root_user)
    urls = admin_pages(net.root_user)
    # Every admin whose model relates to the network has its add or change page measured.
    related = {
        m._meta.label
        for m in admin.site._registry
        if any(f.is_relation and f.related_model in NETWORK_SIZED for f in m._meta.get_fields() if f.concrete)
    }
    measured = {u.split("/")[2] + "." + u.split("/")[3] for u in urls}
    assert {label.lower() for label in related} <= measured
    measure(client, urls)  # warm: content types, permissions, the session
    small = measure(client, urls)
    grow(net, 200, 5)
    large = measure(client, urls)
    assert {u: (small[u], large[u]) for u in urls if large[u] != small[u]} == {}
    assert max(size for _queries, size in large.values()) < 150_000


def test_a_relation_to_the_network_is_a_search_box(client, net):
    world(net)
    client.force_login(net.root_user)
    html = client.get(reverse("admin:services_homevisit_add")).content.decode()
    assert 'data-ajax--url="/admin/autocomplete/"' in html
    assert 'name="branch"' in html and 'data-field-name="branch"' in html
    assert 'data-field-name="staff"' in html  # the team: a multiple search box, not a filter list
    assert "WH-BBT 网点" not in html  # no branch is listed before it is searched for


def answer(client, model: str, field: str, term: str = "", page: int = 1):
    app_label, model_name = model.split(".")
    params = {"app_label": app_label, "model_name": model_name, "field_name": field, "term": term, "page": page}
    return client.get(AUTOCOMPLETE, params)


def texts(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [r["text"] for r in json.loads(response.content)["results"]]


def test_the_search_box_offers_active_branches_only(client, net):
    """The form refuses a closed branch: the search box does not offer it (Django's own
    autocomplete would, from the branch admin's list)."""
    client.force_login(net.root_user)
    assert "WH-BBT 网点" in texts(answer(client, "services.homevisit", "branch", "BBT"))
    branch_update(net["WH-BBT"], user=net.root_user, is_active=False)
    assert texts(answer(client, "services.homevisit", "branch", "BBT")) == []
    # The branch list itself still shows it (closing keeps the branch and its records).
    assert b"WH-BBT" in client.get(reverse("admin:branches_branch_changelist") + "?q=BBT").content


def test_the_search_box_pages_without_counting_the_network(client, net):
    client.force_login(net.root_user)
    grow(net, 5, 0)
    with CaptureQueriesContext(connection) as small:
        first = answer(client, "branches.staff", "branch", "增长")
    grow(net, 40, 5)
    with CaptureQueriesContext(connection) as large:
        first = answer(client, "branches.staff", "branch", "增长")
    assert len(texts(first)) == 20 and json.loads(first.content)["pagination"]["more"] is True
    assert len(large.captured_queries) == len(small.captured_queries)
    count = next(q["sql"] for q in large.captured_queries if "COUNT(" in q["sql"].upper())
    assert "LIMIT 21" in count.upper()  # stops one page ahead
    third = answer(client, "branches.staff", "branch", "增长", page=3)
    assert len(texts(third)) == 5 and json.loads(third.content)["pagination"]["more"] is False


def test_the_search_box_answers_only_fields_shown_as_search_boxes(client, net):
    client.force_login(net.root_user)
    assert answer(client, "services.homevisit", "created_by").status_code == 403  # read-only on the form
    assert answer(client, "audit.auditentry", "branch").status_code == 403  # a list nobody edits
    assert answer(client, "services.homevisit", "no_such_field").status_code == 403
    assert answer(client, "auth.user", "groups").status_code == 403  # Group admin: not a search box here


def test_the_search_box_is_the_superusers_like_the_rest_of_the_admin(client, net):
    ops = net.user("ops_qk", "WH-QK", Role.BRANCH_MANAGER, is_staff=True)
    ops.user_permissions.set(Permission.objects.all())
    client.force_login(ops)
    response = answer(client, "services.homevisit", "branch", "WH")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_search_box_answers_within_the_users_scope(net):
    """Were the admin opened to a manager, the answers would stay in the manager's subtree:
    they are the form field's own choices (for_user, active)."""
    manager = net.user("ops_qk", "WH-QK", Role.BRANCH_MANAGER, is_staff=True)
    manager.user_permissions.set(Permission.objects.all())
    net.staff("WH-QK-02", "李雷")
    net.staff("WH-BBT", "韩梅梅")
    view = ScopedAutocompleteJsonView.as_view(admin_site=admin.site)

    def ask(model, field, term=""):
        app_label, model_name = model.split(".")
        params = {"app_label": app_label, "model_name": model_name, "field_name": field, "term": term}
        request = RequestFactory().get(AUTOCOMPLETE, params)
        request.user = manager
        return texts(view(request))

    assert sorted(ask("services.homevisit", "branch", "WH")) == ["WH-QK 网点", "WH-QK-01 网点", "WH-QK-02 网点"]
    assert ask("services.homevisit", "staff") == ["李雷"]
    assert ask("honours.honour", "recipient_staff", "韩") == []


def test_the_administrator_saves_a_staff_member_with_a_login_through_the_services(client, net):
    """The values the search boxes fill are saved by staff_create / staff_update (audited); the
    staff member's own login (Staff.user) is not taken for the user who writes."""
    login = net.user("zhao_min", "WH-QK-01", Role.OUTLET_STAFF)
    client.force_login(net.root_user)
    form = {"name": "赵敏", "branch": net["WH-QK-01"].pk, "user": login.pk, "is_active": "on", "_save": "1"}
    assert client.post(reverse("admin:branches_staff_add"), form).status_code == 302
    staff = Staff.objects.get(name="赵敏")
    assert (staff.branch, staff.user) == (net["WH-QK-01"], login)
    form |= {"branch": net["WH-QK-02"].pk, "user": ""}
    assert client.post(reverse("admin:branches_staff_change", args=[staff.pk]), form).status_code == 302
    staff.refresh_from_db()
    assert (staff.branch, staff.user) == (net["WH-QK-02"], None)
    writes = AuditEntry.objects.filter(content_type__model="staff", object_id=staff.pk, user=net.root_user).values_list(
        "action", flat=True
    )
    assert sorted(writes) == sorted([AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE])
