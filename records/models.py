"""The record base class, photos and the audit log shared by every record kind."""

import functools
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models.signals import class_prepared
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from branches.scoping import ScopedQuerySet
from core.catalogue import Measure
from core.dates import RECORD_DATES, DateRange
from core.freshness import earliest_year
from core.privacy import validate_no_personal_identifiers
from core.validators import validate_not_future


class AgeBand(models.TextChoices):
    """Customers are kept as an age band, never a birth date."""

    UNDER_60 = "under_60", _("under 60")
    AGE_60_69 = "60_69", _("60–69")
    AGE_70_79 = "70_79", _("70–79")
    AGE_80_PLUS = "80_plus", _("80 and over")


class Photo(models.Model):
    """A photo attached to any record; re-encoded on upload, EXIF and GPS stripped."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    image = models.ImageField(_("photo"), upload_to="photos/%Y/%m/")
    thumbnail = models.ImageField(upload_to="photos/thumbs/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    captured_at = models.DateTimeField(_("captured at"), null=True, blank=True)
    caption = models.CharField(_("caption"), max_length=200, blank=True, validators=[validate_no_personal_identifiers])
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["captured_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.caption or self.image.name


class Record(models.Model):
    """Common fields of every record kind; writes go through the kind's service functions."""

    # No index of its own: the (branch, occurred_on) index below serves every lookup by branch.
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch"), db_index=False
    )
    occurred_on = models.DateField(_("date"), validators=[validate_not_future])
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    # No index: nothing lists records by author (the approval check filters by branch and date
    # first), and every insert would pay for it. Deleting a user scans the tables instead.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        db_index=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    photos = GenericRelation(Photo)

    objects = ScopedQuerySet.as_manager()

    # What a record of this kind adds to the metric catalogue.
    measures: ClassVar[tuple[Measure, ...]] = ()
    # Fields a user never sets directly (bookkeeping and workflow).
    system_fields: ClassVar[frozenset[str]] = frozenset({"id", "created_by", "created_at", "updated_at", "version"})
    # Every date field a user sets is checked against the portal's range (core/dates.py):
    # RECORD_DATES unless named here with its own range. See _bound_dates below.
    date_ranges: ClassVar[dict[str, DateRange]] = {}
    # How many a many-to-many field needs ({name: n}), as the kind's clean() enforces it; the
    # ledger template marks such a column required.
    relation_minimums: ClassVar[dict[str, int]] = {}
    # The field a ledger names a record of this kind by, when another kind refers to it (a
    # partnership by its partner unit); None: other kinds' ledgers cannot name it.
    ledger_name: ClassVar[str | None] = None

    class Meta:
        abstract = True
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["branch", "occurred_on"], name="%(class)s_branch_date"),
            # Lists newest first at any scope size (records.paging): page 1, a keyset page and a
            # scope walked in date order read an index range, never sort the table. With the
            # branch in the index, the newest ids of a subtree are found from the index alone
            # (PostgreSQL; records.paging.newest_first): no table row is read to be skipped.
            models.Index(fields=["occurred_on", "id"], include=["branch"], name="%(class)s_date_id"),
            # The API's change feed (records/api/sync.py) walks (updated_at, id); its lists may
            # also be ordered by created_at (RecordViewSet.ordering_fields): each reads an index
            # range, not a sort of the whole table (issue 19; tests/api/test_ordering_indexes.py).
            models.Index(fields=["updated_at", "id"], name="%(class)s_updated_id"),
            models.Index(fields=["created_at", "id"], name="%(class)s_created_id"),
        ]

    def get_absolute_url(self) -> str:
        from core.kinds import kind_for_model

        return kind_for_model(type(self)).url("detail", self.pk)

    def clean(self):
        super().clean()
        errors = {}
        for name, attname in _record_references(type(self)):
            if getattr(self, attname) is None or self.branch_id is None or name in errors:
                continue
            try:
                refused = getattr(self, name).reference_errors(self)
            except ObjectDoesNotExist:  # clean_fields() reports the unknown id
                continue
            if refused:
                errors[name] = refused
        if errors:
            raise ValidationError(errors)

    def figures_since(self, changes: dict) -> int | None:
        """The first year whose figures a write of this record changes (core.freshness): the
        earliest of its dates, as the write leaves them and as they were (`changes`, the audit
        entry's)."""
        names = [f.attname for f in self._meta.concrete_fields if type(f) is models.DateField]
        return earliest_year(*(getattr(self, name) for name in names), *(changes.get(name) for name in names))

    def reference_errors(self, record) -> list:
        """Why `record` may not name this record in one of its fields ([] when it may). Every
        write path runs this from the referring record's clean(). By default the two branches
        lie on one line of the tree: one at or below the other, as staff on a record do."""
        errors = list(self.reference_date_errors(record.occurred_on)) if record.occurred_on else []
        mine, theirs = self.branch.path, record.branch.path
        if not (mine.startswith(theirs) or theirs.startswith(mine)):
            errors.insert(
                0,
                _("%(item)s belongs to %(branch)s, outside this branch's line.")
                % {"item": self, "branch": self.branch},
            )
        return errors

    def reference_date_errors(self, day) -> list:
        """Why a record dated `day` may not name this one ([] when it may): none by default."""
        return []

    @classmethod
    def kind_label(cls):
        return cls._meta.verbose_name

    def related(self, name: str) -> list:
        """A many-to-many field's objects as the write being checked leaves them, for clean():
        the values the write sets (the services and forms announce them in
        `_pending_relations` before full_clean()), else the saved ones."""
        pending = getattr(self, "_pending_relations", None) or {}
        if name in pending:
            return list(pending[name] or ())
        if self.pk is None:
            return []
        return list(getattr(self, name).all())

    @classmethod
    def seen_in_period(cls, user, branch, period):
        """The records of the branch's subtree the user may read, dated in the period (a
        core.periods.Period), with one path condition (ScopedQuerySet.for_user_in_subtree)."""
        return cls.objects.for_user_in_subtree(user, branch).filter(
            occurred_on__gte=period.first, occurred_on__lte=period.end_date
        )


