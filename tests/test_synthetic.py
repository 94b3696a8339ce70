"""The scale generator builds a five-level network and records the store agrees with."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from branches.models import Branch
from core.periods import parse_period
from metrics.rebuild import compute_from_records
from metrics.rollup import current_store
from metrics.selectors import totals
from services.models import HomeVisit, LoveStationTally

pytestmark = pytest.mark.django_db


def test_generate_network_small():
    out = io.StringIO()
    call_command("generate_network", "--outlets", "40", "--records", "3000", "--seed", "1", stdout=out)
    root = Branch.objects.get(code="SYN")
    assert Branch.objects.filter(level="outlet").count() == 40
    assert set(Branch.objects.values_list("depth", flat=True)) == {0, 1, 2, 3, 4}
    assert 2900 <= sum(int(line.split()[-1]) for line in out.getvalue().splitlines() if line.startswith("  ")) <= 3000
    # Love stations only where an outlet has one, and the store equals the records.
    assert not LoveStationTally.objects.filter(branch__love_station_since__isnull=True).exists()
    assert current_store() == compute_from_records()
    everything = parse_period("2021..2025")
    assert totals(root, everything)["home_visits"] == HomeVisit.objects.count() > 0
    # Every visit has its team of two, both of the visit's outlet (a home visit needs two staff).
    teams = HomeVisit.staff.through.objects.values_list("homevisit_id", "homevisit__branch_id", "staff__branch_id")
    members: dict[int, int] = {}
    for visit, visit_branch, staff_branch in teams:
        assert visit_branch == staff_branch
        members[visit] = members.get(visit, 0) + 1
    assert len(members) == HomeVisit.objects.count() and set(members.values()) == {2}


def test_generate_network_refuses_a_second_network():
    call_command("generate_network", "--outlets", "10", "--records", "100", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already"):
        call_command("generate_network", "--outlets", "10", "--records", "100", stdout=io.StringIO())
