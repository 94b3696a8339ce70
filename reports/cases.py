"""The records a report tells as stories, as each kind declares them (core.kinds report_cases):
police-attended or confirmed interventions, honours (titles, commendation letters), large cash
services for schools and institutions; and photos.

They are picked from the node's whole subtree and told in the section of the report's node or of
the direct child whose subtree holds them (read off the record's branch path, no query). A fixed
number of queries whatever the subtree's size, each LIMITed; each list is capped, in all and per
section.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

from branches.models import path_ids
from core.kinds import kind_for_model, record_kinds
from core.periods import Period
from records.models import Photo
from records.pages.photos import photo_url

CASE_LIMIT = 30
CASES_PER_SECTION = 5  # stories of one group (interventions, letters, ...) in one section
PHOTO_LIMIT = 60
PHOTOS_PER_SECTION = 6


@dataclass
class ReportPhoto:
    photo: Photo
    record: object

    @property
    def kind(self):
        return kind_for_model(type(self.record))

    @property
    def thumbnail_url(self) -> str:
        return photo_url(self.kind, self.record.pk, self.photo.pk, "thumb")

    @property
    def file_url(self) -> str:
        return photo_url(self.kind, self.record.pk, self.photo.pk, "file")

    @property
    def taken_on(self):
        """The capture date (EXIF), else None."""
        from django.utils import timezone

        return timezone.localdate(self.photo.captured_at) if self.photo.captured_at else None


@dataclass
class Cases:
    """Records told as stories, by group (a kind's report_cases names its groups, such as
    "interventions") and branch: cases.interventions[branch_id] is a list of records."""

    groups: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    photos: dict = field(default_factory=lambda: defaultdict(list))

    def __getattr__(self, group: str) -> dict:
        if group.startswith("__"):
            raise AttributeError(group)
        return self.groups[group]

    def of(self, branch) -> bool:
        return any(branch.pk in by_branch for by_branch in self.groups.values())


def section_of(node, branch) -> int:
    """The id of the report's section that tells a record of `branch` (in the node's subtree):
    the node's own, or the node's direct child on the branch's path."""
    ids = path_ids(branch.path)
    depth = len(path_ids(node.path))
    return ids[depth] if len(ids) > depth else node.pk


def load_cases(user, node, period: Period) -> Cases:
    """The stories and photos of the node's subtree, by the section (node or direct child) that tells them."""
    cases = Cases()
    for kind in record_kinds():
        if kind.report_cases is None:
            continue
        picked = kind.report_cases(kind.model.seen_in_period(user, node, period), CASE_LIMIT)
        for group, records in picked.items():
            for record in records:
                told = cases.groups[group][section_of(node, record.branch)]
                if len(told) < CASES_PER_SECTION:
                    told.append(record)
    for item in load_photos(user, node, period):
        shown = cases.photos[section_of(node, item.record.branch)]
        if len(shown) < PHOTOS_PER_SECTION:
            shown.append(item)
    return cases


def load_photos(user, node, period: Period, *, limit: int = PHOTO_LIMIT) -> list[ReportPhoto]:
    """Photos of the records of the subtree in the period, oldest first: one query for the photos
    (a UNION of one semi-join per record kind, so each reaches its records by their primary key
    rather than reading every record of the subtree's period), then one per kind that has any."""
    kinds = record_kinds()
    types = ContentType.objects.get_for_models(*[k.model for k in kinds])
    parts = [
        Photo.objects.filter(
            content_type=types[kind.model],
            object_id__in=kind.model.seen_in_period(user, node, period).values("pk"),
        ).order_by()
        for kind in kinds
    ]
    photos = list(parts[0].union(*parts[1:], all=True).order_by("captured_at", "id")[:limit]) if parts else []
    return attach_records(photos, types)


def attach_records(photos: list, types: dict) -> list[ReportPhoto]:
    model_of = {ct.pk: model for model, ct in types.items()}
    wanted = defaultdict(set)
    for photo in photos:
        wanted[model_of[photo.content_type_id]].add(photo.object_id)
    records = {}
    for model, pks in wanted.items():
        for record in model.objects.filter(pk__in=pks).select_related("branch"):
            records[(model, record.pk)] = record
    out = []
    for photo in photos:
        record = records.get((model_of[photo.content_type_id], photo.object_id))
        if record is not None:
            out.append(ReportPhoto(photo, record))
    return out
