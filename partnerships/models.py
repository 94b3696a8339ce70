"""Co-building partnerships (共建) with communities, enterprises, schools and government units,
and what a branch does together with its partner over time."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.catalogue import Measure
from core.validators import validate_not_future
from records.models import Record


class Partnership(Record):
    """A partnership with a partner unit; in force from its start until it ends."""

    class PartnerType(models.TextChoices):
        COMMUNITY = "community", _("community")
        ENTERPRISE = "enterprise", _("enterprise")
        SCHOOL = "school", _("school")
        GOVERNMENT = "government", _("government body")
        OTHER = "other", _("other")

    occurred_on = models.DateField(_("started on"), validators=[validate_not_future])
    partner_name = models.CharField(_("partner unit"), max_length=200)
    partner_type = models.CharField(_("partner type"), max_length=20, choices=PartnerType.choices)
    agreement_ref = models.CharField(
        _("agreement reference"),
        max_length=100,
        blank=True,
        help_text=_("The number or title of the co-building agreement, if there is one."),
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[validate_not_future])

    ledger_name = "partner_name"

    # A stock, like a team: +1 in the month it starts, -1 in the month it ends.
    measures = (
        Measure("partnerships_active"),
        Measure("partnerships_active", date_field="ended_on", sign=-1),
    )

    class Meta(Record.Meta):
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def __str__(self):
        return self.partner_name

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def clean(self):
        super().clean()
        if self.ended_on and self.occurred_on and self.ended_on < self.occurred_on:
            raise ValidationError({"ended_on": _("A partnership cannot end before it started.")})
        if self.pk is not None:
            self._check_records_held_with_it()

    def _check_records_held_with_it(self) -> None:
        """Records already held with the partnership stay within its dates (one query per
        kind that can name a partnership, only when it is edited)."""
        errors = {}
        for relation in self._meta.related_objects:
            if not issubclass(relation.related_model, Record) or not relation.one_to_many:
                continue
            held = relation.related_model.objects.filter(**{relation.field.name: self})
            if self.ended_on and "ended_on" not in errors and held.filter(occurred_on__gt=self.ended_on).exists():
                errors["ended_on"] = _("Records held with this partnership are dated after this end date.")
            if (
                self.occurred_on
                and "occurred_on" not in errors
                and held.filter(occurred_on__lt=self.occurred_on).exists()
            ):
                errors["occurred_on"] = _("Records held with this partnership are dated before this start date.")
        if errors:
            raise ValidationError(errors)

    def reference_date_errors(self, day) -> list:
        """A record held with the partnership falls within its dates."""
        errors = []
        if day and self.occurred_on and day < self.occurred_on:
            errors.append(_("The partnership started only on %(day)s.") % {"day": self.occurred_on})
        if day and self.ended_on and day > self.ended_on:
            errors.append(_("The partnership ended on %(day)s.") % {"day": self.ended_on})
        return errors


class PartnershipActivity(Record):
    """Something the branch did with its partner: joint party building, visits, volunteering."""

    class ActivityType(models.TextChoices):
        PARTY_BUILDING = "party_building", _("joint party-building activity")
        CARE_VISIT = "care_visit", _("visiting people in difficulty")
        JOINT_VOLUNTEERING = "joint_volunteering", _("joint volunteer service")
        SCENE_BUILDING = "scene_building", _("co-built service scene (such as a community mini-program)")
        OTHER = "other", _("other")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="activities", verbose_name=_("partnership")
    )
    activity_type = models.CharField(_("activity"), max_length=30, choices=ActivityType.choices)
    people_reached = models.PositiveIntegerField(
        _("people reached"), default=0, validators=[MaxValueValidator(1_000_000)]
    )

    measures = (
        Measure("partnership_activities"),
        Measure("partnership_people_reached", value="people_reached"),
    )

    class Meta(Record.Meta):
        # Record.Meta's indexes, named shorter: the generic name (%(class)s_branch_date) is over
        # the 30 characters an index name may have.
        indexes = [
            models.Index(fields=["branch", "occurred_on"], name="partneractivity_branch_date"),
            models.Index(fields=["occurred_on", "id"], include=["branch"], name="partneractivity_date_id"),
            models.Index(fields=["updated_at", "id"], name="partneractivity_updated_id"),
            models.Index(fields=["created_at", "id"], name="partneractivity_created_id"),
        ]
        verbose_name = _("partnership activity")
        verbose_name_plural = _("partnership activities")

    def __str__(self):
        return f"{self.occurred_on} {self.get_activity_type_display()}"
