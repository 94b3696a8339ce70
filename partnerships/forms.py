"""Entry forms of partnerships and their activities."""

from partnerships.models import Partnership, PartnershipActivity
from records.pages.forms import RecordForm


class PartnershipForm(RecordForm):
    class Meta:
        model = Partnership
        fields = ["branch", "occurred_on", "partner_name", "partner_type", "agreement_ref", "ended_on", "notes"]


class PartnershipActivityForm(RecordForm):
    class Meta:
        model = PartnershipActivity
        fields = ["branch", "occurred_on", "partnership", "activity_type", "people_reached", "notes"]
