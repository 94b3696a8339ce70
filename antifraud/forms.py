"""Entry forms of anti-fraud records and the intervention case workflow."""

from django import forms
from django.utils.translation import gettext_lazy as _

from antifraud.models import AwarenessSession, Intervention
from core.privacy import mask_name
from core.validators import validate_amount
from records.pages.forms import EntryFormMixin, RecordForm, style_fields

S = Intervention.Status


class InterventionForm(RecordForm):
    """A new case starts as suspected or police notified; later states come from the workflow
    buttons. The amount protected is editable only once the police confirmed the case."""

    customer_name_masked = forms.CharField(
        label=_("customer name"),
        max_length=50,
        required=False,
        help_text=_("Type the name; only the masked form such as 王** is kept."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Intervention
        fields = [
            "branch",
            "occurred_on",
            "occurred_time",
            "channel",
            "fraud_type",
            "customer_name_masked",
            "customer_age_band",
            "amount_at_risk",
            "status",
            "police_unit",
            "amount_protected",
            "staff",
            "notes",
        ]

    def prepare_fields(self):
        if self.editing:
            del self.fields["status"]
            if self.instance.status != S.CONFIRMED:
                del self.fields["amount_protected"]
        else:
            del self.fields["amount_protected"]
            self.fields["status"] = forms.ChoiceField(
                label=self.fields["status"].label,
                choices=[(s.value, s.label) for s in (S.SUSPECTED, S.POLICE_NOTIFIED)],
                initial=S.SUSPECTED,
            )

    def clean_customer_name_masked(self):
        masked = mask_name(self.cleaned_data.get("customer_name_masked") or "")
        self.data = self.data.copy()
        self.data[self.add_prefix("customer_name_masked")] = masked
        return masked


class AwarenessSessionForm(RecordForm):
    class Meta:
        model = AwarenessSession
        fields = ["branch", "occurred_on", "venue_type", "place", "audience", "partner", "partnership", "notes"]


class TransitionForm(EntryFormMixin, forms.Form):
    """Moves a case to its next status; confirming names the police unit and the amount."""

    status = forms.ChoiceField(choices=S.choices)
    police_unit = forms.CharField(label=_("police unit"), max_length=200, required=False)
    amount_protected = forms.DecimalField(
        label=_("amount protected, confirmed by police (CNY)"),
        max_digits=16,
        decimal_places=2,
        required=False,
        validators=[validate_amount],
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["status"].choices = [(s, S(s).label) for s in S.values if case.can_move_to(s)]
        self.initial.setdefault("version", case.version)
        self.initial.setdefault("police_unit", case.police_unit)
        style_fields(self)

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {"status": data["status"], "expected_version": data["version"]}
        if data["status"] in (S.POLICE_ATTENDED, S.CONFIRMED) or data.get("police_unit"):
            fields["police_unit"] = data.get("police_unit") or ""
        if data["status"] == S.CONFIRMED:
            fields["amount_protected"] = data.get("amount_protected")
        return fields