def announce_relations(form) -> None:
    """Before a model form's instance is cleaned: the many-to-many values the form will set,
    so that the model's clean() (Record.related) judges the record as it will be saved."""
    model = form._meta.model
    form.instance._pending_relations = {
        f.name: form.cleaned_data[f.name] for f in model._meta.many_to_many if f.name in form.cleaned_data
    }


@receiver(class_prepared)
def _bound_dates(sender, **kwargs):
    """Give every date field a user sets, of every record kind, the portal's range as a validator.

    As a default validator of the field instance it runs wherever the field is validated: in
    full_clean() (forms, the admin, the services), in the bulk writer's cleaner (ledger imports)
    and in the API's serializers, which copy a model field's validators. It is not part of the
    field's deconstruction: the range moves with today, so no migration could hold it."""
    if not issubclass(sender, Record) or sender._meta.abstract:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField) and field.editable:
            if validate_not_future in field.validators:  # already the record range
                continue
            bounds = sender.date_ranges.get(field.name, RECORD_DATES)
            field.default_validators = [*type(field).default_validators, bounds]
            field.__dict__.pop("validators", None)  # recomputed from the list above on next use


@functools.cache
def _record_references(model) -> tuple[tuple[str, str], ...]:
    """The foreign keys of a record kind to another record kind (a partnership activity's
    partnership), checked by the referred record's reference_errors()."""
    return tuple(
        (f.name, f.attname)
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey)
        and isinstance(f.related_model, type)
        and issubclass(f.related_model, Record)
    )


# The API's idempotency keys live with the API code; imported here so Django registers the model.
from records.api.models import IdempotencyKey  # noqa: E402, F401
