"""The love-station tally screen (each tap saved and rolled up) and the home-visit follow-ups."""

import datetime

import pytest
from django.utils import timezone

from core.periods import parse_period
from metrics.selectors import totals
from services.models import HomeVisit, LoveStationTally
from services.services import home_visit_create
from tests.conftest import record_data

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def tally_url(station, day="2025-08-14"):
    return f"/services/love-station-tallies/tally/{station.pk}/{day}/"


def visits_in_august(station) -> int:
    return totals(station, parse_period("2025-08"), ["love_station_visits"])["love_station_visits"]


def test_each_tap_is_saved_and_rolled_up(client, net, staff_qk):
    station = net["WH-QK-01"]
    client.force_login(staff_qk)
    page = client.get(tally_url(station))
    assert page.status_code == 200 and page.content.decode().count('name="by" value="1"') == 5 * 8
    tap = {"visitor_group": "sanitation", "service": "water", "by": "1"}
    response = client.post(tally_url(station), tap, **HTMX)
    assert response.status_code == 200
    assert 'data-count="1"' in response.content.decode() and 'id="tally-total"' in response.content.decode()
    client.post(tally_url(station), tap, **HTMX)
    client.post(tally_url(station), tap | {"service": "charging"}, **HTMX)
    assert LoveStationTally.objects.get(branch=station, service="water").count == 2
    assert visits_in_august(station) == 3 and visits_in_august(net["WH"]) == 3

    client.post(tally_url(station), tap | {"by": "-1"}, **HTMX)
    assert visits_in_august(station) == 2
    # −1 on a service nobody used changes nothing.
    client.post(tally_url(station), tap | {"service": "rest", "by": "-1"}, **HTMX)
    assert not LoveStationTally.objects.filter(service="rest").exists() and visits_in_august(station) == 2


def test_a_tap_without_htmx_saves_and_comes_back(client, net, staff_qk):
    client.force_login(staff_qk)
    url = tally_url(net["WH-QK-01"])
    response = client.post(url, {"visitor_group": "courier", "service": "toilet", "by": "1"})
    assert response.status_code == 302 and response["Location"] == url
    assert LoveStationTally.objects.get().count == 1


def test_analyst_reads_but_cannot_tap(client, net, analyst_wh):
    client.force_login(analyst_wh)
    url = tally_url(net["WH-HY-01"])
    page = client.get(url)
    assert page.status_code == 200 and 'name="by"' not in page.content.decode()
    assert client.post(url, {"visitor_group": "courier", "service": "water", "by": "1"}).status_code == 403
    assert not LoveStationTally.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "{hy}/2025-08-14/",  # a station outside the scope
        "{bbt}/2025-08-14/",  # not a station
        "{qk}/2025-02-30/",
        "{qk}/yesterday/",
        "{qk}/{tomorrow}/",
        "99999999999/2025-08-14/",
    ],
)
def test_tally_pages_that_do_not_exist(client, net, staff_qk, path):
    client.force_login(staff_qk)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    path = path.format(hy=net["WH-HY-01"].pk, bbt=net["WH-BBT"].pk, qk=net["WH-QK-01"].pk, tomorrow=tomorrow)
    url = "/services/love-station-tallies/tally/" + path
    assert client.get(url).status_code == 404
    assert client.post(url, {"visitor_group": "courier", "service": "water", "by": "1"}).status_code == 404


def test_bad_tap_values_are_refused(client, net, staff_qk):
    client.force_login(staff_qk)
    for tap in ({"visitor_group": "alien", "service": "water", "by": "1"}, {"visitor_group": "courier", "by": "5"}):
        assert client.post(tally_url(net["WH-QK-01"]), tap, **HTMX).status_code == 400
    assert not LoveStationTally.objects.exists()


