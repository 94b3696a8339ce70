"""Row problems: every bad row listed by row, column and message; a commit writes all or none."""

import datetime
from decimal import Decimal

from openpyxl.utils import get_column_letter

from audit.history import history
from audit.models import AuditEntry
from branches.models import Role
from core.periods import parse_period
from ledgers.specs import spec_for
from metrics.selectors import totals
from services.models import HomeVisit, LoveStationTally, OutreachEvent
from services.services import home_visit_create, outreach_event_create
from submissions.services import submission_approve, submission_submit
from tests.conftest import record_data
from tests.ledgers.conftest import DAY, outreach, run, visit


def column_letter(slug: str, name: str) -> str:
    """The letter of a ledger's column, as the problems name it."""
    return get_column_letter([c.name for c in spec_for(slug).columns].index(name) + 1)


def by_row(outcome) -> dict[int, list[tuple[str, str]]]:
    rows: dict[int, list] = {}
    for p in outcome.problems:
        rows.setdefault(p["row"], []).append((p["column"], p["message"]))
    return rows


def test_mixed_file_dry_run_lists_every_bad_row_and_commit_writes_nothing(ledger, net, staff_qk):
    rows = [
        visit(),  # row 2: good
        visit(customer_group="老人"),  # 3: not a choice
        visit(occurred_on="2025-13-40"),  # 4: not a date
        visit(customer_name_masked="王小明"),  # 5: unmasked name (model validator)
        visit(customer_name_masked="李**", duration_minutes="半小时"),  # 6: not a number
        visit(customer_name_masked="赵**", occurred_on=datetime.date(2099, 1, 1)),  # 7: in the future
        visit(customer_name_masked="钱**", purpose=None),  # 8: required
        visit(customer_name_masked="孙**"),  # 9: good
    ]
    outcome = run("home-visits", ledger("home-visits", rows), staff_qk)
    problems = by_row(outcome)
    assert set(problems) == {3, 4, 5, 6, 7, 8}
    assert problems[3][0][0] == "C" and "老人" in problems[3][0][1]
    assert problems[4][0][0] == "B"
    assert problems[5][0][0] == "D"
    assert problems[6][0][0] == "H"
    assert problems[7][0][0] == "B"
    assert problems[8][0][0] == "F"
    assert all(message for row in problems.values() for _c, message in row)
    assert outcome.rows == 8 and outcome.good_rows == 2 and outcome.problem_count == 6

    committed = run("home-visits", ledger("home-visits", rows), staff_qk, commit=True)
    assert not committed.committed and committed.created == 0 and committed.problem_count == 6
    assert HomeVisit.objects.count() == 0


def test_a_clean_file_commits_every_row_with_audit_and_roll_up(ledger, net, staff_qk):
    alice, bob = net.staff("WH-QK-01", "张三"), net.staff("WH-QK-01", "李四")
    rows = [
        visit(
            customer_name_masked=f"王{'*' * (1 + i % 3)}",
            occurred_on=DAY - datetime.timedelta(days=i),
            staff="张三、李四",
        )
        for i in range(30)
    ]
    outcome = run("home-visits", ledger("home-visits", rows), staff_qk, commit=True)
    assert outcome.committed and outcome.created == 30 and outcome.problem_count == 0
    visits = HomeVisit.objects.all()
    assert visits.count() == 30
    first = visits.first()
    assert set(first.staff.all()) == {alice, bob} and first.created_by == staff_qk
    assert first.follow_up_due == first.occurred_on + datetime.timedelta(days=3)
    (entry,) = history(first)
    assert entry.action == AuditEntry.Action.IMPORT and entry.user == staff_qk
    assert totals(net["WH"], parse_period("2025"), ["home_visits"])["home_visits"] == 30


def test_choice_cells_take_the_label_or_the_code(ledger, net, staff_qk):
    rows = [visit(), visit(customer_name_masked="李**", customer_group="disabled", purpose="ID_CHECK")]
    outcome = run("home-visits", ledger("home-visits", rows), staff_qk, commit=True)
    assert outcome.committed
    assert sorted(HomeVisit.objects.values_list("customer_group", "purpose")) == [
        ("disabled", "id_check"),
        ("elderly", "pension"),
    ]


