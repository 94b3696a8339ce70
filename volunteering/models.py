"""Volunteer activities and the teams that carry them."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.catalogue import Measure
from core.validators import validate_not_future
from records.models import Record


class VolunteerActivity(Record):
    class Theme(models.TextChoices):
        LEI_FENG = "lei_feng", _("Learn from Lei Feng")
        LEFT_BEHIND_CHILDREN = "left_behind_children", _("caring for left-behind children")
        ELDERLY = "elderly", _("helping the elderly")
        COMMUNITY = "community", _("community")
        ENVIRONMENT = "environment", _("environment")
        OTHER = "other", _("other")

    theme = models.CharField(_("theme"), max_length=30, choices=Theme.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(
        _("staff taking part"), validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    beneficiaries = models.PositiveIntegerField(
        _("beneficiaries"), default=0, validators=[MaxValueValidator(1_000_000)]
    )
    hours = models.DecimalField(
        _("volunteer hours (all participants)"),
        max_digits=8,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100_000)],
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_activities",
        verbose_name=_("partnership"),
        help_text=_("The co-building partnership it was held with, if any."),
    )

    measures = (
        Measure("volunteer_activities"),
        Measure("volunteer_person_times", value="participants"),
        Measure("volunteer_hours", value="hours"),
    )

    class Meta(Record.Meta):
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")

    def __str__(self):
        return f"{self.occurred_on} {self.get_theme_display()} {self.place}"


class Team(Record):
    """A standing team; it counts as active from its founding until it is disbanded."""

    class Kind(models.TextChoices):
        PARTY_MODEL_POST = "party_model_post", _("Party member model post")
        PARTY_COMMANDO = "party_commando", _("Party member commando team")
        YOUTH_VANGUARD = "youth_vanguard", _("youth vanguard team")
        VOLUNTEER_TEAM = "volunteer_team", _("volunteer service team")

    occurred_on = models.DateField(_("established on"), validators=[validate_not_future])
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    members = models.PositiveIntegerField(_("members"), default=1, validators=[MaxValueValidator(10_000)])
    disbanded_on = models.DateField(_("disbanded on"), null=True, blank=True, validators=[validate_not_future])

    # A stock: +1 in the month it is founded, -1 in the month it is disbanded.
    measures = (
        Measure("teams_active"),
        Measure("teams_active", date_field="disbanded_on", sign=-1),
    )

    class Meta(Record.Meta):
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.disbanded_on and self.occurred_on and self.disbanded_on < self.occurred_on:
            raise ValidationError({"disbanded_on": _("A team cannot be disbanded before it was established.")})
