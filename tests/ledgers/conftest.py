import datetime
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook

from ledgers.importing import import_ledger
from ledgers.specs import spec_for
from services.kinds import SAMPLE_TEAM, sample_team

FILES = Path(__file__).parent / "files"


@pytest.fixture(autouse=True)
def _ledger_settings(settings, tmp_path):
    settings.LEDGER_IMPORT_INLINE = True
    settings.LEDGER_UPLOAD_DIR = tmp_path / "ledger-uploads"


def headers(slug: str) -> list[str]:
    with translation.override("zh-hans"):
        return spec_for(slug).headers()


class Ledger:
    """Builds XLSX ledgers for tests: rows by field name, written as a user would type them."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.count = 0

    def path(self, name="ledger.xlsx") -> Path:
        self.count += 1
        return self.tmp_path / f"{self.count}-{name}"

    def __call__(self, slug: str, rows: list[dict], *, header=None, edit=None) -> Path:
        spec = spec_for(slug)
        wb = Workbook()
        ws = wb.active
        ws.title = spec.sheet_title()
        ws.append(header if header is not None else headers(slug))
        for row in rows:
            ws.append([row.get(c.name) for c in spec.columns])
        if edit:
            edit(ws)
        path = self.path()
        wb.save(path)
        return path


# The team of two every visit() row names (a home visit needs two staff): the sample team, made
# at WH-QK-01 for each ledger test that builds the network.
TEAM = "、".join(SAMPLE_TEAM)


@pytest.fixture(autouse=True)
def _home_visit_team(request):
    if "net" in request.fixturenames:
        net = request.getfixturevalue("net")
        sample_team(net["WH-QK-01"], net.root_user)


@pytest.fixture
def ledger(tmp_path):
    return Ledger(tmp_path)


def run(slug, path, user, *, commit=False, allow_duplicates=False):
    return import_ledger(spec_for(slug), path, user, commit=commit, allow_duplicates=allow_duplicates)


DAY = datetime.date(2025, 8, 14)


def visit(**extra) -> dict:
    """A valid home-visit row as typed in Excel (labels in Chinese)."""
    return {
        "branch": "WH-QK-01",
        "occurred_on": DAY,
        "customer_group": "老年客户",
        "customer_name_masked": "王**",
        "purpose": "养老金",
        "staff": TEAM,
        **extra,
    }


def outreach(**extra) -> dict:
    return {
        "branch": "WH-QK-01",
        "occurred_on": DAY,
        "venue_type": "社区",
        "theme": "反诈",
        "attendees": 40,
        **extra,
    }