def test_dates_typed_as_text_and_amounts_as_text_are_read(ledger, net, staff_qk):
    rows = [
        {"branch": "wh-qk-01", "occurred_on": "2025/8/14", "sector": "科技金融", "product": "科创e担保",
         "counterparty": "武汉甲公司", "amount": "1,250,000.50"},
        {"branch": "WH-QK-01", "occurred_on": "2025年8月15日", "sector": "tech", "product": "kc_edanbao",
         "counterparty": "武汉乙公司", "amount": 99.5},
        {"branch": "WH-QK-01", "occurred_on": "20250816", "sector": "tech", "product": "other",
         "counterparty": "武汉丙公司", "amount": 12.345},  # three decimals: refused, not rounded
    ]  # fmt: skip
    outcome = run("financing", ledger("financing", rows), staff_qk)
    assert [(p["row"], p["column"]) for p in outcome.problems] == [(4, "H")]
    outcome = run("financing", ledger("financing", rows[:2]), staff_qk, commit=True)
    assert outcome.committed
    from services.models import Financing

    amounts = dict(Financing.objects.values_list("occurred_on", "amount"))
    assert amounts == {datetime.date(2025, 8, 14): Decimal("1250000.50"), datetime.date(2025, 8, 15): Decimal("99.50")}


def test_duplicates_within_the_file_and_against_the_portal(ledger, net, staff_qk):
    saved = home_visit_create(user=staff_qk, **record_data("home-visits", net))  # elderly 王** pension on DAY
    rows = [
        visit(),  # 2: same as the record already in the portal
        visit(customer_name_masked="李**"),  # 3: new
        visit(customer_name_masked="李**", notes="又一次"),  # 4: same key as row 3
    ]
    outcome = run("home-visits", ledger("home-visits", rows), staff_qk)
    problems = by_row(outcome)
    assert set(problems) == {2, 4} and outcome.duplicate_count == 2
    assert "3" in problems[4][0][1]  # names the first row
    # The saved record it resembles is named by date, branch and number, and linked (issue 20).
    (existing,) = [p for p in outcome.problems if p["row"] == 2]
    assert (
        str(DAY) in existing["message"] and "WH-QK-01" in existing["message"] and str(saved.pk) in existing["message"]
    )
    assert existing["link"] == saved.get_absolute_url()
    assert all(p["duplicate"] for p in outcome.problems)
    assert run("home-visits", ledger("home-visits", rows), staff_qk, commit=True).created == 0
    assert HomeVisit.objects.count() == 1

    allowed = run("home-visits", ledger("home-visits", rows), staff_qk, commit=True, allow_duplicates=True)
    assert allowed.committed and allowed.created == 3 and HomeVisit.objects.count() == 4


def test_love_station_duplicates_are_never_let_through(ledger, net, staff_qk):
    station = net.user("station", "WH-HY-01", Role.OUTLET_STAFF)
    row = {"branch": "WH-HY-01", "occurred_on": DAY, "visitor_group": "快递员", "service": "饮水/茶水", "count": 3}
    outcome = run(
        "love-station-tallies", ledger("love-station-tallies", [row, row]), station, commit=True, allow_duplicates=True
    )
    assert not outcome.committed and outcome.duplicate_count == 1
    assert LoveStationTally.objects.count() == 0


def test_a_locked_month_is_refused_by_row(ledger, net, staff_qk, manager_qk, analyst_wh):
    sub = submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=datetime.date(2025, 8, 1))
    submission_approve(sub, user=analyst_wh)
    rows = [outreach(occurred_on=datetime.date(2025, 7, 31)), outreach(occurred_on=DAY)]
    outcome = run("outreach-events", ledger("outreach-events", rows), staff_qk, commit=True)
    ((column, message),) = by_row(outcome)[3]
    assert column == "B" and "2025-08" in message
    assert 2 not in by_row(outcome) and OutreachEvent.objects.count() == 0


