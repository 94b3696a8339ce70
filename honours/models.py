"""Honours: pennants, letters, praise tickets and titles earned by branches and staff."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Staff
from core.catalogue import Measure
from core.dates import VALIDITY_DATES
from core.validators import validate_not_future
from records.models import Record


class Honour(Record):
    """A pennant, letter, praise ticket or title earned by a branch or a staff member."""

    class Kind(models.TextChoices):
        PENNANT = "pennant", _("pennant")
        COMMENDATION_LETTER = "commendation_letter", _("commendation letter")
        PRAISE_TICKET = "praise_ticket", _("praise ticket")
        TITLE = "title", _("honorary title")

    class Level(models.TextChoices):
        CUSTOMER = "customer", _("customer")
        COMMUNITY = "community", _("community")
        DISTRICT = "district", _("district")
        CITY = "city", _("city")
        PROVINCIAL = "provincial", _("provincial")
        NATIONAL = "national", _("national")
        BANK_BRANCH = "bank_branch", _("bank: city branch")
        BANK_PROVINCIAL = "bank_provincial", _("bank: provincial branch")
        BANK_HEAD_OFFICE = "bank_head_office", _("bank: head office")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        WARNED = "warned", _("warned")
        DOWNGRADED = "downgraded", _("downgraded")
        REVOKED = "revoked", _("revoked")

    occurred_on = models.DateField(_("awarded on"), validators=[validate_not_future])
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=30, choices=Level.choices)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    recipient_staff = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="honours",
        verbose_name=_("recipient (staff member)"),
        help_text=_("Leave empty when the branch itself is honoured."),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    star_level = models.PositiveSmallIntegerField(
        _("star level"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # The lifecycle of a title with a validity (青年文明号 runs in two-year cycles): set only by
    # honour_warn / honour_downgrade / honour_revoke / honour_renew, never by an edit form.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_since = models.DateField(_("status since"), null=True, blank=True)
    status_reason = models.CharField(_("reason for the status"), max_length=500, blank=True)
    linked_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    linked_id = models.PositiveBigIntegerField(null=True, blank=True)
    linked_record = GenericForeignKey("linked_type", "linked_id")

    # Honours count by award date whatever their later status: a title revoked in 2026 was
    # still awarded in 2025, and an approved month's figures do not change afterwards.
    measures = (Measure("honours"),)
    system_fields = Record.system_fields | {"status", "status_since", "status_reason"}
    date_ranges = {"valid_until": VALIDITY_DATES}

    class Meta(Record.Meta):
        db_table = "branches_honour"  # the table it had when honours lived in branches/
        verbose_name = _("honour")
        verbose_name_plural = _("honours")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.valid_until and self.occurred_on and self.valid_until < self.occurred_on:
            raise ValidationError({"valid_until": _("The validity cannot end before the award date.")})
        if self.recipient_staff_id and self.branch_id and not self.recipient_staff.branch.is_descendant_of(self.branch):
            raise ValidationError({"recipient_staff": _("The staff member does not belong to this branch.")})
        if self.status != self.Status.ACTIVE and self.kind != self.Kind.TITLE:
            raise ValidationError({"status": _("Only an honorary title can be warned, downgraded or revoked.")})

    @property
    def is_in_force(self) -> bool:
        return self.status != self.Status.REVOKED
