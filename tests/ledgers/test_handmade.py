"""A corpus of ledgers made by hand, as branches keep them (issue 20): title rows, cover sheets,
header synonyms, totals and signature lines, units, formats and encodings, choice variants,
staff separators and branch names. Each file has its expected outcome, checked by a dry run and
then by a commit (all rows or none)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from branches.models import Branch, Role
from services.models import Financing, HomeVisit, OutreachEvent
from tests.ledgers.conftest import run
from tests.ledgers.handmade import SheetData, csv_file, ods, xls, xlsx

DAY = datetime.date(2025, 8, 14)
HV = [
    "机构",
    "日期",
    "客户类别",
    "客户（脱敏姓名）",
    "年龄段",
    "事由",
    "上门员工（双人）",
    "时长（分钟）",
    "录音录像编号",
    "回访日期",
    "备注",
]
FIN = ["机构", "日期", "领域", "产品", "客户（企业/机构）", "统一社会信用代码", "覆盖户数", "金额（元）", "备注"]
OUT = ["机构", "日期", "场所类型", "地点", "主题", "受众人次", "备注"]
NAMES = ["王**", "李**", "赵**", "钱**", "孙**", "周**", "吴**", "郑**"]
TITLE = "武汉分行2025年8月上门服务台账"


def visit(i=0, **cells) -> list:
    row = {
        "branch": "WH-QK-01",
        "date": DAY,
        "group": "老年客户",
        "name": NAMES[i],
        "age": "80岁及以上",
        "purpose": "养老金",
        "staff": "张三、李四",  # a home visit's team of two (corpus_user makes them)
        "minutes": 30,
        "rec": None,
        "follow": None,
        "notes": None,
    }
    row.update(cells)
    return list(row.values())


def loan(i=0, amount=Decimal("5000000.00"), **cells) -> list:
    row = {
        "branch": "WH-QK-01",
        "date": DAY,
        "sector": "科技金融",
        "product": "科创e担保",
        "party": f"武汉某科技有限公司{i}",
        "code": None,
        "entities": 1,
        "amount": amount,
        "notes": None,
    }
    row.update(cells)
    return list(row.values())


def event(i=0, **cells) -> list:
    row = {"branch": "WH-QK-01", "date": DAY, "venue": "社区", "place": f"百步亭社区{i}", "theme": "反诈", "n": 60}
    row.update(cells)
    return [*row.values(), None]


@dataclass
class Case:
    name: str
    slug: str
    build: Callable[[Path], Path]
    created: int = 0
    notes: list = field(default_factory=list)  # substrings of the dry run's notes (English)
    problems: list = field(default_factory=list)  # (row, column letter, substring of the message)
    file_error: str = ""
    check: Callable | None = None  # asserts on what was written

    def write(self, folder: Path) -> Path:
        return self.build(folder / self.name)


def sheet(rows, merged=(), name="台账"):
    return SheetData(name, rows, list(merged))


def with_book(writer, *sheets):
    return lambda path: writer(list(sheets), path)


def two_visits():
    return [HV, visit(0), visit(1)]


def amounts(*expected):
    def check():
        assert sorted(Financing.objects.values_list("amount", flat=True)) == sorted(Decimal(e) for e in expected)

    return check


def visit_dates(expected_count):
    def check():
        assert set(HomeVisit.objects.values_list("occurred_on", flat=True)) == {DAY}
        assert HomeVisit.objects.count() == expected_count

    return check


def staff_of(*expected):
    def check():
        got = [sorted(v.staff.values_list("name", flat=True)) for v in HomeVisit.objects.order_by("pk")]
        assert got == [sorted(e) for e in expected]

    return check


def age_bands(*expected):
    def check():
        assert list(HomeVisit.objects.order_by("pk").values_list("customer_age_band", flat=True)) == list(expected)

    return check


COVER = SheetData("填报说明", [["填报说明"], ["1. 每行一条记录"], ["2. 日期写成 2025-08-14"]])
NOTES_SHEET = SheetData("备注", [["本表由网点综合员填写"], ["如有疑问请联系分行办公室"]])

CASES = [
    # 1. The header is found, not assumed.
    Case(
        "title-merged.xlsx",
        "home-visits",
        with_book(xlsx, sheet([[TITLE], *two_visits()], ["A1:K1"])),
        created=2,
        notes=["Rows 1 are a title"],
    ),
    Case(
        "title-unit-filler.xlsx",
        "home-visits",
        with_book(
            xlsx,
            sheet([[TITLE], ["填报单位：WH-QK-01 网点", None, None, None, "填报日期：2025-09-01"], [], *two_visits()]),
        ),
        created=2,
        notes=["Rows 1–2 are a title"],
    ),
    Case(
        "no-header.xlsx",
        "home-visits",
        with_book(xlsx, sheet([[TITLE], ["王**", "养老金"]])),
        file_error="No header row found",
    ),
    # 2. The right sheet is read.
    Case(
        "cover-sheet-first.xlsx",
        "home-visits",
        with_book(xlsx, COVER, sheet(two_visits(), name="8月"), NOTES_SHEET),
        created=2,
        notes=["Read the sheet “8月”"],
    ),
    Case(
        "one-sheet-per-month.xlsx",
        "home-visits",
        with_book(xlsx, sheet([HV, visit(0)], name="7月"), sheet([HV, visit(1)], name="8月")),
        created=1,
        notes=["Read the sheet “7月”", "The sheets “8月” have this ledger's columns too and were not read"],
    ),
    # 3. Header names are matched loosely.
    Case(
        "header-synonyms.xlsx",
        "home-visits",
        with_book(
            xlsx,
            sheet(
                [
                    [
                        "网点代码",
                        "上门日期",
                        "客户类型",
                        "客户姓名",
                        "年龄",
                        "上门事由",
                        "上门人员",
                        "时长",
                        "录音录像",
                        "回访时间",
                        "说明",
                    ],
                    visit(0),
                    visit(1),
                ]
            ),
        ),
        created=2,
    ),
    Case(
        "header-width-spaces-breaks.xlsx",
        "home-visits",
        with_book(
            xlsx,
            sheet(
                [
                    [
                        "机 构",
                        " 日期*",
                        "客户类别",
                        "客户(脱敏姓名)",
                        "年龄段",
                        "事由＊",
                        "上门员工\n（双人）",
                        "时长(分钟)",
                        "录音录像编号",
                        "回访日期",
                        "备　注",
                    ],
                    visit(0),
                    visit(1),
                ]
            ),
        ),
        created=2,
    ),
    Case(
        "serial-column.xlsx",
        "home-visits",
        with_book(xlsx, sheet([["序号", *HV], [1, *visit(0)], [2, *visit(1)]])),
        created=2,
        notes=["Column A“序号” numbers the rows"],
    ),
    # 4. Totals and signature rows are skipped.
    Case(
        "totals-and-signatures.xlsx",
        "home-visits",
        with_book(
            xlsx,
            sheet(
                [
                    HV,
                    visit(0),
                    visit(1),
                    ["合计", None, None, None, None, None, None, "=SUM(H2:H3)"],
                    [],
                    ["制表人：张三", None, None, "审核人：李四", None, "填报日期：2025-09-01"],
                ]
            ),
        ),
        created=2,
        notes=["Rows 4 are totals", "Rows 6 are signature lines"],
    ),
    Case(
        "subtotals-between-blank-rows.xlsx",
        "outreach-events",
        with_book(
            xlsx,
            sheet(
                [
                    ["序号", *OUT],
                    [1, *event(0)],
                    [],
                    ["小 计", None, None, None, None, None, 60],
                    [2, *event(1)],
                    ["总计"],
                ]
            ),
        ),
        created=2,
        notes=["Rows 4、6 are totals"],
    ),
    # 5. Choice cells are normalised.
    Case(
        "choice-dashes-widths-codes.xlsx",
        "home-visits",
        with_book(
            xlsx,
            sheet(
                [
                    HV,
                    visit(0, age="60-69岁"),
                    visit(1, age="60—69岁"),
                    visit(2, age=" 70～79岁 "),
                    visit(3, age="８０岁以上"),
                    visit(4, age="under_60", group="elderly"),
                    visit(5, age="60岁以下", purpose=" 养老金 "),
                ]
            ),
        ),
        created=6,
        check=age_bands("60_69", "60_69", "70_79", "80_plus", "under_60", "under_60"),
    ),
    Case(
        "choice-refused-with-closest.xlsx",
        "home-visits",
        with_book(xlsx, sheet([HV, visit(0), visit(1, purpose="养老金发放")])),
        problems=[(3, "F", "Did you mean “pension”?")],
    ),
    # 6. Staff lists.
    Case(
        "staff-separators.xlsx",
        "home-visits",
        with_book(
            xlsx,
            sheet(
                [
                    HV,
                    visit(0, staff="张三,李四"),
                    visit(1, staff="张三；李四"),
                    visit(2, staff="张三/李四"),
                    visit(3, staff="张三 李四"),
                    visit(4, staff="张三\n李四"),
                    visit(5, staff="王  芳、张三"),
                ]
            ),
        ),
        created=6,
        check=staff_of(*[["张三", "李四"]] * 5, ["王芳", "张三"]),
    ),
    # 7. Branches by code in any case, full name or short name.
    Case(
        "branch-names.xlsx",
        "home-visits",
        with_book(
            xlsx,
            sheet([HV, visit(0, branch="wh-qk-01"), visit(1, branch="WH-QK-01 网点"), visit(2, branch="青口一所")]),
        ),
        created=3,
        check=lambda: (
            set(HomeVisit.objects.values_list("branch__code", flat=True)) == {"WH-QK-01"} or pytest.fail("wrong branch")
        ),
    ),
    Case(
        "branch-name-ambiguous.xlsx",
        "home-visits",
        with_book(xlsx, sheet([HV, visit(0, branch="青口")])),
        problems=[(2, "A", "WH-QK-02")],
    ),
    # 8. Units.
    Case(
        "amount-header-wan.xlsx",
        "financing",
        with_book(
            xlsx,
            sheet([[*FIN[:7], "金额（万元）", "备注"], loan(0, 500), loan(1, 0.35), loan(2, "1,234.5678")]),
        ),
        created=3,
        notes=["are in 万元 (ten thousand yuan)"],
        check=amounts("5000000", "3500", "12345678"),
    ),
    Case(
        "amount-unit-line.xlsx",
        "financing",
        with_book(
            xlsx, sheet([["科技金融投放台账"], ["单位：万元"], FIN[:7] + ["金额", "备注"], loan(0, 500), loan(1, 12.5)])
        ),
        created=2,
        notes=["Rows 1–2 are a title", "in 万元"],
        check=amounts("5000000", "125000"),
    ),
    Case(
        "amount-units-in-cells.xlsx",
        "financing",
        with_book(
            xlsx,
            sheet(
                [
                    FIN,
                    loan(0, "500万"),
                    loan(1, "¥5,000,000"),
                    loan(2, "5000000元"),
                    loan(3, "５００万元"),
                    loan(4, "5,000,000.00"),
                    loan(5, "￥ 1,234.50"),
                ]
            ),
        ),
        created=6,
        check=amounts(*["5000000"] * 5, "1234.50"),
    ),
    Case(
        "amount-in-words-refused.xlsx",
        "financing",
        with_book(xlsx, sheet([FIN, loan(0), loan(1, "五百万元")])),
        problems=[(3, "H", "write it in yuan like 5000000")],
    ),
    # Dates as clerks write them.
    Case(
        "dates-every-form.xlsx",
        "home-visits",
        with_book(
            xlsx,
            sheet(
                [
                    HV,
                    visit(0, date="2025.8.14"),
                    visit(1, date="2025年8月14日"),
                    visit(2, date="2025/8/14"),
                    visit(3, date="20250814"),
                    visit(4, date=45883),
                    visit(5, date="2025-08-14 00:00:00"),
                    visit(6, date="２０２５年８月１４日"),
                    visit(7, date=" 2025 年 8 月 14 日 "),
                ]
            ),
        ),
        created=8,
        check=visit_dates(8),
    ),
    # 9. Formats and encodings.
    Case("utf8-bom.csv", "home-visits", lambda p: csv_file(two_visits(), p, bom=True), created=2),
    Case("utf8.csv", "home-visits", lambda p: csv_file(two_visits(), p), created=2),
    Case(
        "gb18030-with-title.csv",
        "home-visits",
        lambda p: csv_file([[TITLE], *two_visits()], p, encoding="gb18030"),
        created=2,
        notes=["Rows 1 are a title"],
    ),
    Case("gbk.csv", "home-visits", lambda p: csv_file(two_visits(), p, encoding="gbk"), created=2),
    Case(
        "unicode-text-tabs.txt",
        "home-visits",
        lambda p: csv_file(two_visits(), p, encoding="utf-16", delimiter="\t"),
        created=2,
    ),
    Case(
        "csv-staff-and-amounts.csv",
        "financing",
        lambda p: csv_file([FIN, loan(0, "5,000,000.00"), loan(1, "500万")], p, encoding="gb18030"),
        created=2,
        check=amounts("5000000", "5000000"),
    ),
    Case("plain.xls", "home-visits", with_book(xls, sheet(two_visits())), created=2),
    Case(
        "cover-title-totals.xls",
        "home-visits",
        with_book(
            xls, COVER, sheet([[TITLE], *two_visits(), ["合计", None, None, None, None, None, None, 60]], ["A1:K1"])
        ),
        created=2,
        notes=["Read the sheet “台账”", "Rows 1 are a title", "Rows 5 are totals"],
    ),
    Case(
        "xls-units-and-dates.xls",
        "financing",
        with_book(xls, sheet([[*FIN[:7], "金额（万元）", "备注"], loan(0, 500), loan(1, 12.5, date="2025.8.14")])),
        created=2,
        check=amounts("5000000", "125000"),
    ),
    Case(
        "table-away-from-a1.xls",
        "home-visits",
        with_book(xls, sheet([[], [], [None, TITLE], [None, *HV], [None, *visit(0)], [None, *visit(1)]])),
        created=2,
        notes=["Rows 3 are a title"],
    ),
    Case(
        "table-away-from-a1.xlsx",
        "home-visits",
        with_book(xlsx, sheet([[], [], [None, TITLE], [None, *HV], [None, *visit(0)], [None, *visit(1)]])),
        created=2,
        notes=["Rows 3 are a title"],
    ),
    Case("plain.ods", "home-visits", with_book(ods, sheet(two_visits())), created=2),
    Case(
        "cover-title.ods",
        "outreach-events",
        with_book(ods, COVER, sheet([["外出金融服务台账"], OUT, event(0), event(1)], ["A1:G1"])),
        created=2,
        notes=["Rows 1 are a title"],
        check=lambda: OutreachEvent.objects.count() == 2 or pytest.fail("not written"),
    ),
    # Still refused: merged cells among the rows, an unknown column.
    Case(
        "merged-data-cells.xlsx",
        "home-visits",
        with_book(xlsx, sheet([[TITLE], HV, visit(0), visit(1, branch=None)], ["A1:K1", "A3:A4"])),
        file_error="A3:A4",
    ),
    Case(
        "unknown-column.xlsx",
        "home-visits",
        with_book(xlsx, sheet([[*HV, "联系电话"], [*visit(0), "略"]])),
        file_error="联系电话",
    ),
    # Several problems of one file: each named by row and column, nothing written.
    Case(
        "mixed-problems-with-title.xlsx",
        "home-visits",
        with_book(
            xlsx,
            sheet(
                [[TITLE], HV, visit(0), visit(1, date="2025.13.40"), visit(2, age="60到69"), visit(3, branch="某网点")]
            ),
        ),
        problems=[(4, "B", ""), (5, "E", ""), (6, "A", "某网点")],
    ),
]


@pytest.fixture
def corpus_user(net):
    for name in ("张三", "李四", "王芳"):
        net.staff("WH-QK-01", name)
    Branch.objects.filter(code="WH-QK-01").update(short_name="青口一所")
    Branch.objects.filter(code__in=["WH-QK", "WH-QK-02"]).update(short_name="青口")  # a name two branches share
    return net.user("clerk_qk", "WH-QK", Role.BRANCH_MANAGER)


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_handmade_ledger(case, corpus_user, tmp_path):
    path = case.write(tmp_path)
    with translation.override("en"):
        dry = run(case.slug, path, corpus_user)
        assert case.file_error in dry.file_error if case.file_error else not dry.file_error, dry.file_error
        for note in case.notes:
            assert any(note in n for n in dry.notes), (note, dry.notes)
        found = [(p["row"], p["column"]) for p in dry.problems]
        for row, column, text in case.problems:
            assert any(p["row"] == row and p["column"] == column and text in p["message"] for p in dry.problems), (
                row,
                column,
                text,
                dry.problems,
            )
        if not case.problems:
            assert found == [], dry.problems
        outcome = run(case.slug, path, corpus_user, commit=True)
    assert outcome.created == case.created
    assert outcome.committed == (case.created > 0)
    if case.check is not None:
        case.check()


THROUGH_BOTH = ["gb18030-with-title.csv", "cover-title-totals.xls", "cover-title.ods", "amount-header-wan.xlsx"]


@pytest.mark.parametrize("name", THROUGH_BOTH)
def test_the_page_and_the_api_accept_the_same_handmade_files(name, corpus_user, tmp_path, client):
    """The upload page and the API import read a hand-made file alike: same notes, same rows."""
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    from ledgers.models import ImportJob

    case = next(c for c in CASES if c.name == name)
    path = case.write(tmp_path)
    client.force_login(corpus_user)
    with open(path, "rb") as fh:
        response = client.post("/ledgers/import/", {"kind": case.slug, "file": fh})
    assert response.status_code == 302
    page_job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert page_job.good_rows == case.created and page_job.notes
    assert all(note in page for note in page_job.notes)  # the dry run shows what it did

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=corpus_user)[1]}")
    with open(path, "rb") as fh:
        answer = api.post(f"/api/v1/ledgers/{case.slug}/import/?dry_run=0", {"file": fh}, format="multipart")
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert data["created"] == case.created and data["notes"] == page_job.notes


def test_the_dry_run_speaks_chinese(corpus_user, tmp_path):
    """What the clerk reads: the notes and refusals of hand-made files in Simplified Chinese."""
    cases = {c.name: c for c in CASES}
    with translation.override("zh-hans"):
        titled = run("financing", cases["amount-unit-line.xlsx"].write(tmp_path), corpus_user)
        assert "第 1–2 行是标题，已跳过。" in titled.notes
        assert any("万元" in note and "×10,000" in note and "已换算为元" in note for note in titled.notes)
        totals = run("home-visits", cases["totals-and-signatures.xlsx"].write(tmp_path), corpus_user)
        assert "第 4 行是合计行（合计/小计/总计），已跳过。" in totals.notes
        assert "第 6 行是签字行（制表人、审核人等），已跳过。" in totals.notes
        covered = run("home-visits", cases["cover-sheet-first.xlsx"].write(tmp_path), corpus_user)
        assert "已读取工作表“8月”。" in covered.notes
        numbered = run("home-visits", cases["serial-column.xlsx"].write(tmp_path), corpus_user)
        assert any("列是行号" in note and "序号" in note for note in numbered.notes)
        lost = run("home-visits", cases["no-header.xlsx"].write(tmp_path), corpus_user)
        assert lost.file_error.startswith("找不到上门服务台账的表头") and "“机构”" in lost.file_error
        near = run("home-visits", cases["choice-refused-with-closest.xlsx"].write(tmp_path), corpus_user)
        assert any("是否为“养老金”？" in p["message"] for p in near.problems)
        words = run("financing", cases["amount-in-words-refused.xlsx"].write(tmp_path), corpus_user)
        assert any("不是金额" in p["message"] and "500万" in p["message"] for p in words.problems)
        shared = run("home-visits", cases["branch-name-ambiguous.xlsx"].write(tmp_path), corpus_user)
        assert any("对应多个机构" in p["message"] for p in shared.problems)
