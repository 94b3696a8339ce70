"""One bad stored date never takes a page down (issue 15, item 1).

An old row may hold a date the portal would refuse today: a photo's EXIF capture time in year 1
(on PostgreSQL, 0001-01-01 in Asia/Shanghai is a timestamp before year 1 in UTC, which the
driver cannot return), a record dated 0001-01-01 or 9999-12-31, or on SQLite any text at all.
Each case here writes such values with raw SQL, bypassing validation as the old rows did, into
every date and datetime column of every record kind and of the photos at WH-QK-01, then:

- GETs every route of the URLconf (UI, API, reports, exports, the admin) for WH-QK-01's objects,
  and every route that names a branch for each node of WH-QK-01's ancestry: none answers 500;
- the administrator deletes each record and photo from the app and from the admin.
"""

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEntry
from core.dates import date_range_of
from core.kinds import record_kinds
from metrics.rebuild import rebuild
from records.date_repair import SENTINEL, repair_stored_dates
from records.models import Photo
from records.pages.photos import photo_url
from tests.security.routes import all_routes, arguments, concrete
from tests.security.world import PHOTO_KINDS

pytestmark = pytest.mark.django_db(transaction=False)

# What an old bad row may hold, as each database stores it. "low" and "high" are dates Python can
# represent but the portal's range excludes (their neighbours in local time cannot be represented);
# "unreadable" cannot be represented at all.
BAD = {
    "postgresql": {
        "low": {"date": "0001-01-01", "datetime": "0001-01-01 00:00:00+08"},
        "high": {"date": "9999-12-31", "datetime": "9999-12-31 23:00:00+00"},
        "unreadable": {"date": "0044-03-15 BC", "datetime": "10000-01-01 00:00:00+00"},
    },
    "sqlite": {
        "low": {"date": "0001-01-01", "datetime": "0000-12-31 16:00:00"},
        "high": {"date": "9999-12-31", "datetime": "9999-12-31 23:00:00"},
        "unreadable": {"date": "no date", "datetime": "0000-00-00 00:00:00"},
    },
}


def date_columns(model, only_set_by_users=False) -> list[tuple[str, str]]:
    """(column, "date" | "datetime") of every date and datetime column of the model (or only
    of those a user sets: the ones with the portal's range)."""
    out = []
    for field in model._meta.concrete_fields:
        if only_set_by_users and date_range_of(field) is None:
            continue
        if isinstance(field, models.DateTimeField):
            out.append((field.column, "datetime"))
        elif isinstance(field, models.DateField):
            out.append((field.column, "date"))
    return out


def store_bad_values(world, case: str, only_set_by_users=False) -> int:
    """Write the case's values into every date column of WH-QK-01's records and photos; the
    number of columns written."""
    values = BAD[connection.vendor][case]
    written = 0
    with connection.cursor() as cursor:
        for kind in record_kinds():
            record = world.record(kind.slug, "qk")
            for model, pk in ((kind.model, record.pk),):
                table = connection.ops.quote_name(model._meta.db_table)
                for column, type_ in date_columns(model, only_set_by_users):
                    cursor.execute(
                        f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE id = %s",
                        [values[type_], pk],
                    )
                    written += 1
        photos = Photo.objects.filter(pk__in=[world.photos[slug, "qk"].pk for slug in PHOTO_KINDS.values()])
        ids = list(photos.values_list("pk", flat=True))
        table = connection.ops.quote_name(Photo._meta.db_table)
        for pk in ids:
            cursor.execute(f"UPDATE {table} SET captured_at = %s WHERE id = %s", [values["datetime"], pk])
            written += 1
    return written


def urls_to_read(world) -> list[tuple[str, str]]:
    """(route key, URL) of every route for WH-QK-01's objects, and of every route naming a branch
    for each node above it too (a report of a head office reads its whole subtree)."""
    ancestry = [b.code for b in world.branch("qk").__class__.objects.filter(pk__in=world.branch("qk").ancestor_ids)]
    urls = []
    for route in all_routes():
        values = arguments(world, route, "qk")
        query = values.pop("?", "")
        codes = ancestry if "code" in values else [None]
        for code in codes:
            filled = values | ({"code": code} if code else {})
            path = concrete(route, filled)
            if query:
                path += "?" + query.replace("WH-QK-01", code or "WH-QK-01")
            urls.append((route.key, path))
        if "branch=" in query:
            for code in ancestry:
                urls.append((route.key, concrete(route, values) + "?" + query.replace("WH-QK-01", code)))
    return sorted(set(urls))


