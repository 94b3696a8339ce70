"""Issue 19: a form naming staff (a home visit's team, a session's participants, an honour's
recipient, the commendation on an intervention's page) renders the chosen staff only, whatever
the number of staff in the user's scope; staff-choices searches them on the server, within the
very queryset the form validates against (records/pages/staff_choosers.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from branches.models import Branch, Staff
from core.kinds import kind_for_slug
from services.models import HomeVisit
from tests.conftest import record_data

pytestmark = pytest.mark.django_db

HTML_LIMIT = 150 * 1024
TEAM_MESSAGE_ZH = "上门员工（双人）：上门服务须由两名员工同行，请至少选择 2 名（当前 {n} 名）。"


def hire(net, code: str, n: int, prefix: str) -> None:
    Staff.objects.bulk_create([Staff(branch=net[code], name=f"{prefix}{i:04d}") for i in range(n)])


def form_data(net, slug="home-visits", **changes) -> dict:
    data = record_data(slug, net)
    out = {}
    for key, value in data.items():
        if isinstance(value, Branch):
            value = value.pk
        elif isinstance(value, (list, tuple)):
            value = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "pk"):
            value = value.pk
        out[key] = value
    return out | changes


def measure(client, url) -> tuple[int, int, str]:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx), len(response.content), response.content.decode()


def staff_pages(net, root_user) -> list[str]:
    """The pages that name staff, new and edit (each record naming someone), and the
    intervention's page (its commendation form)."""
    named = net.staff("WH-QK-01", "已选")
    staff_fields = {"interventions": {"staff": [named]}, "study-sessions": {"participants": [named]}}
    staff_fields["honours"] = {"recipient_staff": named}
    urls = []
    for slug in ("home-visits", "interventions", "study-sessions", "honours"):
        kind = kind_for_slug(slug)
        urls.append(kind.url("new"))
        data = record_data(slug, net)
        if slug == "home-visits":
            data["staff"] = [*data["staff"], named]
        obj = kind.create(user=root_user, **data | staff_fields.get(slug, {}))
        urls.append(kind.url("edit", obj.pk))
        if slug == "interventions":
            urls.append(obj.get_absolute_url())
    return urls


def test_the_forms_that_name_staff_cost_the_same_with_5_and_300_staff_in_scope(client, net, root_user):
    urls = staff_pages(net, root_user)
    hire(net, "WH-QK-01", 5, "少")
    client.force_login(root_user)  # head office: every staff member in scope
    small = {url: measure(client, url) for url in urls}
    hire(net, "WH-QK-01", 150, "多甲")
    hire(net, "WH-BBT", 150, "多乙")
    large = {url: measure(client, url) for url in urls}
    for url, (queries, size, page) in large.items():
        assert size < HTML_LIMIT, url
        assert queries == small[url][0], url
        assert size == small[url][1], url  # the same page, byte for byte
        assert "多甲0001" not in page and "少0001" not in page, url  # no one listed who is not chosen
        assert ("已选 · WH-QK-01 网点" in page) == url.endswith("/edit/"), url  # the chosen one is
        assert reverse("staff-choices") in page, url


def test_an_edit_shows_the_chosen_team_ticked_and_no_one_else(client, net, staff_qk):
    hire(net, "WH-QK-01", 30, "旁人")
    kind = kind_for_slug("home-visits")
    visit = kind.create(user=staff_qk, **record_data("home-visits", net))
    client.force_login(staff_qk)
    page = client.get(reverse("services:home-visits-edit", args=[visit.pk])).content.decode()
    for member in visit.staff.all():
        assert f'value="{member.pk}"' in page and f"{member.name} · {member.branch}" in page
    assert page.count('type="checkbox" name="staff"') == visit.staff.count()
    assert page.count(" checked") >= visit.staff.count()
    assert "旁人0001" not in page
    # the field's label names the search box; the boxes are a group named the same
    assert 'for="id_staff_search"' in page and 'id="id_staff_search"' in page and 'role="group"' in page


