"""The demo's study sessions at the free-trade-zone branch (README, "Demo figures"), read back
through the roll-up store and the highlights report."""

import pytest
from django.contrib.auth import get_user_model

from core.periods import parse_period
from metrics.selectors import split_totals, totals
from reports.highlights import build_report
from reports.text import to_editable
from study.demo import SESSIONS
from study.models import StudySession

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
Y2025 = parse_period("2025")


def test_ftz_sessions_figures(demo):
    ftz = demo["WH-FTZ"]
    got = totals(ftz, Y2025, ["study_sessions", "study_person_times", "study_people", "study_hours"])
    staff = StudySession.participants.through.objects.filter(studysession__branch=ftz).values("staff").distinct()
    assert got["study_sessions"] == len(SESSIONS) == 7
    assert got["study_person_times"] == sum(s[5] for s in SESSIONS) == 145
    assert str(got["study_hours"]) == "356.00"
    assert got["study_people"] == staff.count() == 3
    types = split_totals(ftz, Y2025, "study_sessions", "session_type")
    assert types == {
        "session_type:red_education": 2,
        "session_type:clean_reading": 2,
        "session_type:warning_education": 1,
        "session_type:party_lecture": 1,
        "session_type:theory": 1,
    }
    # The article's four are there by name.
    titles = set(StudySession.objects.filter(branch=ftz).values_list("place", flat=True))
    assert {"智苑社区", "武汉革命博物馆", "东湖新技术开发区人民法院"} <= titles


def test_ftz_report_has_the_study_paragraph(demo):
    analyst = get_user_model().objects.get(username="analyst_wh")
    report = build_report(analyst, demo["WH"], Y2025)
    section = next(s for s in report.sections if s.key == "WH-FTZ")
    text = to_editable(section.stored, report.book.resolve)
    assert "组织学习教育活动〔7次〕，参与员工〔145人次〕（〔3人〕）" in text
