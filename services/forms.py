"""Entry forms of the customer-service record kinds."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.privacy import mask_name
from core.validators import validate_not_future
from records.pages.forms import EntryFormMixin, RecordForm, style_fields
from services.models import CashService, Financing, HomeVisit, LoveStationTally, OutreachEvent


class HomeVisitForm(RecordForm):
    """Staff type the customer's name as they know it; only the masked form (王**) goes on."""

    customer_name_masked = forms.CharField(
        label=_("customer name"),
        max_length=50,
        help_text=_("Type the name; only the masked form such as 王** is kept."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = HomeVisit
        fields = [
            "branch",
            "occurred_on",
            "customer_group",
            "customer_name_masked",
            "customer_age_band",
            "purpose",
            "staff",
            "duration_minutes",
            "recording_ref",
            "follow_up_done_on",
            "notes",
        ]

    def prepare_fields(self):
        self.fields["follow_up_done_on"].validators.append(validate_not_future)

    def clean_customer_name_masked(self):
        masked = mask_name(self.cleaned_data["customer_name_masked"])
        # Echo the masked name if the form comes back with errors: the full name goes nowhere.
        self.data = self.data.copy()
        self.data[self.add_prefix("customer_name_masked")] = masked
        return masked


class OutreachEventForm(RecordForm):
    class Meta:
        model = OutreachEvent
        fields = ["branch", "occurred_on", "venue_type", "place", "theme", "attendees", "partnership", "notes"]


class FinancingForm(RecordForm):
    class Meta:
        model = Financing
        fields = [
            "branch",
            "occurred_on",
            "sector",
            "product",
            "counterparty",
            "credit_code",
            "entities_covered",
            "amount",
            "notes",
        ]

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper()


class LoveStationTallyForm(RecordForm):
    branch_filters = {"love_station_since__isnull": False}

    class Meta:
        model = LoveStationTally
        fields = ["branch", "occurred_on", "visitor_group", "service", "count", "notes"]


class CashServiceForm(RecordForm):
    class Meta:
        model = CashService
        fields = [
            "branch",
            "occurred_on",
            "service",
            "customer_type",
            "customer_description",
            "pieces_counted",
            "amount",
            "staff_hours",
            "notes",
        ]


class FollowUpDoneForm(EntryFormMixin, forms.Form):
    """Marks a home visit's follow-up done on a day (today unless said)."""

    done_on = forms.DateField(label=_("follow-up done on"), validators=[validate_not_future])
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("done_on", timezone.localdate())
        style_fields(self)


class TallyTapForm(forms.Form):
    """One tap on the love-station tally screen."""

    visitor_group = forms.ChoiceField(choices=LoveStationTally.VisitorGroup.choices)
    service = forms.ChoiceField(choices=LoveStationTally.Service.choices)
    by = forms.TypedChoiceField(choices=[("1", "+1"), ("-1", "-1")], coerce=int)
