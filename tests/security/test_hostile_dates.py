"""Every date from outside is bounded by the portal's range (core/dates.py) before it is stored
or queried (issue 15, item 1): generated dates from year 1 to 9999, and strings such as
"0001-01-01", "99999-01-01" and "1900-1-1", through

- every date field a user sets, of every record kind, in the service (model validation);
- the API's create, for every such field of every kind: a 400 naming the field, never a 500;
- the list filters (date_from, date_to) of every kind, in the API (400, and no query on the
  records) and on the list page (a form error, no rows);
- a date cell of every date column of every kind's ledger (a problem on that cell);
- a photo's EXIF capture time (dropped when implausible, kept otherwise).

The kinds and fields are discovered, so a new kind or date field is covered without editing this.
"""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from branches.services import branch_update
from core.dates import EARLIEST_DATE, date_range_of
from core.kinds import record_kinds
from ledgers.columns import DateColumn
from ledgers.importing import import_ledger
from ledgers.specs import spec_for
from records.photos import clean_image
from tests.api.conftest import payload, token_client
from tests.conftest import record_data
from tests.entry.conftest import jpeg_bytes, upload

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HYPOTHESIS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
# Dates anywhere from year 1 to 9999, and often near the edges of the ranges.
DATES = st.one_of(
    st.dates(),
    st.dates(EARLIEST_DATE - datetime.timedelta(days=400), EARLIEST_DATE + datetime.timedelta(days=400)),
    st.dates(TODAY - datetime.timedelta(days=400), TODAY + datetime.timedelta(days=4000)),
)
ODD_TEXTS = ["0001-01-01", "99999-01-01", "1900-1-1", "1989-12-31", "0000-00-00", "2025-02-30", "9999-12-31", "-1"]
# Strings as a client might send them: ISO dates of any year, odd ones, and digit soup.
DATE_TEXTS = st.one_of(
    DATES.map(datetime.date.isoformat),
    st.sampled_from(ODD_TEXTS),
    st.from_regex(r"\A[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}\Z"),
)


def user_date_fields(kind) -> list[str]:
    """The date fields a user sets on the kind (each with the portal's range)."""
    return [
        f.name
        for f in kind.model._meta.concrete_fields
        if isinstance(f, models.DateField)
        and not isinstance(f, models.DateTimeField)
        and date_range_of(f) is not None
        and f.name not in kind.model.system_fields
    ]


KIND_FIELDS = [(kind, name) for kind in record_kinds() for name in user_date_fields(kind)]
KIND_FIELD_IDS = [f"{kind.slug}.{name}" for kind, name in KIND_FIELDS]


def outside(name: str, value: datetime.date) -> bool:
    """The issue's rule, written out: records from 1990-01-01 to today; an honour's validity
    up to ten years ahead."""
    last = TODAY.replace(year=TODAY.year + 10) if name == "valid_until" else TODAY
    return not datetime.date(1990, 1, 1) <= value <= last


def range_messages(kind, name, value: datetime.date) -> list[str]:
    """The messages the portal's range gives for the value (none when inside)."""
    try:
        date_range_of(kind.model._meta.get_field(name))(value)
    except ValidationError as exc:
        return exc.messages
    return []


