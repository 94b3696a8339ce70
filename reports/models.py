"""Report drafts (the editable highlights text) and evaluation schemes with their items."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.catalogue import METRICS
from core.privacy import validate_no_personal_identifiers

STATEMENT_MAX = 500


class ReportDraft(models.Model):
    """One user's edited text of the highlights report of a node and period.

    `sections` maps a section's branch code to its text; figures are kept as ⟦figure id⟧ tokens,
    so the numbers stay those of the roll-up store and keep their links whatever is edited around them.
    """

    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch"))
    period = models.CharField(_("period"), max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sections = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report draft")
        verbose_name_plural = _("report drafts")
        constraints = [models.UniqueConstraint(fields=["branch", "period", "user"], name="report_draft_unique")]

    def __str__(self):
        return f"{self.branch} {self.period} {self.user}"


class EvaluationScheme(models.Model):
    """An evaluation branches are scored on (文明规范服务网点, 文明单位, 青年文明号)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("The items are examples, not the issuing body's own list.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


class EvaluationItem(models.Model):
    """One scored item and the evidence the portal holds for it: record kinds and/or metrics,
    optionally narrowed to one split (e.g. theme:lei_feng)."""

    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    guidance = models.TextField(_("evidence expected"), blank=True)
    kinds = models.JSONField(_("record kinds"), default=list, blank=True)
    metrics = models.JSONField(_("metrics"), default=list, blank=True)
    split = models.CharField(
        _("split filter"), max_length=60, blank=True, help_text=_("dimension:value, e.g. theme:lei_feng")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("evaluation item")
        verbose_name_plural = _("evaluation items")
        ordering = ["scheme", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="evaluation_item_unique")]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def split_dimension(self) -> str:
        return self.split.partition(":")[0]

    @property
    def split_value(self) -> str:
        return self.split.partition(":")[2]

    def clean(self):
        from core.kinds import kind_for_slug

        errors = {}
        if not isinstance(self.kinds, list) or any(kind_for_slug(str(k)) is None for k in self.kinds):
            errors["kinds"] = _('Give a list of record kinds, such as ["home-visits"].')
        if not isinstance(self.metrics, list) or any(m not in METRICS for m in self.metrics):
            errors["metrics"] = _('Give a list of metric keys, such as ["home_visits"].')
        if self.split and not errors:
            dimension, sep, value = self.split.partition(":")
            if not sep or not value:
                errors["split"] = _("Write the split as dimension:value.")
            else:
                bad = [m for m in self.metrics if dimension not in METRICS[m].split_by]
                bad += [k for k in self.kinds if not _has_field(kind_for_slug(k).model, dimension)]
                if bad:
                    errors["split"] = _("%(dimension)s does not apply to %(names)s.") % {
                        "dimension": dimension,
                        "names": ", ".join(bad),
                    }
        if errors:
            raise ValidationError(errors)


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True


class EvidenceStatement(models.Model):
    """The short statement (at most 500 characters) of one item for a node and year."""

    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch"))
    item = models.ForeignKey(EvaluationItem, on_delete=models.CASCADE, related_name="statements")
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(
        _("statement"),
        max_length=STATEMENT_MAX,
        validators=[MaxLengthValidator(STATEMENT_MAX), validate_no_personal_identifiers],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evidence statement")
        verbose_name_plural = _("evidence statements")
        constraints = [models.UniqueConstraint(fields=["branch", "item", "year"], name="evidence_statement_unique")]

    def __str__(self):
        return f"{self.branch} {self.item.code} {self.year}"
