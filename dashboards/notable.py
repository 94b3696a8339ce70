"""Notable recent records of a subtree: what each kind declares notable (core.kinds), such as
police-attended or confirmed interventions and the highest honours.

The one part of a dashboard that reads record tables: two queries for the records and one for
their photos, whatever the number of rows, and never more than NOTABLE_LIMIT of each. Indexes
of metrics/migrations/0003 keep them short at national size.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import NoReverseMatch

from core.kinds import kind_for_model, record_kinds
from core.periods import Period
from records.models import Photo
from records.pages.photos import photo_url

NOTABLE_LIMIT = 8


@dataclass
class Notable:
    record: object
    photos: list = field(default_factory=list)

    @property
    def photo_count(self) -> int:
        return len(self.photos)

    @property
    def url(self) -> str | None:
        """The record's page, once the entry pages provide one."""
        try:
            return self.record.get_absolute_url()
        except NoReverseMatch:
            return None

    @property
    def thumbnail_url(self) -> str | None:
        """The first photo's thumbnail, served (scope-checked) by the record pages."""
        if not self.photos:
            return None
        try:
            return photo_url(kind_for_model(type(self.record)), self.record.pk, self.photos[0].pk, "thumb")
        except NoReverseMatch:
            return None


def notable_records(user, branch, period: Period) -> dict[str, list[Notable]]:
    """{slug: [Notable]} of every kind that declares what of it is notable."""
    picked = {
        kind.slug: kind.notable(kind.model.seen_in_period(user, branch, period), NOTABLE_LIMIT)
        for kind in record_kinds()
        if kind.notable is not None
    }
    photos = _photos_of([r for records in picked.values() for r in records])
    return {slug: [Notable(r, photos.get((type(r), r.pk), [])) for r in records] for slug, records in picked.items()}


def _photos_of(records: list) -> dict[tuple[type, int], list]:
    """Photos of several records of any kinds in one query, keyed by (model, pk)."""
    if not records:
        return {}
    types = ContentType.objects.get_for_models(*{type(r) for r in records})
    model_of = {ct.pk: model for model, ct in types.items()}
    q = Q()
    for model, ct in types.items():
        q |= Q(content_type=ct, object_id__in=[r.pk for r in records if type(r) is model])
    out: dict[tuple[type, int], list] = {}
    for photo in Photo.objects.filter(q).order_by("captured_at", "id"):
        out.setdefault((model_of[photo.content_type_id], photo.object_id), []).append(photo)
    return out