def test_id_and_mobile_numbers_in_notes_are_refused(ledger, net, staff_qk):
    rows = [
        outreach(notes="联系人 13912345678"),
        outreach(place="社区", notes="身份证 420102199001011234"),
        outreach(place="学校", notes="编号 2025081400001"),  # a reference number is fine
    ]
    outcome = run("outreach-events", ledger("outreach-events", rows), staff_qk, commit=True)
    problems = by_row(outcome)
    assert set(problems) == {2, 3}
    notes = column_letter("outreach-events", "notes")
    assert problems[2][0][0] == notes and problems[3][0][0] == notes
    assert not any("13912345678" in p["message"] or "420102199001011234" in p["message"] for p in outcome.problems)
    assert OutreachEvent.objects.count() == 0


def test_branch_codes_out_of_scope_or_unknown_are_errors(ledger, net, staff_qk):
    rows = [outreach(), outreach(branch="WH-BBT"), outreach(branch="NOPE-1"), outreach(branch="WH-QK")]
    outcome = run("outreach-events", ledger("outreach-events", rows), staff_qk, commit=True)
    problems = by_row(outcome)
    assert set(problems) == {3, 4, 5}  # WH-QK is the parent: outside an outlet user's scope
    assert all(column == "A" for row in problems.values() for column, _m in row)
    assert OutreachEvent.objects.count() == 0


def test_an_outsiders_rows_are_all_errors(ledger, net):
    outsider = net.user("bbt", "WH-BBT", Role.BRANCH_MANAGER)
    outcome = run(
        "outreach-events", ledger("outreach-events", [outreach(), outreach(place="x")]), outsider, commit=True
    )
    assert set(by_row(outcome)) == {2, 3} and outcome.good_rows == 0 and OutreachEvent.objects.count() == 0


def test_an_analyst_who_cannot_record_gets_errors_not_writes(ledger, net, analyst_wh):
    outcome = run("outreach-events", ledger("outreach-events", [outreach()]), analyst_wh, commit=True)
    assert by_row(outcome)[2][0][0] == "A" and OutreachEvent.objects.count() == 0


def test_staff_names_are_resolved_within_the_branch_and_namesakes_need_a_code(ledger, net, manager_qk):
    net.staff("WH-QK-01", "张三")
    partner = net.staff("WH-QK-01", "李四")  # the second of each team of two
    namesake = net.staff("WH-QK-02", "张三")
    net.staff("WH-BBT", "王五")
    rows = [
        visit(branch="WH-QK-01", staff="张三、李四"),  # 2: one 张三 at WH-QK-01
        visit(branch="WH-QK", customer_name_masked="李**", staff="张三、李四"),  # 3: two under WH-QK
        visit(branch="WH-QK", customer_name_masked="赵**", staff="张三（WH-QK-02）、李四"),  # 4: picked by code
        visit(branch="WH-QK-01", customer_name_masked="钱**", staff="王五、李四"),  # 5: another branch's staff
    ]
    outcome = run("home-visits", ledger("home-visits", rows), manager_qk)
    problems = by_row(outcome)
    assert set(problems) == {3, 5} and problems[3][0][0] == "G" and "WH-QK-02" in problems[3][0][1]
    outcome = run("home-visits", ledger("home-visits", [rows[0], rows[2]]), manager_qk, commit=True)
    assert outcome.committed
    assert set(HomeVisit.objects.get(customer_name_masked="赵**").staff.all()) == {namesake, partner}


def test_a_value_outside_the_columns_is_a_problem(ledger, net, staff_qk):
    path = ledger("outreach-events", [outreach()], edit=lambda ws: ws.cell(row=2, column=12, value="漏掉的数据"))
    outcome = run("outreach-events", path, staff_qk)
    assert [(p["row"], p["column"]) for p in outcome.problems] == [(2, "L")]


