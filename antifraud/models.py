"""Anti-fraud: interventions at the counter (a case workflow) and awareness sessions."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.catalogue import Measure
from core.privacy import validate_masked_name
from core.validators import validate_amount
from records.models import AgeBand, Record


class Intervention(Record):
    class Channel(models.TextChoices):
        COUNTER_CASH = "counter_cash", _("counter cash withdrawal")
        TRANSFER = "transfer", _("transfer")
        ATM = "atm", _("ATM")
        ONLINE = "online", _("online banking")

    class FraudType(models.TextChoices):
        HIGH_YIELD = "high_yield", _("high-yield investment scam")
        FAKE_INVESTMENT = "fake_investment", _("fake investment")
        IMPERSONATE_POLICE = "impersonate_police", _("impersonating police, prosecutors or courts")
        CLICK_FARMING = "click_farming", _("click-farming rebates")
        ONLINE_LOAN = "online_loan", _("online loan")
        IMPERSONATE_SERVICE = "impersonate_service", _("impersonating customer service")
        ROMANCE = "romance", _("romance scam")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        SUSPECTED = "suspected", _("suspected")
        POLICE_NOTIFIED = "police_notified", _("police notified")
        POLICE_ATTENDED = "police_attended", _("police attended")
        CONFIRMED = "confirmed", _("confirmed by police")
        CUSTOMER_PROCEEDED = "customer_proceeded", _("customer proceeded")

    # The case moves forward only; the two last states are final.
    TRANSITIONS = {
        Status.SUSPECTED: {Status.POLICE_NOTIFIED, Status.CONFIRMED, Status.CUSTOMER_PROCEEDED},
        Status.POLICE_NOTIFIED: {Status.POLICE_ATTENDED, Status.CONFIRMED, Status.CUSTOMER_PROCEEDED},
        Status.POLICE_ATTENDED: {Status.CONFIRMED, Status.CUSTOMER_PROCEEDED},
        Status.CONFIRMED: set(),
        Status.CUSTOMER_PROCEEDED: set(),
    }

    OPENING_STATUSES = (Status.SUSPECTED, Status.POLICE_NOTIFIED)

    occurred_time = models.TimeField(_("time"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    fraud_type = models.CharField(_("fraud type"), max_length=30, choices=FraudType.choices)
    customer_name_masked = models.CharField(
        _("customer (masked name)"), max_length=10, blank=True, validators=[validate_masked_name]
    )
    customer_age_band = models.CharField(
        _("age band"),
        max_length=10,
        blank=True,
        choices=AgeBand.choices,
    )
    amount_at_risk = models.DecimalField(
        _("amount at risk (CNY)"), max_digits=16, decimal_places=2, default=0, validators=[validate_amount]
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUSPECTED)
    police_unit = models.CharField(_("police unit"), max_length=200, blank=True)
    amount_protected = models.DecimalField(
        _("amount protected, confirmed by police (CNY)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_amount],
    )
    staff = models.ManyToManyField("branches.Staff", related_name="interventions", blank=True, verbose_name=_("staff"))

    measures = (
        # A case where the customer went ahead was not an interception.
        Measure("antifraud_interventions", unless={"status": Status.CUSTOMER_PROCEEDED}),
        Measure("antifraud_funds_protected_cny", value="amount_protected", when={"status": Status.CONFIRMED}),
    )
    system_fields = Record.system_fields | {"status"}

    class Meta(Record.Meta):
        verbose_name = _("fraud intervention")
        verbose_name_plural = _("fraud interventions")

    def __str__(self):
        return f"{self.occurred_on} {self.get_fraud_type_display()} {self.get_status_display()}"

    def clean(self):
        super().clean()
        errors = {}
        # Later states come through intervention_transition, whatever the way in: the form,
        # the API, the admin or a ledger import (which writes through the bulk path).
        if self._state.adding and self.status not in self.OPENING_STATUSES:
            errors["status"] = _("A new case starts as suspected or police notified.")
        if self.status == self.Status.CONFIRMED:
            if not self.police_unit:
                errors["police_unit"] = _("A police-confirmed case names the police unit.")
            if self.amount_protected is None:
                errors["amount_protected"] = _("A police-confirmed case states the amount protected.")
        elif self.amount_protected is not None:
            errors["amount_protected"] = _("Only a police-confirmed case has an amount protected.")
        if self.status in (self.Status.POLICE_ATTENDED,) and not self.police_unit:
            errors["police_unit"] = _("Name the police unit that attended.")
        if self.amount_protected is not None and self.amount_at_risk and self.amount_protected > self.amount_at_risk:
            errors["amount_protected"] = _("The amount protected cannot exceed the amount at risk.")
        if errors:
            raise ValidationError(errors)

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]


class AwarenessSession(Record):
    class VenueType(models.TextChoices):
        COMMUNITY = "community", _("community")
        SCHOOL = "school", _("school")
        ENTERPRISE = "enterprise", _("enterprise")
        OUTLET = "outlet", _("outlet")
        MARKET = "market", _("market")
        OTHER = "other", _("other")

    class Partner(models.TextChoices):
        NONE = "none", _("none")
        POLICE = "police", _("police")
        COMMUNITY = "community", _("community")
        SCHOOL = "school", _("school")

    venue_type = models.CharField(_("venue"), max_length=20, choices=VenueType.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    audience = models.PositiveIntegerField(_("audience"), default=0, validators=[MaxValueValidator(1_000_000)])
    partner = models.CharField(_("partner"), max_length=20, choices=Partner.choices, default=Partner.NONE)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awareness_sessions",
        verbose_name=_("partnership"),
        help_text=_("The co-building partnership it was held with, if any."),
    )

    measures = (Measure("antifraud_sessions"), Measure("antifraud_audience", value="audience"))

    class Meta(Record.Meta):
        verbose_name = _("anti-fraud awareness session")
        verbose_name_plural = _("anti-fraud awareness sessions")

    def __str__(self):
        return f"{self.occurred_on} {self.place or self.get_venue_type_display()}"
