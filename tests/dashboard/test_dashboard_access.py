"""Who may open which dashboard: scope is 404, bad periods are 400, never a 500."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.dashboard.conftest import dashboard_url

pytestmark = pytest.mark.django_db


def urls_of(code):
    return [
        dashboard_url(code, "2025"),
        reverse("dashboard:export-xlsx", args=[code]) + "?period=2025",
        reverse("dashboard:export-csv", args=[code]) + "?period=2025",
        reverse("dashboard:export-csv", args=[code]) + "?period=2025&table=children",
    ]


def test_login_required(client, net):
    for url in [reverse("dashboard:home"), *urls_of("WH")]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_node_outside_the_scope_is_404_page_and_exports(client, net, manager_qk):
    client.force_login(manager_qk)
    for code in ("WH", "WH-BBT", "ICBC", "WH-HY-01"):
        for url in urls_of(code):
            assert client.get(url).status_code == 404, url
    for code in ("WH-QK", "WH-QK-01", "WH-QK-02"):
        for url in urls_of(code):
            assert client.get(url).status_code == 200, url


def test_an_unknown_code_is_404(client, net, analyst_hq):
    client.force_login(analyst_hq)
    for url in urls_of("NOPE"):
        assert client.get(url).status_code == 404


def test_dashboard_home_redirects_to_the_users_top_node(client, net, staff_qk, analyst_wh, root_user):
    client.force_login(staff_qk)
    assert client.get(reverse("dashboard:home"))["Location"] == reverse("dashboard:node", args=["WH-QK-01"])
    client.force_login(analyst_wh)
    response = client.get(reverse("dashboard:home") + "?period=2025Q3")
    assert response["Location"] == reverse("dashboard:node", args=["WH"]) + "?period=2025Q3"
    client.force_login(root_user)
    assert client.get(reverse("dashboard:home"))["Location"] == reverse("dashboard:node", args=["ICBC"])


def test_dashboard_home_without_any_role_is_404(client, net):
    client.force_login(get_user_model().objects.create_user("nobody", password="pw-nobody-123"))
    assert client.get(reverse("dashboard:home")).status_code == 404


def test_nav_links_to_the_dashboard(client, net, analyst_wh):
    client.force_login(analyst_wh)
    assert f'href="{reverse("dashboard:home")}"' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    "period",
    ["abc", "2025Q5", "2025-13", "2025..2020", "1800", "2025...2026", "2025-1", "2015..2026", "9" * 200, "%00", " "],
)
def test_a_bad_period_is_a_clear_400(client, net, analyst_wh, period):
    client.force_login(analyst_wh)
    response = client.get(reverse("dashboard:node", args=["WH"]), {"period": period})
    if not period.strip():  # an empty period is the current year
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert 'class="alert alert-danger"' in response.content.decode()
    for url in ("dashboard:export-xlsx", "dashboard:export-csv"):
        assert client.get(reverse(url, args=["WH"]), {"period": period}).status_code == 400


def test_the_default_period_is_the_current_year(client, net, analyst_wh):
    from django.utils import timezone

    client.force_login(analyst_wh)
    response = client.get(reverse("dashboard:node", args=["WH"]))
    assert response.status_code == 200
    assert response.context["period"].text == str(timezone.localdate().year)


def test_the_dashboard_reads_but_never_writes(client, net, analyst_wh):
    client.force_login(analyst_wh)
    assert client.post(dashboard_url("WH", "2025")).status_code == 405