def test_the_example_row_of_the_template_is_not_imported(client, net, staff_qk, tmp_path):
    client.force_login(staff_qk)
    response = client.get("/ledgers/outreach-events/template.xlsx")
    path = tmp_path / "template.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    outcome = run("outreach-events", path, staff_qk, commit=True)
    notes = column_letter("outreach-events", "notes")
    assert outcome.created == 0 and outcome.problems[0]["row"] == 2 and outcome.problems[0]["column"] == notes


def test_blank_rows_are_skipped_and_defaults_apply(ledger, net, staff_qk):
    rows = [outreach(attendees=None), {}, {"notes": "   "}, outreach(place="学校")]
    outcome = run("outreach-events", ledger("outreach-events", rows), staff_qk, commit=True)
    assert outcome.committed and outcome.rows == 2
    assert sorted(OutreachEvent.objects.values_list("attendees", flat=True)) == [0, 40]


def test_a_commit_rechecks_what_changed_since_the_dry_run(ledger, net, staff_qk):
    path = ledger("outreach-events", [outreach()])
    assert run("outreach-events", path, staff_qk).problem_count == 0
    outreach_event_create(
        user=staff_qk, **record_data("outreach-events", net) | {"venue_type": "community", "theme": "anti_fraud"}
    )
    outcome = run("outreach-events", path, staff_qk, commit=True)
    assert not outcome.committed and outcome.duplicate_count == 1 and OutreachEvent.objects.count() == 1


def test_numbers_are_read_as_excel_shows_them(ledger, net, staff_qk):
    rows = [
        {"branch": "WH-QK-01", "occurred_on": DAY, "service": "硬币清点", "customer_type": "学校",
         "customer_description": 12345.0, "pieces_counted": 3860.0000000000005, "amount": 121.00000000000001,
         "staff_hours": 2.5},
    ]  # fmt: skip
    outcome = run("cash-services", ledger("cash-services", rows), staff_qk, commit=True)
    assert outcome.committed, outcome.problems
    from services.models import CashService

    cash = CashService.objects.get()
    assert (cash.customer_description, cash.pieces_counted, cash.amount) == ("12345", 3860, Decimal("121.00"))


def test_queries_do_not_grow_with_rows(ledger, net, staff_qk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n, commit):
        rows = [visit(customer_name_masked="王**", occurred_on=DAY - datetime.timedelta(days=i)) for i in range(n)]
        path = ledger("home-visits", rows)
        with CaptureQueriesContext(connection) as ctx:
            outcome = run("home-visits", path, staff_qk, commit=commit)
        assert outcome.problem_count == 0
        HomeVisit.objects.all().delete()
        return len(ctx.captured_queries)

    queries(1, True)  # warm caches: the user's roles, the content type of the audit entries
    assert queries(3, False) == queries(60, False)
    assert queries(3, True) == queries(60, True)


def test_one_dry_run_lists_every_problem_of_a_row_with_an_unreadable_cell(ledger, net, staff_qk):
    """Issue 20, item 10: a cell that cannot be read no longer hides the row's other problems
    (the model's rules, the privacy rule, likely duplicates) until the next upload."""
    rows = [
        visit(),  # 2: good
        # 3: an unreadable number, an unmasked name (model rule), a mobile number in the notes
        visit(duration_minutes="半小时", customer_name_masked="王小明", notes="联系 13912345678"),
        # 4: an unknown option, and otherwise the same record as row 2
        visit(customer_age_band="九十岁"),
    ]
    outcome = run("home-visits", ledger("home-visits", rows), staff_qk)
    problems = by_row(outcome)
    assert set(problems) == {3, 4}
    assert {column for column, _m in problems[3]} == {"H", "D", "K"}
    assert not any("13912345678" in message for _c, message in problems[3])
    assert {column for column, _m in problems[4]} == {"E", ""}
    assert any("row 2" in message or "2" in message for column, message in problems[4] if column == "")
    assert sum(p["duplicate"] for p in outcome.problems) == 1
    assert run("home-visits", ledger("home-visits", rows), staff_qk, commit=True).created == 0
    assert HomeVisit.objects.count() == 0
