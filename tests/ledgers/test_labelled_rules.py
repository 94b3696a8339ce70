"""The rules the labels state, as the ledger import enforces them: a home visit's team of two
(上门员工（双人）) and a financing's entities covered (more than one only for 企业年金受托),
reported per row in the user's language, XLSX and CSV alike, with nothing written."""

import csv

import pytest
from django.utils import translation

from ledgers.specs import spec_for
from services.models import Financing, HomeVisit
from tests.ledgers.conftest import DAY, headers, run, visit

pytestmark = pytest.mark.django_db

TEAM_ZH = "上门员工（双人）：上门服务须由两名员工同行，请至少选择 2 名（当前 {n} 名）。"


def letter(slug, name) -> str:
    return "ABCDEFGHIJKLMNOP"[[c.name for c in spec_for(slug).columns].index(name)]


@pytest.fixture
def team(net):
    return [net.staff("WH-QK-01", name) for name in ("张伟", "王芳", "刘洋")]


def test_an_xlsx_import_reports_the_row_and_writes_nothing(ledger, net, staff_qk, team):
    column = letter("home-visits", "staff")
    rows = [
        visit(staff="张伟、王芳"),
        visit(customer_name_masked="李**", staff="张伟"),
        visit(customer_name_masked="赵**", staff=None),
    ]
    with translation.override("zh-hans"):
        outcome = run("home-visits", ledger("home-visits", rows), staff_qk)
        problems = [(p["row"], p["column"], p["message"]) for p in outcome.problems]
    assert [(row, col) for row, col, _message in problems] == [(3, column), (4, column)]
    assert TEAM_ZH.format(n=1) in problems[0][2] and TEAM_ZH.format(n=0) in problems[1][2]
    committed = run("home-visits", ledger("home-visits", rows), staff_qk, commit=True)
    assert not committed.committed and not HomeVisit.objects.exists()
    fixed = [rows[0], visit(customer_name_masked="李**", staff="张伟、刘洋")]
    assert run("home-visits", ledger("home-visits", fixed), staff_qk, commit=True).created == 2


def test_a_csv_import_reports_the_row_too(tmp_path, net, staff_qk, team):
    spec = spec_for("home-visits")
    path = tmp_path / "visits.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers("home-visits"))
        for row in (visit(staff="张伟、王芳"), visit(customer_name_masked="李**", staff="刘洋")):
            writer.writerow(["" if row.get(c.name) is None else str(row.get(c.name)) for c in spec.columns])
    outcome = run("home-visits", path, staff_qk, commit=True)
    assert [p["row"] for p in outcome.problems] == [3] and not outcome.committed
    assert not HomeVisit.objects.exists()


def loan(**extra) -> dict:
    return {
        "branch": "WH-QK-01",
        "occurred_on": DAY,
        "sector": "科技金融",
        "product": "科创e担保",
        "counterparty": "武汉某科技有限公司",
        "entities_covered": 1,
        "amount": 5000000,
        **extra,
    }


def test_an_import_refuses_many_entities_for_a_loan_at_the_row(ledger, net, staff_qk):
    rows = [
        loan(),
        loan(counterparty="武汉另一科技有限公司", entities_covered=3),
        loan(sector="养老金融", product="企业年金受托", counterparty="某企业年金计划", entities_covered=73, amount=0),
    ]
    with translation.override("zh-hans"):
        outcome = run("financing", ledger("financing", rows), staff_qk, commit=True)
    assert [(p["row"], p["column"]) for p in outcome.problems] == [(3, letter("financing", "entities_covered"))]
    assert "只有企业年金受托可覆盖多家单位" in outcome.problems[0]["message"]
    assert not outcome.committed and not Financing.objects.exists()
    fixed = run("financing", ledger("financing", [rows[0], rows[2]]), staff_qk, commit=True)
    assert fixed.committed and sorted(Financing.objects.values_list("entities_covered", flat=True)) == [1, 73]


def test_the_template_marks_the_team_column_required_and_says_how_many():
    with translation.override("zh-hans"):
        visits = {c.name: c for c in spec_for("home-visits").columns}
        cases = {c.name: c for c in spec_for("interventions").columns}
        assert visits["staff"].required and "至少 2 人" in visits["staff"].hint()
        assert not cases["staff"].required and "至少" not in cases["staff"].hint()  # a case names staff if it wants
