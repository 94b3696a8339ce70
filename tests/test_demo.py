"""load_demo reproduces the article's figures (domain.md), read back through the roll-up store."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import override_settings

from antifraud.models import Intervention
from branches.models import Branch
from core.periods import parse_period
from honours.models import Honour
from metrics.selectors import distinct_over_splits, split_totals, totals
from services.models import CashService

Y2025 = parse_period("2025")
TO_END_2025 = parse_period("2000..2025")


def figure(demo, code, metric, period=Y2025):
    return totals(demo[code], period, [metric])[metric]


@pytest.mark.slow
@pytest.mark.django_db
class TestArticleFigures:
    def test_network_codes(self, demo):
        assert {
            "ICBC",
            "HB",
            "WH",
            "WH-FTZ",
            "WH-QK",
            "WH-QK-01",
            "WH-BBT",
            "WH-XBH",
            "WH-SGH",
            "WH-SGH-01",
            "WH-HY",
            "WH-HY-01",
        } <= set(demo)
        assert demo["WH-QK-01"].parent == demo["WH-QK"] and demo["WH-FTZ"].parent == demo["WH"]

    def test_ftz(self, demo):
        assert figure(demo, "WH-FTZ", "outreach_events") == 467
        assert figure(demo, "WH-FTZ", "home_visits") == 83
        teams = split_totals(demo["WH-FTZ"], Y2025, "teams_active", "kind")
        assert teams == {"kind:party_model_post": 23, "kind:party_commando": 4, "kind:youth_vanguard": 15}

    def test_ftz_financing(self, demo):
        ftz = demo["WH-FTZ"]
        tech_firms = split_totals(ftz, TO_END_2025, "financing_enterprises", "sector")["sector:tech"]
        tech_amount = split_totals(ftz, TO_END_2025, "financing_amount_cny", "sector")["sector:tech"]
        assert tech_firms == 388 and tech_amount >= Decimal("5000000000")
        products = ["product:kc_edanbao", "product:knowledge_credit", "product:specialised"]
        assert distinct_over_splits(ftz, Y2025, "financing_enterprises", products) >= 170
        amounts = split_totals(ftz, Y2025, "financing_amount_cny", "product")
        assert sum(amounts[p] for p in products) >= Decimal("1100000000")
        assert split_totals(ftz, Y2025, "financing_entities", "sector")["sector:pension"] == 73

    def test_qk01(self, demo):
        assert figure(demo, "WH-QK-01", "home_visits") >= 50
        assert split_totals(demo["WH-QK-01"], Y2025, "honours", "kind")["kind:praise_ticket"] >= 30
        assert figure(demo, "WH-QK-01", "antifraud_interventions", parse_period("2025-08")) == 1
        case = Intervention.objects.get(branch=demo["WH-QK-01"], occurred_on__month=8, occurred_on__year=2025)
        assert case.fraud_type == "high_yield" and case.status == "police_attended"
        letter = Honour.objects.get(linked_id=case.pk, kind="commendation_letter")
        assert letter.issuer == "武汉市打击治理电信网络诈骗工作协调机制办公室"

    def test_bbt(self, demo):
        assert figure(demo, "WH-BBT", "home_visits") >= 200
        assert figure(demo, "WH-BBT", "volunteer_person_times") >= 500
        assert figure(demo, "WH-BBT", "honours") == 3
        titles = set(Honour.objects.filter(branch=demo["WH-BBT"]).values_list("title", flat=True))
        assert {"先进基层党组织", "二星级总行级青年文明号"} <= titles and any("助老志愿服务队" in t for t in titles)
        assert demo["WH-BBT"].population_served == 70000

    def test_xbh(self, demo):
        assert split_totals(demo["WH-XBH"], Y2025, "financing_enterprises", "sector")["sector:inclusive"] == 190
        assert split_totals(demo["WH-XBH"], Y2025, "financing_amount_cny", "sector")["sector:inclusive"] == Decimal(
            "400000000.00"
        )

    def test_sgh01_school_coins(self, demo):
        assert figure(demo, "WH-SGH-01", "cash_services", parse_period("2025-12")) >= 1
        school = CashService.objects.get(branch=demo["WH-SGH-01"], occurred_on="2025-12-08")
        assert school.customer_type == "school" and school.pieces_counted >= 1000

    def test_hy01_love_station(self, demo):
        assert demo["WH-HY-01"].love_station_since == 2017 and demo["WH-HY-01"].knowledge_corner_since == 2025
        assert figure(demo, "WH-HY-01", "love_station_visits") > 0

    def test_metrics_command_json(self, demo, capsys):
        call_command("metrics", "--branch", "WH-FTZ", "--period", "2025", "--json")
        out = json.loads(capsys.readouterr().out)
        assert out["home_visits"] == 83 and out["outreach_events"] == 467

    def test_store_verifies_against_records(self, demo, capsys):
        call_command("rebuild_metrics", "--verify")
        assert "0 differed" in capsys.readouterr().out

    def test_load_is_idempotent(self, demo):
        before = figure(demo, "WH", "home_visits")
        with override_settings(PORTAL_DEMO=True):
            call_command("load_demo", stdout=io.StringIO())
        assert figure(demo, "WH", "home_visits") == before
        assert Branch.objects.filter(code="WH").count() == 1