def parsed(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


@pytest.fixture
def stations(net):
    """WH-QK-01 runs a love station too, so every kind can be recorded there."""
    branch_update(net["WH-QK-01"], user=net.root_user, love_station_since=2019)
    net.by_code["WH-QK-01"].refresh_from_db()
    return net


def test_every_kind_has_its_date_fields_bounded():
    assert len(record_kinds()) >= 10 and all("occurred_on" in user_date_fields(k) for k in record_kinds())
    assert {"follow_up_done_on", "disbanded_on", "valid_until"} <= {name for _k, name in KIND_FIELDS}


@pytest.mark.parametrize("kind, name", KIND_FIELDS, ids=KIND_FIELD_IDS)
def test_the_service_refuses_every_date_outside_the_range(stations, root_user, kind, name):
    net = stations

    @HYPOTHESIS
    @given(value=DATES)
    @example(value=datetime.date(1, 1, 1))
    @example(value=datetime.date(9999, 12, 31))
    @example(value=datetime.date(1900, 1, 1))
    @example(value=EARLIEST_DATE - datetime.timedelta(days=1))
    @example(value=EARLIEST_DATE)
    @example(value=TODAY)
    @example(value=TODAY + datetime.timedelta(days=1))
    def check(value):
        fields = record_data(kind.slug, net) | {name: value}
        if name != "occurred_on":
            fields["occurred_on"] = EARLIEST_DATE  # so that "not before the date" rules allow the value
        expected = range_messages(kind, name, value)
        assert bool(expected) == outside(name, value)
        refused = []
        with transaction.atomic():
            try:
                kind.create(user=root_user, **fields)
            except ValidationError as exc:
                refused = exc.message_dict.get(name, [])
            transaction.set_rollback(True)
        if expected:
            assert set(expected) <= set(refused), (value, refused)
        else:
            assert not set(range_messages(kind, name, EARLIEST_DATE - datetime.timedelta(days=1))) & set(refused)

    with translation.override("en"):
        check()


@pytest.mark.parametrize("kind, name", KIND_FIELDS, ids=KIND_FIELD_IDS)
def test_the_api_refuses_every_date_outside_the_range_with_a_400(stations, root_user, kind, name):
    net = stations
    api = token_client(root_user)

    @HYPOTHESIS
    @given(text=DATE_TEXTS)
    def check(text):
        body = payload(kind.slug, net, branch=net["WH-QK-01"]) | {name: text}
        if name != "occurred_on":
            body["occurred_on"] = EARLIEST_DATE.isoformat()
        with transaction.atomic():
            response = api.post(f"/api/v1/{kind.slug}/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
            transaction.set_rollback(True)
        assert response.status_code in (201, 400), (text, response.status_code)
        value = parsed(text)
        if value is not None:
            assert bool(range_messages(kind, name, value)) == outside(name, value)
        if value is None or range_messages(kind, name, value):
            assert response.status_code == 400 and name in response.json(), (text, response.json())
        if value is not None and range_messages(kind, name, value):
            assert set(range_messages(kind, name, value)) <= set(response.json()[name])
        if value is not None and not range_messages(kind, name, value) and name == "occurred_on":
            assert response.status_code == 201, (text, response.json())

    with translation.override("en"):
        check()


@pytest.mark.parametrize("kind", record_kinds(), ids=[k.slug for k in record_kinds()])
def test_a_list_filter_outside_the_range_is_refused_and_never_queried(stations, root_user, kind):
    net = stations
    kind.create(user=root_user, **record_data(kind.slug, net))
    api = token_client(root_user)
    browser = Client()
    browser.force_login(root_user)
    table = kind.model._meta.db_table

    @HYPOTHESIS
    @given(text=DATE_TEXTS, bound=st.sampled_from(["date_from", "date_to"]))
    @example(text="0001-01-01", bound="date_from")
    @example(text="99999-01-01", bound="date_to")
    @example(text="1900-1-1", bound="date_from")
    @example(text="2100-12-31", bound="date_to")
    def check(text, bound):
        value = parsed(text)
        inside = value is not None and datetime.date(1990, 1, 1) <= value <= datetime.date(2100, 12, 31)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"/api/v1/{kind.slug}/", {bound: text})
        touched = [q["sql"] for q in queries.captured_queries if f'"{table}"' in q["sql"]]
        if inside:
            assert response.status_code == 200, (text, response.status_code)
        else:
            assert response.status_code == 400 and bound in response.json(), (text, response.status_code)
            assert not touched, (text, touched)
        page = browser.get(kind.url("list"), {bound: text})
        assert page.status_code == 200, (text, page.status_code)
        errors = page.context["filterset"].form.errors
        assert (bound in errors) is not inside, (text, errors)
        if not inside:
            assert page.context["rows"] == []

    check()


def _ledger(tmp_path, slug, column_name, value) -> str:
    spec = spec_for(slug)
    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet_title()
    with translation.override("zh-hans"):
        ws.append(spec.headers())
        row = spec.example_cells("WH-QK-01", EARLIEST_DATE, ())
    names = [c.name for c in spec.columns]
    row[names.index(column_name)] = value
    row[names.index("notes")] = "台账导入"  # not the template's example row
    if column_name != "occurred_on":
        row[names.index("occurred_on")] = EARLIEST_DATE
    ws.append(row)
    path = tmp_path / f"{slug}-{column_name}.xlsx"
    wb.save(path)
    return path


LEDGER_DATE_COLUMNS = [
    (kind, name) for kind, name in KIND_FIELDS if name in {c.name for c in spec_for(kind.slug).columns}
]


@pytest.mark.parametrize(
    "kind, name", LEDGER_DATE_COLUMNS, ids=[f"{kind.slug}.{name}" for kind, name in LEDGER_DATE_COLUMNS]
)
def test_a_ledger_date_cell_outside_the_range_is_a_problem_on_that_cell(stations, root_user, tmp_path, kind, name):
    spec = spec_for(kind.slug)
    with translation.override("en"):
        header = spec.columns[[c.name for c in spec.columns].index(name)].header

    @settings(HYPOTHESIS, max_examples=12)
    @given(value=st.one_of(DATES, st.sampled_from(["1900-1-1", "1900年1月1日", "0001-01-01", "19000101"])))
    @example(value=datetime.date(1900, 1, 1))
    @example(value="1989-12-31")
    def check(value):
        with translation.override("en"):
            outcome = import_ledger(spec, _ledger(tmp_path, kind.slug, name, value), root_user, commit=False)
        assert not outcome.file_error
        day = DateColumn.as_date(value)
        on_cell = [p["message"] for p in outcome.problems if p["header"] == header]
        with translation.override("en"):
            expected = range_messages(kind, name, day)
        assert bool(expected) == outside(name, day)
        if expected:
            assert any(m in " ".join(on_cell) for m in expected), (value, outcome.problems)
        else:
            assert not any("cannot be before" in m or "cannot be after" in m for m in on_cell), on_cell

    check()


@HYPOTHESIS
@given(moment=st.datetimes(datetime.datetime(1, 1, 2), datetime.datetime(9999, 12, 30)))
@example(moment=datetime.datetime(1, 1, 1, 0, 0))
@example(moment=datetime.datetime(1989, 12, 31, 23, 59, 59))
@example(moment=datetime.datetime(1990, 1, 1, 0, 0))
@example(moment=datetime.datetime(2090, 1, 1))
def test_an_implausible_exif_capture_time_is_dropped(moment):
    taken = f"{moment.year:04d}:{moment:%m:%d %H:%M:%S}"
    *_rest, captured_at = clean_image(upload(jpeg_bytes(taken=taken)))
    local = timezone.make_aware(moment.replace(microsecond=0)) if 1 < moment.year < 9999 else None
    plausible = (
        local is not None
        and local >= timezone.make_aware(datetime.datetime(1990, 1, 1))
        and local <= timezone.now() + datetime.timedelta(days=1)
    )
    if plausible:
        assert captured_at == local
    else:
        assert captured_at is None, (taken, captured_at)


def test_a_photo_upload_keeps_no_implausible_capture_time(client, stations, root_user):
    kind = next(k for k in record_kinds() if k.slug == "home-visits")
    record = kind.create(user=root_user, **record_data("home-visits", stations))
    client.force_login(root_user)
    data = io.BytesIO(jpeg_bytes(taken="0001:01:01 00:00:00"))
    response = client.post(record.get_absolute_url(), {"photos": [upload(data.getvalue())]})
    assert response.status_code == 302
    assert record.photos.get().captured_at is None
    assert client.get(kind.url("list")).status_code == 200
