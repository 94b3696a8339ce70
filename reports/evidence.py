"""Evidence packs: for a node and year, each item of an evaluation scheme with its figures (from
the roll-up store), a short statement, the dated photos and the records behind it.

An item is complete (已备齐) only when every type of evidence it asks for is present: records
always, photos when its guidance asks for photos (现场照片, 服务照片, ...). What is missing is named.

Queries: the scheme and its items, the figures (a fixed number), per item and record kind one
query for the records listed and one count that stops at COUNT_CAP, one for every item's photos,
one per kind of the photos' records, and one for the saved statements. None reads more than the
pack shows: at the root of the network as at an outlet (issue 19).
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, Q, Value
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from core.catalogue import METRICS
from core.kinds import kind_for_slug
from core.periods import Period, parse_period
from metrics.templatetags.figures import format_number
from records.models import Photo
from records.paging import capped_count, newest_first
from reports.cases import ReportPhoto, attach_records
from reports.figures import FigureBook, kind_for_metric, zh_period
from reports.models import STATEMENT_MAX, EvaluationItem, EvaluationScheme, EvidenceStatement

RECORD_LIMIT = 200  # the newest records of each item and kind: listed in the pack, their photos its photos
PAGE_RECORD_LIMIT = 20  # of which the page lists these (each kind's full list is a link away)
COUNT_CAP = 1_000  # "1,000+": an item's record count stops there (a national year holds millions)
METRIC_UNITS = {"count": "", "person_times": "", "hours": ""}  # the label names the unit
RECORDS, PHOTOS = "records", "photos"
EVIDENCE_LABELS = {RECORDS: _("ledger records"), PHOTOS: _("site photos")}
PHOTO_WORDS = ("照片", "photo")  # an item whose guidance names photos needs at least one


def required_evidence(item: EvaluationItem) -> list[str]:
    """The evidence types an item needs: records always; photos when its guidance asks for them."""
    needs = [RECORDS]
    if any(word in (item.guidance or "").lower() for word in PHOTO_WORDS):
        needs.append(PHOTOS)
    return needs


def schemes() -> list[EvaluationScheme]:
    return list(EvaluationScheme.objects.prefetch_related("items"))


@dataclass
class ItemEvidence:
    item: EvaluationItem
    figures: list = field(default_factory=list)
    records: list = field(default_factory=list)  # (RecordKind, record), newest first, at most `listed` per kind
    record_count: int = 0
    record_count_capped: bool = False  # more records than COUNT_CAP: "1,000+"
    sources: list = field(default_factory=list)  # (RecordKind, queryset of the item's records)
    record_lists: list = field(default_factory=list)  # (kind label in Chinese, entry list URL), for the files
    record_links: list = field(default_factory=list)  # (RecordKind, entry list URL), for the page
    photos: list[ReportPhoto] = field(default_factory=list)
    statement: str = ""
    generated_statement: str = ""
    saved: EvidenceStatement | None = None
    errors: list = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """The evidence types the item needs and the portal does not hold (RECORDS, PHOTOS)."""
        held = {RECORDS: self.record_count > 0, PHOTOS: bool(self.photos)}
        return [need for need in required_evidence(self.item) if not held[need]]

    @property
    def missing_labels(self) -> list[str]:
        return [str(EVIDENCE_LABELS[need]) for need in self.missing]

    @property
    def flagged(self) -> bool:
        """Incomplete: some evidence type the item asks for is missing."""
        return bool(self.missing)

    @property
    def no_records(self) -> bool:
        return self.record_count == 0

    @property
    def status(self) -> str:
        """已备齐, or what is missing (in Chinese, for the files that are uploaded)."""
        with translation.override("zh-hans"):
            return f"缺少{'、'.join(self.missing_labels)}" if self.flagged else "已备齐"

    @property
    def record_count_text(self) -> str:
        return format_number(self.record_count) + ("+" if self.record_count_capped else "")

    @property
    def photo_count_text(self) -> str:
        return format_number(len(self.photos))


@dataclass
class EvidencePack:
    scheme: EvaluationScheme
    node: Branch
    year: int
    items: list[ItemEvidence]

    @property
    def period(self) -> Period:
        return parse_period(str(self.year))

    @property
    def partial(self) -> bool:
        """The year is not over yet."""
        return self.year >= timezone.localdate().year

    @property
    def flagged(self) -> list[ItemEvidence]:
        return [i for i in self.items if i.flagged]


def item_kinds(item: EvaluationItem) -> list:
    """The record kinds behind an item: its own, else those of its metrics."""
    slugs = list(item.kinds) or [kind_for_metric(m).slug for m in item.metrics]
    kinds = []
    for slug in slugs:
        kind = kind_for_slug(slug)
        if kind is not None and kind not in kinds:
            kinds.append(kind)
    return kinds


def end_field(kind) -> str | None:
    """The date a standing record (a team, a partnership) ends on: the date field of the measure
    that takes it off its stock metric; None for a kind of events."""
    return next((m.date_field for m in kind.model.measures if m.sign < 0 and m.date_field != "occurred_on"), None)


def _records_of(user, kind, node, period: Period, split: str):
    qs = kind.model.objects.for_user_in_subtree(user, node).select_related("branch")
    names = {f.name for f in kind.model._meta.concrete_fields}
    ends = end_field(kind)
    if ends:  # a standing team or partnership counts while it exists
        qs = qs.filter(occurred_on__lte=period.end_date).filter(
            Q(**{f"{ends}__isnull": True}) | Q(**{f"{ends}__gt": period.end_date})
        )
    else:
        qs = qs.filter(occurred_on__gte=period.first, occurred_on__lte=period.end_date)
    dimension, _sep, value = split.partition(":")
    if split and dimension in names:
        qs = qs.filter(**{dimension: value})
    return qs.order_by("-occurred_on", "-id")


def _list_url(kind, node, period: Period, split: str) -> str:
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    params.update({"branch": node.code, "date_to": period.end_date.isoformat()})
    if "active" in kind.filterset.base_filters:
        params["active"] = "true"
    else:
        params["date_from"] = period.first.isoformat()
    dimension, _sep, value = split.partition(":")
    if split and dimension in kind.filterset.base_filters:
        params[dimension] = value
    return f"{kind.url('list')}?{params.urlencode()}"


def build_pack(user, scheme: EvaluationScheme, node: Branch, year: int, *, listed: int = RECORD_LIMIT) -> EvidencePack:
    """listed: the records of each item and kind to list (the page: PAGE_RECORD_LIMIT); the
    photos are those of the newest RECORD_LIMIT records either way, so the page and the files
    agree on what is complete."""
    period = parse_period(str(year))
    items = list(scheme.items.all())
    with translation.override("zh-hans"):
        book = FigureBook.load([node], period, cumulative=[])
        pack = EvidencePack(scheme, node, year, [ItemEvidence(item) for item in items])
        for evidence in pack.items:
            item = evidence.item
            for metric in item.metrics:
                split = item.split if item.split and item.split_dimension in METRICS[metric].split_by else ""
                unit = METRIC_UNITS.get(METRICS[metric].unit, "")
                evidence.figures.append(book.figure(node, metric, split, unit=unit))
            for kind in item_kinds(item):
                qs = _records_of(user, kind, node, period, item.split)
                # Two queries whatever the subtree holds: the newest rows, and a count that stops
                # at COUNT_CAP (a national year holds millions; the page says "1,000+").
                evidence.records += [(kind, r) for r in newest_first(qs, min(listed, RECORD_LIMIT))]
                count, capped = capped_count(qs, COUNT_CAP)
                evidence.record_count += count
                evidence.record_count_capped |= capped
                evidence.sources.append((kind, qs))
                url = _list_url(kind, node, period, item.split)
                evidence.record_lists.append((str(kind.label_plural), url))
                evidence.record_links.append((kind, url))
        _attach_photos(pack)
        saved = {s.item_id: s for s in EvidenceStatement.objects.filter(branch=node, year=year, item__in=items)}
        for evidence in pack.items:
            evidence.generated_statement = generated_statement(evidence, node, period)
            evidence.saved = saved.get(evidence.item.pk)
            evidence.statement = evidence.saved.text if evidence.saved else evidence.generated_statement
    return pack


def _attach_photos(pack: EvidencePack) -> None:
    """The photos of each item's newest RECORD_LIMIT records of each kind, oldest capture first:
    one query (a UNION of one semi-join per item and kind, tagged with the item), then one per
    kind of the photos' records."""
    sources = [(index, kind, qs) for index, e in enumerate(pack.items) for kind, qs in e.sources]
    if not sources:
        return
    types = ContentType.objects.get_for_models(*{kind.model for _i, kind, _qs in sources})
    parts = [
        Photo.objects.filter(content_type=types[kind.model], object_id__in=qs.values("pk")[:RECORD_LIMIT])
        .annotate(item_index=Value(index, output_field=IntegerField()))
        .order_by()
        for index, kind, qs in sources
    ]
    photos = list(parts[0].union(*parts[1:], all=True).order_by("captured_at", "id"))
    for shown in attach_records(photos, types):
        pack.items[shown.photo.item_index].photos.append(shown)


