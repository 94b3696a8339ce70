"""Entry forms of volunteer activities and teams."""

from records.pages.forms import RecordForm
from volunteering.models import Team, VolunteerActivity


class VolunteerActivityForm(RecordForm):
    class Meta:
        model = VolunteerActivity
        fields = [
            "branch",
            "occurred_on",
            "theme",
            "place",
            "participants",
            "beneficiaries",
            "hours",
            "partnership",
            "notes",
        ]


class TeamForm(RecordForm):
    class Meta:
        model = Team
        fields = ["branch", "occurred_on", "kind", "name", "members", "disbanded_on", "notes"]
