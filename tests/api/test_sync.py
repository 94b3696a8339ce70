"""Incremental sync: a record list read with `updated_since` is a change feed whose page
boundaries never skip or repeat a record however writes interleave with the page fetches, and
`/api/v1/deleted/` lists deletions; a mirror kept with both equals the server."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from core.kinds import kind_for_slug
from services.models import OutreachEvent
from tests.api.conftest import token_client
from tests.conftest import record_data

pytestmark = pytest.mark.django_db

KIND = "outreach-events"
URL = f"/api/v1/{KIND}/"


def write(net, code="WH-QK-01", **extra):
    data = record_data("outreach-events", net) | {"branch": net[code]} | extra
    return kind_for_slug(KIND).create(user=net.root_user, **data)


def change(net, obj, attendees):
    return kind_for_slug(KIND).update(OutreachEvent.objects.get(pk=obj.pk), user=net.root_user, attendees=attendees)


def remove(net, obj):
    kind_for_slug(KIND).delete(OutreachEvent.objects.get(pk=obj.pk), user=net.root_user)


def fetch(api, url, params=None):
    response = api.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def api(manager_qk):
    return token_client(manager_qk)


def test_updated_since_lists_changes_oldest_first_in_cursor_pages(api, net):
    old = [write(net) for _ in range(3)]
    since = timezone.now()
    fresh = [write(net, attendees=n) for n in range(1, 6)]
    change(net, old[0], 99)
    page = fetch(api, URL, {"updated_since": since.isoformat(), "page_size": 2})
    seen = [row["id"] for row in page["results"]]
    assert page["count"] == 6 and page["previous"] is None
    while page["next"]:
        assert "cursor=" in page["next"] and "page=" not in page["next"]
        page = fetch(api, page["next"])
        seen += [row["id"] for row in page["results"]]
    assert seen == [o.pk for o in fresh] + [old[0].pk]


def test_a_date_is_its_midnight_and_a_naive_time_the_portals_zone(api, net):
    write(net)
    today = timezone.localdate().isoformat()
    assert fetch(api, URL, {"updated_since": today})["count"] == 1
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert fetch(api, URL, {"updated_since": tomorrow + "T00:00:00"})["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2026-13-01"}, "updated_since"),
        ({"updated_since": "2026-01-01", "ordering": "-id"}, "ordering"),
        ({"updated_since": "2026-01-01", "page": "2"}, "page"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "MjAyNi0wMS0wMXwx"}, "cursor"),  # a naive time inside
    ],
)
def test_a_bad_feed_parameter_is_a_400_naming_it(api, net, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


@given(text=st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_cursor_text_is_a_page_or_a_400(api, text):
    response = api.get(URL, {"cursor": text})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert list(response.json()) == ["cursor"]


def test_deletions_are_listed_in_scope(api, net):
    since = timezone.now()
    mine, other = write(net), write(net, code="WH-BBT")
    remove(net, mine)
    remove(net, other)
    page = fetch(api, "/api/v1/deleted/", {"since": since.isoformat()})
    assert [(r["kind"], r["id"], r["branch"]) for r in page["results"]] == [(KIND, mine.pk, "WH-QK-01")]
    assert page["results"][0]["version"] == 1
    assert fetch(api, "/api/v1/deleted/", {"since": since.isoformat(), "kind": "home-visits"})["count"] == 0
    assert api.get("/api/v1/deleted/", {"kind": "nope"}).json().keys() == {"kind"}


def test_the_deletion_feed_reads_in_a_fixed_number_of_queries(api, net, django_assert_max_num_queries):
    for _ in range(6):
        remove(net, write(net))
    with django_assert_max_num_queries(8):
        assert fetch(api, "/api/v1/deleted/")["count"] == 6


class Mirror:
    """A warehouse's copy, kept with the documented loop (docs/api.md)."""

    def __init__(self, api):
        self.api = api
        self.rows: dict[int, int] = {}  # id -> version
        self.changes_since = None
        self.deletions_since = None

    def pages(self, url, params):
        page = fetch(self.api, url, params)
        yield page["results"]
        while page["next"]:
            page = fetch(self.api, page["next"])
            yield page["results"]

    def take_changes(self, rows):
        for row in rows:
            if row["version"] >= self.rows.get(row["id"], 0):
                self.rows[row["id"]] = row["version"]
            self.changes_since = max(self.changes_since or row["updated_at"], row["updated_at"])

    def take_deletions(self, rows):
        for row in rows:
            self.rows.pop(row["id"], None)
            self.deletions_since = max(self.deletions_since or row["deleted_at"], row["deleted_at"])

    def sync(self):
        since = {"updated_since": self.changes_since} if self.changes_since else {"updated_since": "2000-01-01"}
        for rows in self.pages(URL, since | {"page_size": 3}):
            self.take_changes(rows)
        since = {"since": self.deletions_since} if self.deletions_since else {}
        for rows in self.pages("/api/v1/deleted/", since | {"kind": KIND, "page_size": 3}):
            self.take_deletions(rows)


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.sampled_from(["WH-QK-01", "WH-QK-02", "WH-BBT"])),
        st.tuples(st.just("update"), st.integers(0, 30)),
        st.tuples(st.just("delete"), st.integers(0, 30)),
        st.tuples(st.just("page"), st.just(None)),
    ),
    max_size=25,
)


