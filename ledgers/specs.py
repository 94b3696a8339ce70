"""The ledger of each record kind, as the kind declares it (core.kinds.Ledger, in the kind's app):
its columns (in order), what makes two rows likely duplicates, and the template's example row.
Template, import and export all read it. Every field a user sets is a column
(tests/ledgers/test_template.py fails when a model grows one the ledger forgets)."""

import datetime
from functools import cache

from django.utils import translation
from django.utils.translation import gettext as _

from core.kinds import RecordKind, kind_for_slug, record_kinds
from ledgers.columns import Column, column_for

# Other headers clerks give a column, whatever the kind (a kind adds its own words in its
# Ledger declaration, and a kind's words win). Matching also ignores width, spaces, line breaks
# and anything in brackets, so 客户姓名（脱敏） and 金额（万元） need no entry (ledgers/headers.py).
COMMON_SYNONYMS = {
    "branch": "网点 网点名称 网点代码 机构名称 机构代码 机构号 所属机构 营业网点 支行 单位名称 填报机构",
    "occurred_on": "服务日期 业务日期 发生日期 时间 日期",
    "notes": "备注说明 说明 其他说明 情况说明",
    "staff": "员工 员工姓名 工作人员 经办人员 经办员工 参与员工 服务人员",
    "customer_name_masked": "客户姓名 客户 姓名 客户名称",
    "customer_age_band": "年龄 客户年龄 客户年龄段 年龄区间",
    "place": "活动地点 服务地点 地址 宣传地点",
    "venue_type": "场所类型 场所类别 场所 活动场所",
    "theme": "活动主题 宣传主题 服务主题",
}

# Other words for a choice's options, by field name: {code: "words"}. Labels and codes, in
# either width, with any dash and with spaces, are accepted without an entry.
OPTION_SYNONYMS = {
    "customer_age_band": {
        "under_60": "60以下 60岁以下 不满60岁 60岁及以下 <60",
        "60_69": "60-69 60至69岁 60~69岁",
        "70_79": "70-79 70至79岁 70~79岁",
        "80_plus": "80以上 80岁以上 80岁及以上 80+ 80岁+ ≥80",
    },
    "partner": {"none": "无 没有 - / 否"},
}


def _words(kind: RecordKind, name: str) -> tuple[str, ...]:
    words = kind.ledger.synonyms.get(name) or ""
    return tuple(dict.fromkeys(f"{words} {COMMON_SYNONYMS.get(name) or ''}".split()))


def _options(name: str) -> dict:
    return {code: words.split() for code, words in OPTION_SYNONYMS.get(name, {}).items()}


def example_marker() -> str:
    return _("Example row: delete it before importing.")


class LedgerSpec:
    """The columns and rules of one kind's ledger."""

    def __init__(self, kind: RecordKind):
        self.kind = kind
        self.model = kind.model
        self.columns: list[Column] = [
            column_for(self.model._meta.get_field(n), _words(kind, n), _options(n)) for n in kind.ledger.columns.split()
        ]
        self.duplicate_key = ("branch", "occurred_on", *kind.ledger.duplicate_key)
        self.strict_duplicates = kind.ledger.strict_duplicates

    @property
    def slug(self) -> str:
        return self.kind.slug

    @property
    def m2m(self) -> list[str]:
        return [c.name for c in self.columns if self.model._meta.get_field(c.name).many_to_many]

    def sheet_title(self) -> str:
        with translation.override("zh-hans"):
            return str(self.kind.label_plural)[:31]

    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def example(self, branch_code: str, day: datetime.date, staff_names=()) -> dict:
        values = {"occurred_on": day, "notes": example_marker(), **self.kind.ledger.example}
        values["branch"] = branch_code
        for name in self.m2m:
            if staff_names and name in values:
                values[name] = list(staff_names)[: len(values[name])]
        return values

    def example_cells(self, branch_code: str, day: datetime.date, staff_names=()) -> list:
        values = self.example(branch_code, day, staff_names)
        cells = []
        for column in self.columns:
            value = values.get(column.name)
            if column.name == "branch":
                cells.append(value)
            else:
                cells.append(column.to_cell(value) if value is not None else None)
        return cells


@cache
def spec_for(slug: str) -> LedgerSpec | None:
    kind = kind_for_slug(slug)
    return LedgerSpec(kind) if kind is not None and kind.ledger is not None else None


def all_specs() -> list[LedgerSpec]:
    return [spec_for(k.slug) for k in record_kinds() if k.ledger is not None]
