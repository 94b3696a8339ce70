"""The demo's partnerships (百步亭支行 and 百步亭社区) read back through the roll-up store, and the
共建 paragraph of the highlights report written from those figures."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from core.periods import parse_period
from metrics.selectors import split_totals, totals
from partnerships.models import Partnership, PartnershipActivity
from reports.highlights import build_report
from reports.text import to_editable

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
Y2025 = parse_period("2025")


def test_baibuting_partners_with_its_community(demo):
    bbt = demo["WH-BBT"]
    community = Partnership.objects.get(branch=bbt, partner_name="百步亭社区")
    assert community.partner_type == "community" and community.ended_on is None
    in_force = split_totals(bbt, Y2025, "partnerships_active", "partner_type")
    assert {k: v for k, v in in_force.items() if v} == {"partner_type:community": 1}
    # The school partnership ended in 2024: it counted at the end of 2023, not of 2024.
    assert totals(bbt, parse_period("2023"))["partnerships_active"] == 2
    assert totals(bbt, parse_period("2024"))["partnerships_active"] == 1


def test_baibuting_2025_activities_equal_the_records(demo):
    bbt = demo["WH-BBT"]
    records = PartnershipActivity.objects.filter(branch=bbt, occurred_on__year=2025)
    kinds = Counter(records.values_list("activity_type", flat=True))
    assert set(kinds) == {"party_building", "care_visit", "joint_volunteering", "scene_building"}
    launch = records.get(activity_type="scene_building")
    assert "幸福家小程序" in launch.notes and launch.partnership.partner_name == "百步亭社区"
    figures = totals(bbt, Y2025)
    assert figures["partnership_activities"] == records.count() == 4
    assert figures["partnership_people_reached"] == sum(r.people_reached for r in records)
    by_type = split_totals(bbt, Y2025, "partnership_activities", "activity_type")
    assert {k: v for k, v in by_type.items() if v} == {f"activity_type:{k}": n for k, n in kinds.items()}


def test_the_report_tells_the_partnership_from_the_figures(demo):
    analyst = get_user_model().objects.get(username="analyst_wh")
    report = build_report(analyst, demo["WH"], Y2025)
    section = next(s for s in report.sections if s.key == "WH-BBT")
    text = to_editable(section.stored, report.book.resolve)
    links = report.book.links
    bbt = demo["WH-BBT"]
    activities = PartnershipActivity.objects.filter(branch=bbt, occurred_on__year=2025)
    people = sum(a.people_reached for a in activities)

    assert links["WH-BBT|partnerships_active||period"].value == 1
    assert "与〔1家〕单位保持共建关系（社区〔1家〕）" in text
    assert links["WH-BBT|partnership_activities||period"].value == activities.count()
    assert f"开展共建活动〔{activities.count()}次〕" in text
    for words in ("党建共联活动〔1次〕", "慰问困难群体〔1次〕", "联合志愿服务〔1次〕", "场景共建〔1次〕"):
        assert words in text
    reached = links["WH-BBT|partnership_people_reached||period"]
    assert reached.value == people and f"惠及群众〔{reached.display}〕" in text
    # After the people paragraph (volunteering) and before the honours.
    assert text.index("开展志愿活动") < text.index("保持共建关系") < text.index("荣誉称号")
    # Branches without partnerships say nothing of them.
    ftz = next(s for s in report.sections if s.key == "WH-FTZ")
    assert "共建" not in to_editable(ftz.stored, report.book.resolve)


def test_the_dashboard_draws_the_partnerships_by_type(demo, client):
    client.force_login(get_user_model().objects.get(username="analyst_wh"))
    charts = client.get("/dashboard/WH-BBT/?period=2025").context["charts"]
    splits = {s["metric"]: s for s in charts["splits"] if s["metric"].startswith("partnership")}
    activities = PartnershipActivity.objects.filter(branch=demo["WH-BBT"], occurred_on__year=2025)
    drawn = splits["partnership_activities"]
    assert sum(item["value"] for item in drawn["items"]) == activities.count()
    assert [item["value"] for item in drawn["items"] if item["name"].startswith("场景共建")] == [1]
    assert splits["partnerships_active"]["items"] == [{"name": "社区", "value": 1}]
