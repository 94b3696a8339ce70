"""generate_network makes partnerships and activities that obey the kinds' rules."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from partnerships.models import Partnership, PartnershipActivity

pytestmark = pytest.mark.django_db


def test_synthetic_activities_belong_to_synthetic_partnerships_within_their_dates():
    call_command("generate_network", "--outlets", "30", "--records", "4000", "--seed", "3", stdout=io.StringIO())
    assert Partnership.objects.count() == 20 and PartnershipActivity.objects.count() == 80
    for activity in PartnershipActivity.objects.select_related("partnership__branch", "branch"):
        held = activity.partnership
        assert held.branch_id == activity.branch_id
        assert held.occurred_on <= activity.occurred_on and (
            held.ended_on is None or activity.occurred_on <= held.ended_on
        )
    for record in [*Partnership.objects.all()[:5], *PartnershipActivity.objects.all()[:5]]:
        try:
            record.full_clean()
        except ValidationError as exc:  # only the synthetic placeholders may differ, never the rules
            pytest.fail(str(exc))
