"""Entry pages of volunteer activities and teams (the generic record pages, configured)."""

from volunteering import forms

VOLUNTEER_ACTIVITIES = {
    "kind": "volunteer-activities",
    "form_class": forms.VolunteerActivityForm,
    "columns": ("theme", "place", "participants", "hours"),
}
TEAMS = {
    "kind": "teams",
    "form_class": forms.TeamForm,
    "columns": ("kind", "name", "members", "disbanded_on"),
}