@given(initial=st.integers(0, 8), steps=STEPS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_interleaved_writes_never_make_a_feed_skip_or_repeat_a_record(api, net, initial, steps):
    OutreachEvent.objects.all().delete()
    AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).delete()
    live = [write(net, code=code) for code in ["WH-QK-01", "WH-QK-02", "WH-BBT"] * 3][:initial]
    in_scope = {o.pk for o in live if o.branch.code != "WH-BBT"}
    untouched = set(in_scope)  # rows neither changed nor deleted while the pass reads
    pass_rows: list[tuple[int, int]] = []
    page = fetch(api, URL, {"updated_since": "2000-01-01", "page_size": 2})
    pass_rows += [(r["id"], r["version"]) for r in page["results"]]
    mirror = Mirror(api)
    mirror.take_changes(page["results"])
    for step, arg in steps:
        if step == "create":
            live.append(write(net, code=arg))
        elif step in ("update", "delete") and live:
            obj = live[arg % len(live)]
            untouched.discard(obj.pk)
            if step == "update":
                change(net, obj, attendees=arg + 100 + OutreachEvent.objects.get(pk=obj.pk).version)
            else:
                remove(net, obj)
                live.remove(obj)
        elif step == "page" and page["next"]:
            page = fetch(api, page["next"])
            pass_rows += [(r["id"], r["version"]) for r in page["results"]]
            mirror.take_changes(page["results"])
    while page["next"]:
        page = fetch(api, page["next"])
        pass_rows += [(r["id"], r["version"]) for r in page["results"]]
        mirror.take_changes(page["results"])

    # No repeat: a record comes again only in a newer version (it was changed meanwhile).
    assert len(pass_rows) == len(set(pass_rows))
    ids = [pk for pk, _version in pass_rows]
    for pk in set(ids):
        versions = [v for p, v in pass_rows if p == pk]
        assert versions == sorted(set(versions))
    # No skip: every record in scope that nobody touched during the pass was read.
    assert untouched <= set(ids)

    mirror.sync()
    server = {o.pk: o.version for o in OutreachEvent.objects.filter(branch__code__in=["WH-QK-01", "WH-QK-02"])}
    assert mirror.rows == server


def test_a_photo_added_or_removed_puts_its_record_back_in_the_feed(api, net):
    from records.photos import photo_add, photo_delete
    from tests.entry.conftest import jpeg_bytes, upload

    event = write(net)
    since = timezone.now()
    assert fetch(api, URL, {"updated_since": since.isoformat()})["count"] == 0
    photo = photo_add(event, user=net.root_user, upload=upload(jpeg_bytes((16, 16))))
    rows = fetch(api, URL, {"updated_since": since.isoformat()})["results"]
    assert [(r["id"], len(r["photos"])) for r in rows] == [(event.pk, 1)]
    since = timezone.now()
    photo_delete(photo, user=net.root_user)
    rows = fetch(api, URL, {"updated_since": since.isoformat()})["results"]
    assert [(r["id"], len(r["photos"])) for r in rows] == [(event.pk, 0)]


def _feed_queries(api, since) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fetch(api, URL, {"updated_since": since, "page_size": 50})
    return len(ctx)


def test_a_feed_page_reads_in_a_number_of_queries_that_does_not_grow_with_its_rows(api, net):
    since = timezone.now().isoformat()
    write(net)
    few = _feed_queries(api, since)
    for _ in range(12):
        write(net, code="WH-QK-02")
    assert _feed_queries(api, since) == few


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    year=st.integers(1900, 9998),
    minutes=st.integers(-(24 * 60 - 1), 24 * 60 - 1),
    path=st.sampled_from(["/api/v1/deleted/?since=", "/api/v1/home-visits/?updated_since="]),
)
def test_any_offset_a_time_may_carry_is_a_page_or_a_400(api, year, minutes, path):
    """The database takes offsets up to ±15:59 only; a time is read in UTC before it gets there."""
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    moment = f"{year:04d}-08-08T22:20:47{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    response = api.get(path + moment.replace("+", "%2B"))
    assert response.status_code in (200, 400), (moment, response.status_code)