def clients(world):
    browser = Client(raise_request_exception=False)
    browser.force_login(world.root)
    api = APIClient(raise_request_exception=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {world.root_token}")
    return browser, api


def read(browser, api, key: str, path: str) -> str | None:
    """What went wrong reading the URL: a 5xx, or an exception while its body streamed."""
    is_api = path.startswith("/api/") and key not in {"api:tokens", "api:token-revoke", "api:docs"}
    response = (api if is_api else browser).get(path)
    if response.status_code >= 500:
        return str(response.status_code)
    if response.streaming:
        try:
            b"".join(response.streaming_content)
        except Exception as exc:
            return f"{response.status_code}, then {exc!r} while streaming"
    return None


@pytest.mark.parametrize("case", ["low", "high", "unreadable"])
def test_every_page_reads_rows_with_bad_stored_dates(in_world, case, caplog):
    world = in_world
    browser, api = clients(world)
    urls = urls_to_read(world)
    failed = []
    with transaction.atomic():
        assert store_bad_values(world, case) > 20
        for key, path in urls:
            with transaction.atomic():
                wrong = read(browser, api, key, path)
                if wrong:
                    failed.append(f"GET {path} ({key}): {wrong}")
        transaction.set_rollback(True)
    assert len(urls) > 250
    assert "unreadable stored date" in caplog.text  # each one read as unknown is logged
    assert not failed, f"{len(failed)} of {len(urls)} reads failed:\n" + "\n".join(failed)


@pytest.mark.parametrize("case", ["low", "high", "unreadable"])
def test_an_administrator_deletes_records_and_photos_with_bad_stored_dates(in_world, case):
    world = in_world
    browser, _api = clients(world)
    with transaction.atomic():
        store_bad_values(world, case)
        for slug in PHOTO_KINDS.values():
            kind = next(k for k in record_kinds() if k.slug == slug)
            photo = world.photos[slug, "qk"]
            record = world.record(slug, "qk")
            url = photo_url(kind, record.pk, photo.pk, "delete")
            response = browser.post(url)
            assert response.status_code == 302, (url, response.status_code)
            assert not Photo.objects.filter(pk=photo.pk).exists(), url
        for kind in record_kinds():
            record = world.record(kind.slug, "qk")
            meta = kind.model._meta
            url = f"/admin/{meta.app_label}/{meta.model_name}/{record.pk}/delete/"
            page = browser.get(url)
            assert page.status_code == 200, (url, page.status_code)
            response = browser.post(url, {"post": "yes"})
            assert response.status_code == 302, (url, response.status_code)
            assert not kind.model.objects.filter(pk=record.pk).exists(), url
            content_type = ContentType.objects.get_for_model(kind.model)
            assert not Photo.objects.filter(content_type=content_type, object_id=record.pk).exists()
        transaction.set_rollback(True)


@pytest.mark.parametrize("case", ["low", "high", "unreadable"])
def test_the_repair_migration_replaces_every_bad_stored_date(in_world, case, caplog):
    """Nullable dates become unknown, a record's own date the sentinel 1990-01-01 with an audit
    entry keeping the stored value, the roll-up store follows; afterwards nothing reads as unknown."""
    world = in_world
    with transaction.atomic():
        written = store_bad_values(world, case, only_set_by_users=True)
        before = {k.slug: world.record(k.slug, "qk").version for k in record_kinds()}
        lines = []
        outcome = repair_stored_dates(django_apps, write=lines.append)
        assert outcome["photos"] == len(PHOTO_KINDS) and outcome["records"] == len(record_kinds())
        assert not outcome["stuck"] and any("rebuilt" in line for line in lines)
        caplog.clear()
        for kind in record_kinds():
            record = kind.model.objects.get(pk=world.record(kind.slug, "qk").pk)
            assert record.occurred_on == SENTINEL
            assert record.version == before[kind.slug] + 1
            for field in kind.model._meta.concrete_fields:
                bounds = date_range_of(field)
                if bounds is not None and field.null:
                    assert getattr(record, field.attname) is None, (kind.slug, field.name)
            entry = AuditEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(kind.model), object_id=record.pk, reason__contains="0004"
            ).get()
            assert entry.changes["occurred_on"][1] == SENTINEL.isoformat()
            assert entry.changes["occurred_on"][0] != SENTINEL.isoformat()
        assert all(
            p.captured_at is None for p in Photo.objects.filter(pk__in=[p.pk for p in world.photos.values()][:3])
        )
        assert "unreadable stored date" not in caplog.text
        assert rebuild()["differences"] == 0  # the store equals the records again
        assert repair_stored_dates(django_apps, write=lines.append)["records"] == 0  # nothing left
        transaction.set_rollback(True)
    assert written > 10
