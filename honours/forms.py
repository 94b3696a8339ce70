"""Entry form of honours (a commendation linked to a case uses the same form)."""

from honours.models import Honour
from records.pages.forms import RecordForm


class HonourForm(RecordForm):
    class Meta:
        model = Honour
        fields = [
            "branch",
            "occurred_on",
            "kind",
            "level",
            "title",
            "issuer",
            "recipient_staff",
            "valid_until",
            "star_level",
            "notes",
        ]