def generated_statement(evidence: ItemEvidence, node: Branch, period: Period) -> str:
    name = node.short_name or node.name
    when = zh_period(period)
    title = evidence.item.title
    if evidence.no_records:
        return f"{when}，{name}暂无“{title}”相关台账记录，需补充佐证材料。"
    facts = [f"{f.label.split(' · ')[0]}为{f.display}" for f in evidence.figures if f.value]
    text = f"{when}，{name}围绕“{title}”扎实开展工作"
    if facts:
        text += "：" + "，".join(facts)
    text += f"。附台账记录{evidence.record_count_text}条"
    if evidence.photos:
        text += f"、现场照片{evidence.photo_count_text}张"
    text += "，数据取自台账汇总，可逐条追溯。"
    if PHOTOS in evidence.missing:
        text += "尚缺现场照片，需补充。"
    return text[:STATEMENT_MAX]


def photo_file_name(item: ReportPhoto, index: int) -> str:
    """2025-08-14_home-visits_123_1.jpg: the capture date first (else the record's date, marked)."""
    taken: datetime.date | None = item.taken_on
    stamp = taken.isoformat() if taken else f"{item.record.occurred_on.isoformat()}_记录日期"
    return f"{stamp}_{item.kind.slug}_{item.record.pk}_{index}.jpg"
