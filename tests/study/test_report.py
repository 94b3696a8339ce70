"""The highlights report's 思想教育 paragraph: written from the figures of the branch's own
sessions, each figure equal to the store's, placed after the profile and before services."""

import datetime
from decimal import Decimal

import pytest

from core.periods import parse_period
from reports.highlights import build_report
from reports.text import to_editable
from services.services import outreach_event_create
from study.services import study_session_create
from tests.conftest import record_data

pytestmark = pytest.mark.django_db
Y2025 = parse_period("2025")


def text_of(report, code) -> str:
    section = next(s for s in report.sections if s.key == code)
    return to_editable(section.stored, report.book.resolve)


def test_the_paragraph_tells_sessions_person_times_people_hours_and_types(net, manager_qk, analyst_wh):
    staff = [net.staff("WH-QK-01", n) for n in ("甲", "乙", "丙")]
    plan = [
        ("red_education", "参观革命博物馆", staff, 20, "60.0"),
        ("clean_reading", "清廉读书会", staff[:2], 12, "24.0"),
        ("red_education", "参观纪念馆", staff[1:], 9, "18.5"),
    ]
    for i, (kind, title, named, person_times, hours) in enumerate(plan):
        study_session_create(
            user=manager_qk,
            participants=named,
            branch=net["WH-QK-01"],
            occurred_on=datetime.date(2025, 3 + i, 10),
            session_type=kind,
            title=title,
            person_times=person_times,
            hours=Decimal(hours),
        )
    outreach_event_create(user=manager_qk, **record_data("outreach-events", net))
    report = build_report(analyst_wh, net["WH-QK"], Y2025)  # WH-QK-01 is a direct child
    text = text_of(report, "WH-QK-01")
    sessions = len(plan)
    person_times = sum(p[3] for p in plan)
    hours = sum(Decimal(p[4]) for p in plan)
    assert f"组织学习教育活动〔{sessions}次〕，参与员工〔{person_times}人次〕（〔3人〕）" in text
    assert f"累计学习〔{report.book.links['WH-QK-01|study_hours||period'].display}" in text
    assert report.book.links["WH-QK-01|study_hours||period"].value == hours
    assert "其中红色教育（参观场馆）〔2次〕、清廉读书会〔1次〕" in text
    # The paragraph comes before the services paragraph (order 5 < 10).
    assert text.index("学习教育") < text.index("外出金融服务")
    for metric in ("study_sessions", "study_person_times", "study_people"):
        assert (
            report.book.links[f"WH-QK-01|{metric}||period"].value
            == {
                "study_sessions": sessions,
                "study_person_times": person_times,
                "study_people": 3,
            }[metric]
        )


def test_no_paragraph_without_sessions(net, manager_qk, analyst_wh):
    outreach_event_create(user=manager_qk, **record_data("outreach-events", net))
    report = build_report(analyst_wh, net["WH-QK"], Y2025)  # WH-QK-01 is a direct child
    assert "学习教育" not in text_of(report, "WH-QK-01")
