"""Every demo persona walks the portal (issue 21): no page shows a control whose action would be
refused. Each persona starts at the home page, follows the links and forms it is shown (a few
of each page shape), and every link is requested and every form submitted as shown, the form's
effects rolled back: none may be refused (403, 405, 409) or locked.

The demo's approved months (January to October 2025) and its submitted November give the
states: a record in a locked month, a month the viewer submitted, months waiting for approval.
"""

import datetime
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from core.kinds import kind_for_slug
from metrics.models import Submission
from reminders.models import Notification

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PERSONAS = ("staff_qk", "staff_hy", "manager_qk", "manager_bbt", "analyst_wh", "analyst_hq", "admin")
PAGES_PER_PERSONA = 45
PER_SHAPE = 2  # pages of one shape (ids and dates as placeholders) visited per persona
REFUSED = {403, 405, 409}
# Not the portal's own pages (Django admin, the API's JSON), files, and signing out.
SKIP = re.compile(
    r"^/(admin/|api/v1/(?!tokens/|docs/)|accounts/logout|i18n/|static/|media/)|\.(xlsx|csv|docx|pdf)$|/photos/"
)
LOCK_TEXT = "period-locked"


class Controls(HTMLParser):
    """The links, forms (with the values they would send) and htmx requests of a page."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        for hx in ("hx-get",):
            if a.get(hx, "").startswith("/"):
                self.links.append(a[hx])
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "", "data": {}}
            self._form["extra"] = []
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind == "file":
                return
            self._form["data"].setdefault(a["name"], a.get("value", ""))
        elif self._form is not None and tag == "button" and a.get("formaction", "").startswith("/"):
            self._form["extra"].append(a["formaction"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(path).path)


class Rollback(Exception):
    def __init__(self, response):
        self.response = response


def post_and_undo(client, url, data):
    try:
        with transaction.atomic():
            raise Rollback(client.post(url, data))
    except Rollback as done:
        return done.response


def walk(client, user, seeds):
    client.force_login(user)
    queue, seen, shapes, problems, posted = deque(["/", *seeds]), set(), Counter(), [], 0
    while queue and len(seen) < PAGES_PER_PERSONA:
        url = urldefrag(queue.popleft())[0]
        if url in seen or SKIP.search(urlsplit(url).path):
            continue
        if shapes[shape(url)] >= PER_SHAPE and url not in seeds:
            continue
        seen.add(url)
        shapes[shape(url)] += 1
        response = client.get(url)
        if response.status_code in REFUSED or response.status_code >= 500:
            problems.append(("GET", url, response.status_code))
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = Controls()
        page.feed(response.content.decode())
        queue.extend(page.links)
        for form in page.forms:
            action = form["action"] or url
            if SKIP.search(urlsplit(action).path):
                continue
            if form["method"] == "get":
                continue  # filters and pickers: the page they lead to is a link like the others
            for target in [action, *form["extra"]]:
                done = post_and_undo(client, target, form["data"])
                posted += 1
                body = done.content.decode(errors="replace") if done.status_code == 200 else ""
                if done.status_code in REFUSED or done.status_code >= 500 or LOCK_TEXT in body:
                    problems.append(("POST", target, done.status_code, "from " + url))
    return seen, posted, problems


def demo_seeds(demo) -> list[str]:
    """A record in a locked month and the submission pages of every demo state."""
    visits = kind_for_slug("home-visits").model.objects.filter(occurred_on__month=3, occurred_on__year=2025)
    seeds = [r.get_absolute_url() for r in visits.filter(branch__code="WH-QK-01")[:1]]
    seeds += [f"/submissions/{s.branch.code}/{s.month:%Y-%m}/" for s in Submission.objects.select_related("branch")]
    return list(dict.fromkeys(seeds))[:20]


@pytest.mark.parametrize("username", PERSONAS)
def test_no_page_offers_a_refused_action(client, demo, username):
    user = get_user_model().objects.get(username=username)
    seen, posted, problems = walk(client, user, demo_seeds(demo))
    assert problems == []
    assert len(seen) >= 10 and posted >= 1  # the walk went somewhere and tried forms


def test_locked_record_is_read_only_and_asks_the_approvers_to_reopen(client, demo):
    staff_qk = get_user_model().objects.get(username="staff_qk")
    record = kind_for_slug("home-visits").model.objects.filter(
        branch__code="WH-QK-01", occurred_on__gte=datetime.date(2025, 3, 1), occurred_on__lt=datetime.date(2025, 4, 1)
    )[0]
    client.force_login(staff_qk)
    html = client.get(record.get_absolute_url()).content.decode()
    assert "刘洋" in html  # the approver named by the lock
    assert f'href="{record.get_absolute_url()}edit/"' not in html and "request-reopen" in html
    assert client.get(f"{record.get_absolute_url()}edit/").status_code == 302
    before = Notification.objects.filter(kind=Notification.Kind.REOPEN_REQUESTED).count()
    response = client.post(f"/notifications/reopen/home-visits/{record.pk}/")
    assert response.status_code == 302
    asked = Notification.objects.filter(kind=Notification.Kind.REOPEN_REQUESTED)
    # The approvers above WH-QK (the approved node): the analysts of WH and of the head office.
    assert set(asked.values_list("user__username", flat=True)) == {"analyst_wh", "analyst_hq"}
    assert asked.count() == before + 2
    assert asked.first().url == "/submissions/WH-QK/2025-03/"


def test_the_submitter_is_not_offered_approval(client, demo):
    """admin submitted WH-FTZ's November 2025 and could approve it otherwise."""
    admin = get_user_model().objects.get(username="admin")
    client.force_login(admin)
    page = client.get("/submissions/WH-FTZ/2025-11/")
    assert not page.context["can_approve"] and "/submissions/WH-FTZ/2025-11/approve/" not in page.content.decode()
    client.force_login(get_user_model().objects.get(username="analyst_wh"))
    assert "/submissions/WH-FTZ/2025-11/approve/" in client.get("/submissions/WH-FTZ/2025-11/").content.decode()


def test_outlet_staff_have_no_api_menu_and_the_love_station_staff_tally(client, demo):
    for username, sees_api in (("staff_qk", False), ("staff_hy", False), ("manager_qk", True), ("analyst_wh", True)):
        client.force_login(get_user_model().objects.get(username=username))
        html = client.get("/").content.decode()
        assert ('href="/api/v1/tokens/"' in html) is sees_api, username
    client.force_login(get_user_model().objects.get(username="staff_hy"))
    home = client.get("/").context["home"]
    assert "love-station-tallies" in [b.slug for b in home.quick_add]
    client.force_login(get_user_model().objects.get(username="staff_qk"))
    assert "love-station-tallies" not in [b.slug for b in client.get("/").context["home"].quick_add]