def test_a_chosen_team_posts_as_checkboxes_and_a_form_error_shows_it_again(client, net, staff_qk):
    client.force_login(staff_qk)
    url = reverse("services:home-visits-new")
    data = form_data(net)
    team = Staff.objects.filter(pk__in=data["staff"])
    refused = client.post(url, data | {"duration_minutes": "-5"})  # another field's error
    assert refused.status_code == 200 and "duration_minutes" in refused.context["form"].errors
    page = refused.content.decode()
    for member in team:
        assert f'value="{member.pk}"' in page and f"{member.name} · {member.branch}" in page
    assert client.post(url, data).status_code == 302  # the plain form post: no script needed
    assert set(HomeVisit.objects.get().staff.all()) == set(team)


def test_the_two_person_rule_still_speaks(client, net, staff_qk):
    client.force_login(staff_qk)
    data = form_data(net)
    with translation.override("zh-hans"):
        response = client.post(reverse("services:home-visits-new"), data | {"staff": data["staff"][:1]})
    assert response.status_code == 200
    assert TEAM_MESSAGE_ZH.format(n=1) in response.content.decode()
    assert not HomeVisit.objects.exists()


@pytest.mark.parametrize("forged", ["999999", "abc", "9" * 40, "-1"])
def test_a_forged_staff_id_is_a_form_error(client, net, staff_qk, forged):
    client.force_login(staff_qk)
    data = form_data(net)
    response = client.post(reverse("services:home-visits-new"), data | {"staff": [*data["staff"], forged]})
    assert response.status_code == 200 and "staff" in response.context["form"].errors
    honour = client.post(reverse("honours:honours-new"), form_data(net, "honours", recipient_staff=forged))
    assert honour.status_code == 200 and "recipient_staff" in honour.context["form"].errors
    assert not HomeVisit.objects.exists()


def test_staff_out_of_scope_are_refused_and_never_shown(client, net, staff_qk):
    elsewhere = net.staff("WH-BBT", "外行")
    client.force_login(staff_qk)
    data = form_data(net)
    response = client.post(reverse("services:home-visits-new"), data | {"staff": [*data["staff"], elsewhere.pk]})
    assert response.status_code == 200 and "staff" in response.context["form"].errors
    assert "外行" not in response.content.decode()  # the refused id is not labelled back
    honour = client.post(reverse("honours:honours-new"), form_data(net, "honours", recipient_staff=elsewhere.pk))
    assert honour.status_code == 200 and "recipient_staff" in honour.context["form"].errors
    assert "外行" not in honour.content.decode()


# --- the endpoint -----------------------------------------------------------------------------


def staff_choices(client, **params) -> list[str]:
    response = client.get(reverse("staff-choices"), params)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    return [r["label"] for r in response.json()["results"]]


def test_the_staff_chooser_answers_within_the_scope_and_by_name(client, net, staff_qk, manager_qk, analyst_hq):
    net.staff("WH-QK-01", "张伟")
    net.staff("WH-QK-02", "张敏")
    net.staff("WH-BBT", "张强")
    gone = net.staff("WH-QK-01", "张离职")
    gone.is_active = False
    gone.save()
    client.force_login(staff_qk)  # outlet WH-QK-01
    assert staff_choices(client, q="张") == ["张伟 · WH-QK-01 网点"]
    client.force_login(manager_qk)  # sub-branch WH-QK
    assert staff_choices(client, q="张") == ["张伟 · WH-QK-01 网点", "张敏 · WH-QK-02 网点"]
    assert staff_choices(client, q="强") == []  # WH-BBT is outside the scope
    assert staff_choices(client, q="离职") == []  # inactive staff are not offered
    client.force_login(analyst_hq)
    assert "张强 · WH-BBT 网点" in staff_choices(client, q="张")
    assert staff_choices(client, q="伟") == ["张伟 · WH-QK-01 网点"]


def test_the_staff_chooser_is_bounded_and_its_cost_constant(client, net, root_user):
    client.force_login(root_user)
    hire(net, "WH-QK-01", 25, "某甲")
    with CaptureQueriesContext(connection) as small:
        assert len(staff_choices(client, q="某甲")) == 20
    hire(net, "WH-BBT", 300, "某乙")
    with CaptureQueriesContext(connection) as large:
        assert len(staff_choices(client, q="某")) == 20
        assert len(staff_choices(client)) == 20  # nothing typed: the first of the scope
    assert len(large) == 2 * len(small)
    assert staff_choices(client, q="x" * 500) == []  # a long query is cut, never an error


def test_the_staff_chooser_needs_a_login(client, net):
    response = client.get(reverse("staff-choices"), {"q": "张"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