def test_tally_picker(client, net, staff_qk, analyst_wh):
    client.force_login(staff_qk)  # one station in scope: straight to today's tally
    response = client.get("/services/love-station-tallies/tally/")
    today = timezone.localdate().isoformat()
    assert response.status_code == 302 and response["Location"] == tally_url(net["WH-QK-01"], today)
    client.force_login(analyst_wh)  # three stations: choose one
    page = client.get("/services/love-station-tallies/tally/")
    assert page.status_code == 200 and len(page.context["stations"]) == 2  # at least two: a choice
    assert "WH-QK-01" in page.content.decode() and "WH-HY-01" not in page.content.decode()  # searched
    offered = client.get("/choices/branches/", {"for": "stations", "q": "WH"}).json()["results"]
    assert sorted(r["code"] for r in offered) == ["WH-HY-01", "WH-QK-01", "WH-QK-02"]
    chosen = client.get("/services/love-station-tallies/tally/", {"station": net["WH-HY-01"].pk, "day": "2025-08-14"})
    assert chosen["Location"] == tally_url(net["WH-HY-01"])


def test_follow_ups_list_due_and_overdue_visits_and_mark_done(client, net, staff_qk, staff_qk2):
    today = timezone.localdate()
    data = record_data("home-visits", net)
    overdue = home_visit_create(user=staff_qk, **(data | {"occurred_on": today - datetime.timedelta(days=5)}))
    fresh = home_visit_create(user=staff_qk, **(data | {"occurred_on": today}))
    done = home_visit_create(
        user=staff_qk, **(data | {"occurred_on": today - datetime.timedelta(days=9), "follow_up_done_on": today})
    )
    elsewhere = home_visit_create(
        user=staff_qk2, **(record_data("home-visits", net, net["WH-QK-02"]) | {"occurred_on": today})
    )
    client.force_login(staff_qk)
    page = client.get("/services/home-visits/follow-ups/")
    rows = page.context["rows"]
    assert [r["visit"] for r in rows] == [overdue, fresh]  # most overdue first; done and foreign ones absent
    assert rows[0]["overdue"] and not rows[1]["overdue"]
    assert done not in [r["visit"] for r in rows] and elsewhere not in [r["visit"] for r in rows]

    url = f"/services/home-visits/{overdue.pk}/follow-up-done/"
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    prefix = f"v{overdue.pk}-"
    response = client.post(url, {prefix + "done_on": tomorrow, prefix + "version": "1"})
    assert response.status_code == 200
    assert "done_on" in next(r["form"] for r in response.context["rows"] if r["visit"] == overdue).errors
    before_visit = (today - datetime.timedelta(days=6)).isoformat()
    response = client.post(url, {prefix + "done_on": before_visit, prefix + "version": "1"})
    assert response.status_code == 200
    overdue.refresh_from_db()
    assert overdue.follow_up_done_on is None

    response = client.post(url, {prefix + "done_on": today.isoformat(), prefix + "version": "1"})
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.follow_up_done_on == today
    assert [r["visit"] for r in client.get("/services/home-visits/follow-ups/").context["rows"]] == [fresh]

    client.force_login(staff_qk2)
    assert client.post(f"/services/home-visits/{fresh.pk}/follow-up-done/", {}).status_code == 404
    assert HomeVisit.objects.get(pk=fresh.pk).follow_up_done_on is None


def test_a_tap_racing_another_on_a_new_cell_still_counts(client, net, staff_qk, monkeypatch):
    from django.db import IntegrityError

    from services import views
    from services.services import love_station_tally_add

    calls = []

    def racing(**tap):
        calls.append(tap)
        if len(calls) == 1:  # the other phone's insert won
            love_station_tally_add(**tap)
            raise IntegrityError("love_station_tally_unique")
        return love_station_tally_add(**tap)

    monkeypatch.setattr(views, "love_station_tally_add", racing)
    client.force_login(staff_qk)
    response = client.post(tally_url(net["WH-QK-01"]), {"visitor_group": "taxi", "service": "rest", "by": "1"}, **HTMX)
    assert response.status_code == 200 and len(calls) == 2
    assert LoveStationTally.objects.get().count == 2  # both taps
