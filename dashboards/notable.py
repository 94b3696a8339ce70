"""Notable recent records of a subtree: police-attended or confirmed interventions and honours.

The one part of a dashboard that reads record tables: two queries for the records and one for
their photos, whatever the number of rows, and never more than NOTABLE_LIMIT of each. Indexes
of metrics/migrations/0003 keep them short at national size.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch

from antifraud.models import Intervention
from core.kinds import kind_for_model
from core.periods import Period
from honours.models import Honour
from records.models import Photo
from records.pages.photos import photo_url

NOTABLE_LIMIT = 8
NOTABLE_STATUSES = (Intervention.Status.POLICE_ATTENDED, Intervention.Status.CONFIRMED)
# Honours by standing, so a national title is not buried under the month's praise tickets.
HONOUR_RANK = [
    Honour.Level.NATIONAL,
    Honour.Level.PROVINCIAL,
    Honour.Level.BANK_HEAD_OFFICE,
    Honour.Level.CITY,
    Honour.Level.BANK_PROVINCIAL,
    Honour.Level.DISTRICT,
    Honour.Level.BANK_BRANCH,
    Honour.Level.COMMUNITY,
    Honour.Level.CUSTOMER,
]


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


def _in_period(qs, branch, period: Period):
    return qs.in_subtree(branch).filter(occurred_on__gte=period.first, occurred_on__lte=period.end_date)


def notable_records(user, branch, period: Period) -> dict[str, list[Notable]]:
    interventions = list(
        _in_period(Intervention.objects.for_user(user), branch, period)
        .filter(status__in=NOTABLE_STATUSES)
        .select_related("branch")
        .order_by("-occurred_on", "-id")[:NOTABLE_LIMIT]
    )
    honours = _top_honours(_in_period(Honour.objects.for_user(user), branch, period))
    photos = _photos_of(interventions + honours)
    return {
        "interventions": [Notable(r, photos.get((Intervention, r.pk), [])) for r in interventions],
        "honours": [Notable(r, photos.get((Honour, r.pk), [])) for r in honours],
    }


def _top_honours(honours) -> list:
    """The NOTABLE_LIMIT honours of the queryset highest in HONOUR_RANK, newest first within a
    level: one statement of a short, index-ordered pick per level (the honour_level_date index),
    instead of ranking every honour of the period, inside the query that loads them."""
    # The pick of one level, compiled once; each level reuses its SQL with its own value.
    marker = "\x00level"
    pick = honours.filter(level=marker).order_by("-occurred_on", "-id").values_list("id", "occurred_on")
    sql, base = pick[:NOTABLE_LIMIT].query.sql_with_params()
    at = base.index(marker)
    unranked = [level for level in Honour.Level.values if level not in HONOUR_RANK]  # ranked last
    parts, params = [], []
    for rank, level in enumerate([*HONOUR_RANK, *unranked]):
        rank = min(rank, len(HONOUR_RANK))
        parts.append(f"SELECT {rank} AS rank, s{len(parts)}.* FROM ({sql}) s{len(parts)}")  # noqa: S608
        params.extend([*base[:at], level, *base[at + 1 :]])
    picked = RawSQL(  # noqa: S611 (the ORM's own SQL and parameters)
        f"SELECT id FROM ({' UNION ALL '.join(parts)}) picked "  # noqa: S608 (parts are the ORM's SQL)
        f"ORDER BY rank, occurred_on DESC, id DESC LIMIT {NOTABLE_LIMIT}",
        params,
    )
    rows = Honour.objects.filter(pk__in=picked).select_related("branch", "recipient_staff")
    rank = {level: i for i, level in enumerate(HONOUR_RANK)}
    return sorted(rows, key=lambda h: (rank.get(h.level, len(HONOUR_RANK)), -h.occurred_on.toordinal(), -h.pk))


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
