"""Demo users with known passwords exist only where DEBUG is on or PORTAL_DEMO is set."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings


@pytest.mark.django_db
@override_settings(DEBUG=False, PORTAL_DEMO=False)
def test_demo_users_are_refused_without_debug_or_portal_demo():
    with pytest.raises(CommandError, match="PORTAL_DEMO"):
        call_command("load_demo")
    assert not get_user_model().objects.filter(username="staff_qk").exists()
