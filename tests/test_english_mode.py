"""English mode is complete (issue 21 item 10): on key pages, rendered in English over the demo
data (whose branch names, people and records are Chinese), no CJK character appears outside the
data itself.

What counts as data, so that the check stays strict about the interface:
- every text value stored in the database that a page may show: branch names, people's names,
  staff, each record kind's text fields, evaluation schemes and items, saved statements (read off
  the models, so a new kind or field needs no edit here);
- elements marked `data-value`, <textarea> (text the user edits) and <script>/<style>.
Anything else with a CJK character (a label, a unit such as 元/万元, a metric name, a choice
label, a status) is a leak and fails the test with the snippet.
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation

from core.kinds import record_kinds
from core.numbers import format_money

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff]+")
# Choices named by proper names (loan products such as 科创云闪贷) are shown as they are named.
PROPER_NAME_CHOICES = [("services", "Financing", "product")]
SKIPPED_TAGS = {"script", "style", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
DATA_MODELS = ("branches.Branch", "branches.Staff", "auth.User", "reports.EvaluationScheme", "reports.EvaluationItem")


class _Text(HTMLParser):
    """The text a reader sees (and the attributes a screen reader reads), outside data."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, inside data)
        self.parts: list[str] = []

    @property
    def in_data(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        data = self.in_data or tag in SKIPPED_TAGS or "data-value" in attributes
        if not data:
            self.parts += [attributes[a] for a in SHOWN_ATTRIBUTES if attributes.get(a)]
        if tag not in VOID:
            self.stack.append((tag, data))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self.in_data:
            self.parts.append(data)


def data_strings() -> list[str]:
    """Every stored text value a page may show, longest first (so a name inside another goes last)."""
    found: set[str] = set()
    model_list = [apps.get_model(label) for label in DATA_MODELS] + [k.model for k in record_kinds()]
    model_list.append(apps.get_model("reports", "EvidenceStatement"))
    for model in model_list:
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices
        ]
        for row in model.objects.values_list(*fields):
            found.update(v for v in row if isinstance(v, str) and CJK.search(v))
    for user in apps.get_model("auth", "User").objects.all():
        found.add(user.get_full_name())
    for app, model, name in PROPER_NAME_CHOICES:
        for _value, label in apps.get_model(app, model)._meta.get_field(name).flatchoices:
            if isinstance(label, str) and CJK.search(label):
                found.add(label)
    found.update(name for _code, name in settings.LANGUAGES)  # each language named in itself
    # A branch's pieces appear on their own too ("WH-QK · 汉口分行" splits into text nodes).
    for value in list(found):
        found.update(piece for piece in re.split(r"[\s·、，,（）()]+", value) if CJK.search(piece))
    return sorted(found, key=len, reverse=True)


def leaks(html: str, known: list[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for value in known:
        text = text.replace(value, " ")
    return [" ".join(text[max(0, m.start() - 30) : m.end() + 30].split()) for m in CJK.finditer(text)]


@pytest.fixture
def english(client, demo):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def login(username):
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username=username))
        return client

    yield login
    # The locale middleware leaves the request's language active in this thread: reset it.
    translation.activate(settings.LANGUAGE_CODE)


def test_the_scanner_finds_a_leak_and_spares_data():
    html = '<p>Total <span data-value>汉口分行</span> 20万元</p><textarea>说明</textarea><b title="元">x</b>'
    found = leaks(html, ["武汉分行"])
    assert len(found) == 2 and all("汉口" not in f and "说明" not in f for f in found)
    assert leaks("<p>武汉分行 · WH</p>", ["武汉分行"]) == []


PAGES = [
    ("staff_qk", lambda: reverse("home")),
    ("manager_qk", lambda: reverse("home")),
    ("analyst_wh", lambda: reverse("home")),
    ("manager_qk", lambda: reverse("services:home-visits-list")),
    ("analyst_wh", lambda: reverse("services:financing-list")),
    ("analyst_wh", lambda: reverse("dashboard:node", args=["WH"]) + "?period=2025"),
    ("analyst_wh", lambda: reverse("reports:evidence", args=["WH-QK", "civilized-outlet"]) + "?period=2025"),
    ("manager_qk", lambda: reverse("submissions:index")),
    ("analyst_wh", lambda: reverse("submissions:year", args=["WH", 2025])),
    ("analyst_wh", lambda: reverse("submissions:month", args=["WH", "2025-08"])),
]


@pytest.mark.parametrize("username, url", PAGES, ids=[f"{u}:{i}" for i, (u, _url) in enumerate(PAGES)])
def test_no_chinese_outside_data_in_english(english, username, url):
    client = english(username)
    response = client.get(url())
    assert response.status_code == 200, url()
    assert response["Content-Language"] == "en"
    found = leaks(response.content.decode(), data_strings())
    assert not found, f"{url()}: {found[:15]}"


def test_money_units_are_english_in_english():
    with translation.override("en"):
        assert format_money(5_126_000_000) == "5.13 billion yuan"
        assert not CJK.search(format_money(150_000))
