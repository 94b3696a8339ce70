"""Finding and repairing stored dates outside the portal's range (run by migration portal 0004).

Before issue 15 a date from outside was not bounded below: a photo's EXIF capture time in year 1,
a record dated 0001-01-01 through the API, a ledger row of 1900. Such values are read as unknown
now (records/stored_dates.py); this repair replaces them, so that no page needs to.

What is honest for each:

- A photo's capture time is optional: an implausible one is unknown, so it becomes NULL, as an
  implausible EXIF time is dropped on upload.
- An optional record date (follow-up done on, disbanded on, valid until, status since) outside
  its range is unknown too: NULL.
- A record's own date (occurred on, established on, awarded on) cannot be unknown: the record
  counts in a month. It is not clamped to the nearest plausible day (that would invent a date
  that looks real); it moves to the sentinel 1990-01-01, the first day of the range, which no
  real record of the portal has, where a list sorted by date shows it last and a filter on that
  day finds every one. The record's history keeps the stored value: an audit entry (no user,
  the reason below) shows "date: 0001-01-01 → 1990-01-01", and the version goes up, so an edit
  made from a page loaded before the repair is refused as stale rather than undoing it.
- The roll-up store followed the old dates (months outside every reporting period); after a
  repair it is rebuilt from the records (metrics.rebuild, which replaces only the rows that
  differ). If that rebuild cannot run here, the migration says so: run
  `manage.py rebuild_metrics` then.

Datetimes the portal sets itself (created/updated at, audit times) are never from outside and
are left alone.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from core.dates import CAPTURE_CLOCK_SLACK, EARLIEST_DATE, date_range_of

SENTINEL = EARLIEST_DATE
# Stored with the entry, in the portal's language: the record's history shows it as written.
REASON = gettext_noop(
    "The stored date was outside the portal's range: repaired by migration portal 0004. Correct the date."
)


def _record_models(apps):
    """(historical model, current model) of every record kind."""
    from core.kinds import record_kinds

    # Looked up by table: a kind may have had another app label when this ran (honours).
    by_table = {model._meta.db_table: model for model in apps.get_models()}
    for kind in record_kinds():
        historical = by_table.get(kind.model._meta.db_table)
        if historical is not None:
            yield historical, kind.model


def _outside(name: str, first, last) -> models.Q:
    return models.Q(**{f"{name}__lt": first}) | models.Q(**{f"{name}__gt": last})


def repair_photos(apps) -> int:
    Photo = apps.get_model("portal", "Photo")
    first = timezone.make_aware(datetime.datetime.combine(EARLIEST_DATE, datetime.time()))
    last = timezone.now() + CAPTURE_CLOCK_SLACK
    return Photo.objects.filter(_outside("captured_at", first, last)).update(captured_at=None)


def repair_records(apps, write=print) -> tuple[int, list[str]]:
    """Repair every record's date fields; (records repaired, records that could not be)."""
    # The audit log by its table too: it moved from the record engine to an app of its own.
    AuditEntry = next(m for m in apps.get_models() if m._meta.db_table == "portal_auditentry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    repaired, stuck = 0, []
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext(REASON)
    for model, current in _record_models(apps):
        ranges = {}
        for field in current._meta.concrete_fields:
            bounds = date_range_of(field) if isinstance(field, models.DateField) else None
            if bounds is not None and not isinstance(field, models.DateTimeField):
                ranges[field.name] = (bounds.first(), bounds.last(), field.null)
        if not ranges:
            continue
        bad = models.Q()
        for name, (first, last, _null) in ranges.items():
            bad |= _outside(name, first, last)
        texts = {f"{name}_text": Cast(name, models.TextField()) for name in ranges}
        rows = list(model.objects.filter(bad).annotate(**texts).values("pk", "branch_id", "version", *texts))
        if not rows:
            continue
        content_type, _created = ContentType.objects.get_or_create(
            app_label=model._meta.app_label, model=model._meta.model_name
        )
        for row in rows:
            values, changes = {}, {}
            for name, (first, last, null) in ranges.items():
                text = row[f"{name}_text"]
                if text is None or first.isoformat() <= text[:10] <= last.isoformat() and _plain_date(text):
                    continue
                values[name] = None if null else SENTINEL
                changes[name] = [text, None if null else SENTINEL.isoformat()]
            if not values:
                continue
            if "occurred_on" in values and any(f.name == "follow_up_due" for f in model._meta.concrete_fields):
                values["follow_up_due"] = SENTINEL + datetime.timedelta(days=3)
            try:
                with transaction.atomic():
                    stamp = {"updated_at": timezone.now()} if _has_field(model, "updated_at") else {}
                    model.objects.filter(pk=row["pk"]).update(version=models.F("version") + 1, **stamp, **values)
                    AuditEntry.objects.create(
                        action="update",
                        content_type=content_type,
                        object_id=row["pk"],
                        object_repr=f"{model._meta.verbose_name} {row['pk']}"[:200],
                        branch_id=row["branch_id"],
                        version=row["version"] + 1,
                        changes=changes,
                        reason=reason,
                    )
            except IntegrityError:  # a unique rule (one tally per day) already holds the sentinel day
                stuck.append(f"{model._meta.label} {row['pk']}")
                continue
            repaired += 1
    if stuck:
        write(
            "These records hold a date outside the portal's range and could not be moved to "
            f"{SENTINEL}: correct or delete them in the admin: {', '.join(stuck)}"
        )
    return repaired, stuck


def _plain_date(text: str) -> bool:
    """A date as PostgreSQL and SQLite write one (not BC, not a five-digit year)."""
    try:
        datetime.date.fromisoformat(text[:10])
    except ValueError:
        return False
    return len(text) == 10


def rebuild_store(write=print) -> None:
    from metrics.rebuild import rebuild

    try:
        with transaction.atomic():
            report = rebuild()
    except Exception as exc:  # the live code may be ahead of this migration's schema
        write(f"The roll-up store could not be rebuilt here ({exc!r}): run `manage.py rebuild_metrics`.")
        return
    write(f"Roll-up store rebuilt after the repair: {report.get('differences', 0)} rows changed.")


def repair_stored_dates(apps, write=print) -> dict:
    photos = repair_photos(apps)
    records, stuck = repair_records(apps, write)
    if records:
        rebuild_store(write)
    if photos or records:
        write(f"Repaired stored dates: {photos} photo capture times unknown, {records} records.")
    return {"photos": photos, "records": records, "stuck": stuck}


def _has_field(model, name: str) -> bool:
    """Whether the (historical) model has the field: a repaired record's updated_at moves, so the
    API's change feed (`updated_since`) hands the repair to mirrors."""
    return any(f.name == name for f in model._meta.concrete_fields)
