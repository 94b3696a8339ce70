"""Customer and community services: home visits, outreach, financing, love stations, cash."""

import datetime
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.catalogue import Measure
from core.privacy import validate_masked_name
from core.validators import validate_amount, validate_credit_code
from records.models import AgeBand, Record
from services.rules import HOME_VISIT_TEAM, entities_covered_errors, home_visit_team_errors

FOLLOW_UP_DAYS = 3  # a home visit is followed up within 72 hours
LAST_VISIT_WITH_DUE_DATE = datetime.date.max - datetime.timedelta(days=FOLLOW_UP_DAYS)


class HomeVisit(Record):
    class CustomerGroup(models.TextChoices):
        ELDERLY = "elderly", _("elderly")
        DISABLED = "disabled", _("disabled")
        ILL = "ill", _("seriously ill")
        OTHER = "other", _("other")

    class Purpose(models.TextChoices):
        PENSION = "pension", _("pension")
        ACCOUNT = "account", _("account service")
        ID_CHECK = "id_check", _("identity check")
        CARD = "card", _("bank card")
        OTHER = "other", _("other")

    customer_group = models.CharField(_("customer group"), max_length=20, choices=CustomerGroup.choices)
    customer_name_masked = models.CharField(
        _("customer (masked name)"),
        max_length=10,
        validators=[validate_masked_name],
        help_text=_("Only the masked name is kept, such as 王**."),
    )
    customer_age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    staff = models.ManyToManyField(
        "branches.Staff", related_name="home_visits", blank=True, verbose_name=_("staff (team of two)")
    )
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), null=True, blank=True, validators=[MaxValueValidator(24 * 60)]
    )
    recording_ref = models.CharField(_("audio/video recording reference"), max_length=100, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True, editable=False)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)

    measures = (Measure("home_visits"),)
    # At least this many staff go on a visit (services/rules.py); the ledger template marks the column required.
    relation_minimums: ClassVar[dict[str, int]] = {"staff": HOME_VISIT_TEAM}

    class Meta(Record.Meta):
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        indexes = [
            *Record.Meta.indexes,
            models.Index(fields=["follow_up_done_on", "follow_up_due"], name="homevisit_follow_up"),
        ]

    def __str__(self):
        return f"{self.occurred_on} {self.customer_name_masked} {self.get_purpose_display()}"

    def clean(self):
        super().clean()
        # A date outside the portal's range is refused by clean_fields (which has run), and the
        # write with it, so the due date is worked out from any date that has one (9999-12-31
        # + 3 days cannot be represented). Not RECORD_DATES.contains(): an import checks 100,000
        # visits, and it asks for today every time (a quarter of Python's time per row).
        if isinstance(self.occurred_on, datetime.date) and self.occurred_on <= LAST_VISIT_WITH_DUE_DATE:
            self.follow_up_due = self.occurred_on + datetime.timedelta(days=FOLLOW_UP_DAYS)
        errors = {}
        if self.follow_up_done_on and self.occurred_on and self.follow_up_done_on < self.occurred_on:
            errors["follow_up_done_on"] = [_("The follow-up cannot precede the visit.")]
        # The team is judged whenever it is written: a new visit, or a write that sets it. A
        # write that leaves it alone (the follow-up marked done) is not refused for it.
        writes_team = self.pk is None or "staff" in (getattr(self, "_pending_relations", None) or {})
        if writes_team and (team := home_visit_team_errors(self.related("staff"))):
            errors["staff"] = team
        if errors:
            raise ValidationError(errors)


class OutreachEvent(Record):
    class VenueType(models.TextChoices):
        COMMUNITY = "community", _("community")
        SCHOOL = "school", _("school")
        ENTERPRISE = "enterprise", _("enterprise")
        PARK = "park", _("park")
        MARKET = "market", _("market")

    class Theme(models.TextChoices):
        ANTI_FRAUD = "anti_fraud", _("anti-fraud")
        PENSION = "pension", _("pension")
        DIGITAL = "digital", _("digital banking")
        COUNTERFEIT = "counterfeit", _("counterfeit money")
        OTHER = "other", _("other")

    venue_type = models.CharField(_("venue type"), max_length=20, choices=VenueType.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    attendees = models.PositiveIntegerField(_("attendees"), default=0, validators=[MaxValueValidator(1_000_000)])
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_events",
        verbose_name=_("partnership"),
        help_text=_("The co-building partnership it was held with, if any."),
    )

    measures = (Measure("outreach_events"), Measure("outreach_attendees", value="attendees"))

    class Meta(Record.Meta):
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")

    def __str__(self):
        return f"{self.occurred_on} {self.place or self.get_venue_type_display()}"


def counterparty_key(name: str, credit_code: str) -> str:
    """What makes two financings the same enterprise: the credit code, else the name."""
    if credit_code:
        return "code:" + credit_code.upper()
    return "name:" + "".join((name or "").split())


