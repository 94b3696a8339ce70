"""The records menu, links from the home page, and pages that keep to the strict CSP."""

import re

import pytest

from antifraud.services import intervention_create
from core.kinds import record_kinds
from services.services import home_visit_create
from tests.conftest import record_data

pytestmark = pytest.mark.django_db


def test_menu_links_every_kind_and_the_work_pages(client, staff_qk):
    client.force_login(staff_qk)
    page = client.get("/").content.decode()
    for kind in record_kinds():
        assert f'href="{kind.url("list")}"' in page, kind.slug
    for url in ("/services/home-visits/follow-ups/", "/services/love-station-tallies/tally/", "/submissions/"):
        assert f'href="{url}"' in page


def test_home_links_the_latest_records(client, net, staff_qk):
    visit = home_visit_create(user=staff_qk, **record_data("home-visits", net))
    client.force_login(staff_qk)
    assert f'href="{visit.get_absolute_url()}"' in client.get("/").content.decode()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)


def test_entry_pages_have_no_inline_script_style_or_handlers(client, net, staff_qk, manager_qk):
    visit = home_visit_create(user=staff_qk, **record_data("home-visits", net))
    case = intervention_create(user=staff_qk, **record_data("interventions", net))
    urls = [kind.url(action) for kind in record_kinds() for action in ("list", "new")]
    urls += [visit.get_absolute_url(), f"{visit.get_absolute_url()}edit/", f"{visit.get_absolute_url()}delete/"]
    urls += [case.get_absolute_url(), "/services/home-visits/follow-ups/", "/submissions/"]
    urls += [f"/services/love-station-tallies/tally/{net['WH-QK-01'].pk}/2025-08-14/", "/submissions/WH-QK-01/2025-08/"]
    urls += ["/submissions/WH-QK-01/year/2025/"]
    for user in (staff_qk, manager_qk):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), url
            assert " style=" not in html and not INLINE_HANDLER.search(html), url


def test_pages_speak_english_on_request(client, net, staff_qk):
    visit = home_visit_create(user=staff_qk, **record_data("home-visits", net))
    client.force_login(staff_qk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Change history" in page and "Customer group" in page
    assert "Follow-up done" in client.get("/services/home-visits/follow-ups/").content.decode()


def test_new_form_defaults_to_home_branch_and_today_and_offers_only_the_scope(client, net, staff_qk, manager_qk):
    from django.utils import timezone

    net.staff("WH-QK-01", "李敏")
    net.staff("WH-BBT", "外行员工")
    client.force_login(staff_qk)
    form = client.get("/services/home-visits/new/").context["form"]
    assert form["branch"].value() == net["WH-QK-01"].pk
    assert form["occurred_on"].value() == timezone.localdate()
    assert [b.code for b in form.fields["branch"].queryset] == ["WH-QK-01"]
    assert [s.name for s in form.fields["staff"].queryset] == ["李敏"]

    client.force_login(manager_qk)
    form = client.get("/services/home-visits/new/").context["form"]
    assert form["branch"].value() == net["WH-QK"].pk
    assert [b.code for b in form.fields["branch"].queryset] == ["WH-QK", "WH-QK-01", "WH-QK-02"]
    # Love-station tallies offer stations only.
    form = client.get("/services/love-station-tallies/new/").context["form"]
    assert [b.code for b in form.fields["branch"].queryset] == ["WH-QK-01", "WH-QK-02"]