class Financing(Record):
    class Sector(models.TextChoices):
        TECH = "tech", _("technology finance")
        GREEN = "green", _("green finance")
        INCLUSIVE = "inclusive", _("inclusive finance")
        PENSION = "pension", _("pension finance")
        DIGITAL = "digital", _("digital finance")

    class Product(models.TextChoices):
        KECHUANG_YUNSHANDAI = "kc_yunshandai", "科创云闪贷"
        KECHUANG_EDANBAO = "kc_edanbao", "科创e担保"
        KNOWLEDGE_CREDIT = "knowledge_credit", "知识价值信用贷"
        SPECIALISED = "specialised", "专精特新贷"
        ANNUITY_TRUSTEE = "annuity_trustee", "企业年金受托"
        GREEN_LOAN = "green_loan", _("green loan")
        INCLUSIVE_CREDIT = "inclusive_credit", _("inclusive credit loan")
        OTHER = "other", _("other")

    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    product = models.CharField(_("product"), max_length=30, choices=Product.choices)
    counterparty = models.CharField(_("counterparty"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    entities_covered = models.PositiveIntegerField(
        _("entities covered"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text=_("1 for a loan; an annuity mandate may cover many institutions."),
    )
    amount = models.DecimalField(_("amount (CNY)"), max_digits=16, decimal_places=2, validators=[validate_amount])

    counterparty_key = models.CharField(max_length=250, editable=False, default="")

    measures = (
        Measure("financing_amount_cny", value="amount"),
        Measure("financing_entities", value="entities_covered"),
        Measure("financing_enterprises", member="counterparty_key"),
    )

    class Meta(Record.Meta):
        verbose_name = _("financing")
        verbose_name_plural = _("financing")

    def __str__(self):
        return f"{self.occurred_on} {self.counterparty}"

    def clean(self):
        self.credit_code = (self.credit_code or "").strip().upper()
        self.counterparty_key = counterparty_key(self.counterparty, self.credit_code)
        super().clean()
        if refused := entities_covered_errors(self.product, self.entities_covered, self.get_product_display()):
            raise ValidationError({"entities_covered": refused})


class LoveStationTally(Record):
    """Anonymous person-times at a love station: counted, never named."""

    class VisitorGroup(models.TextChoices):
        SANITATION = "sanitation", _("sanitation worker")
        COURIER = "courier", _("courier")
        DELIVERY = "delivery", _("delivery rider")
        TAXI = "taxi", _("taxi driver")
        OTHER = "other", _("other")

    class Service(models.TextChoices):
        WATER = "water", _("water / tea")
        MICROWAVE = "microwave", _("microwave")
        CHARGING = "charging", _("phone charging")
        REST = "rest", _("rest")
        TOILET = "toilet", _("toilet")
        FIRST_AID = "first_aid", _("first aid")
        READING = "reading", _("reading")
        KNOWLEDGE = "knowledge", _("financial-knowledge corner")

    visitor_group = models.CharField(_("visitor group"), max_length=20, choices=VisitorGroup.choices)
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    count = models.PositiveIntegerField(_("person-times"), default=1, validators=[MaxValueValidator(10_000)])

    measures = (Measure("love_station_visits", value="count"),)

    class Meta(Record.Meta):
        verbose_name = _("love-station tally")
        verbose_name_plural = _("love-station tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "occurred_on", "visitor_group", "service"], name="love_station_tally_unique"
            )
        ]

    def __str__(self):
        return f"{self.occurred_on} {self.get_visitor_group_display()} {self.get_service_display()} {self.count}"

    def clean(self):
        super().clean()
        if self.branch_id and not self.branch.has_love_station:
            raise ValidationError({"branch": _("This branch has no love station.")})


LARGE_CASH_PIECES = 1000  # a cash service told as a story in the highlights report
STORY_CUSTOMER_TYPES = ("school", "institution")


class CashService(Record):
    class Service(models.TextChoices):
        COIN_COUNTING = "coin_counting", _("coin counting")
        DAMAGED_NOTES = "damaged_notes", _("damaged-note exchange")
        BULK_COUNTING = "bulk_counting", _("bulk counting")

    class CustomerType(models.TextChoices):
        SCHOOL = "school", _("school")
        MERCHANT = "merchant", _("merchant")
        INSTITUTION = "institution", _("institution")
        INDIVIDUAL = "individual", _("individual")

    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    customer_type = models.CharField(_("customer type"), max_length=20, choices=CustomerType.choices)
    customer_description = models.CharField(
        _("customer"), max_length=200, blank=True, help_text=_("An organisation, or a masked name.")
    )
    pieces_counted = models.PositiveIntegerField(
        _("pieces counted"), default=0, validators=[MaxValueValidator(10_000_000)]
    )
    amount = models.DecimalField(
        _("amount (CNY)"), max_digits=16, decimal_places=2, default=0, validators=[validate_amount]
    )
    staff_hours = models.DecimalField(
        _("staff hours"),
        max_digits=6,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )

    measures = (Measure("cash_services"), Measure("cash_pieces_counted", value="pieces_counted"))

    class Meta(Record.Meta):
        verbose_name = _("cash service")
        verbose_name_plural = _("cash services")
        indexes = [
            *Record.Meta.indexes,
            # The highlights report's stories (services/notable.py): the largest services for
            # schools and institutions, read off this index down to the LIMIT at any scope size.
            models.Index(
                fields=["-pieces_counted", "id"],
                name="cashservice_story",
                condition=models.Q(
                    customer_type__in=STORY_CUSTOMER_TYPES,
                    pieces_counted__gte=LARGE_CASH_PIECES,
                ),
            ),
        ]

    def __str__(self):
        return f"{self.occurred_on} {self.get_service_display()} {self.customer_description}"
