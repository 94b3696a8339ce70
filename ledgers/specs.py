"""The ledger of each record kind, defined once: its columns (in order), what makes two rows
likely duplicates, and the template's example row. Template, import and export all read it."""

import datetime
from decimal import Decimal
from functools import cache

from django.utils import translation
from django.utils.translation import gettext as _

from ledgers.columns import Column, column_for
from portal.kinds import RecordKind, kind_for_slug, record_kinds

# Fields of each kind, in the ledger's column order. Every field a user sets is here
# (tests/ledgers/test_template.py fails when a model grows one the ledger forgets).
FIELDS = {
    "home-visits": (
        "branch occurred_on customer_group customer_name_masked customer_age_band purpose staff "
        "duration_minutes recording_ref follow_up_done_on notes"
    ),
    "outreach-events": "branch occurred_on venue_type place theme attendees notes",
    "financing": "branch occurred_on sector product counterparty credit_code entities_covered amount notes",
    "love-station-tallies": "branch occurred_on visitor_group service count notes",
    "cash-services": (
        "branch occurred_on service customer_type customer_description pieces_counted amount staff_hours notes"
    ),
    "interventions": (
        "branch occurred_on occurred_time channel fraud_type customer_name_masked customer_age_band "
        "amount_at_risk status police_unit amount_protected staff notes"
    ),
    "awareness-sessions": "branch occurred_on venue_type place audience partner notes",
    "volunteer-activities": "branch occurred_on theme place participants beneficiaries hours notes",
    "teams": "branch occurred_on kind name members disbanded_on notes",
    # The record that earned an honour (linked_type/linked_id) is not kept in the ledger.
    "honours": "branch occurred_on kind level title issuer recipient_staff valid_until star_level notes",
}

# Other headers clerks give a column, beside the column list above: "*" for every kind, then
# the kind's own (a kind's words win). Matching also ignores width, spaces, line breaks and
# anything in brackets, so 客户姓名（脱敏） and 金额（万元） need no entry (ledgers/headers.py).
SYNONYMS = {
    "*": {
        "branch": "网点 网点名称 网点代码 机构名称 机构代码 机构号 所属机构 营业网点 支行 单位名称 填报机构",
        "occurred_on": "服务日期 业务日期 发生日期 时间 日期",
        "notes": "备注说明 说明 其他说明 情况说明",
        "staff": "员工 员工姓名 工作人员 经办人员 经办员工 参与员工 服务人员",
        "customer_name_masked": "客户姓名 客户 姓名 客户名称",
        "customer_age_band": "年龄 客户年龄 客户年龄段 年龄区间",
        "place": "活动地点 服务地点 地址 宣传地点",
        "venue_type": "场所类型 场所类别 场所 活动场所",
        "theme": "活动主题 宣传主题 服务主题",
    },
    "home-visits": {
        "occurred_on": "上门日期 走访日期 上门时间",
        "customer_group": "客户类型 客户群体 客户分类",
        "purpose": "上门事由 服务事由 办理业务 业务类型 服务内容",
        "staff": "上门员工 上门人员 上门服务人员",
        "duration_minutes": "时长 服务时长 上门时长 用时",
        "recording_ref": "录音录像 双录编号 录像编号",
        "follow_up_done_on": "回访时间",
    },
    "outreach-events": {"occurred_on": "活动日期 活动时间", "attendees": "受众人数 参与人数 服务人次 人次 人数"},
    "financing": {
        "occurred_on": "放款日期 发放日期 投放日期",
        "sector": "所属领域 业务领域",
        "product": "产品名称 业务品种",
        "counterparty": "客户名称 企业名称 借款人 客户 服务对象",
        "credit_code": "信用代码 统一信用代码 社会信用代码",
        "entities_covered": "户数 服务户数 覆盖客户数",
        "amount": "金额 贷款金额 发放金额 投放金额 授信金额",
    },
    "love-station-tallies": {
        "visitor_group": "对象 服务群体 来访人群",
        "service": "服务内容 服务",
        "count": "服务人次 人数 次数",
    },
    "cash-services": {
        "service": "服务内容 业务类型",
        "customer_type": "客户类别",
        "customer_description": "客户名称 单位名称 客户",
        "pieces_counted": "枚数 清点数量 硬币枚数",
        "amount": "金额 清点金额 兑换金额",
        "staff_hours": "工时 员工工时（小时） 耗时",
    },
    "interventions": {
        "occurred_on": "拦截日期",
        "occurred_time": "拦截时间 发生时间 时刻",
        "channel": "拦截渠道 业务渠道 交易渠道",
        "fraud_type": "诈骗类别 涉诈类型 类型",
        "amount_at_risk": "涉险金额 涉案金额 涉诈金额",
        "status": "处置状态 处置结果",
        "police_unit": "派出所 出警单位",
        "amount_protected": "拦截金额 止付金额 挽回金额",
        "staff": "处置员工 拦截员工",
    },
    "awareness-sessions": {
        "occurred_on": "宣传日期 活动日期",
        "audience": "受众人数 参与人数 人次 人数",
        "partner": "合作单位 联合单位",
    },
    "volunteer-activities": {
        "occurred_on": "活动日期 活动时间",
        "participants": "参与人次 参与员工数 志愿者人数 参与人数",
        "beneficiaries": "受益人次 服务人数 服务对象人数",
        "hours": "服务时长 志愿时长 时长 志愿服务时长",
    },
    "teams": {"occurred_on": "成立时间", "name": "队伍名称", "members": "成员人数 人数", "disbanded_on": "撤销时间"},
    "honours": {
        "occurred_on": "获得时间 获奖日期 授予日期 日期",
        "kind": "荣誉类别 类型",
        "level": "荣誉级别 等级",
        "title": "荣誉名称 称号 内容",
        "issuer": "授予方 颁发单位 颁发方",
        "recipient_staff": "获得者 获奖员工 获得员工",
        "valid_until": "有效期",
    },
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


def _words(slug: str, name: str) -> tuple[str, ...]:
    words = SYNONYMS.get(slug, {}).get(name) or ""
    common = SYNONYMS["*"].get(name) or ""
    return tuple(dict.fromkeys(f"{words} {common}".split()))


def _options(name: str) -> dict:
    return {code: words.split() for code, words in OPTION_SYNONYMS.get(name, {}).items()}


# Two rows are likely the same record when these fields agree (branch and date always count).
DUPLICATE_KEYS = {
    "home-visits": ("customer_group", "customer_name_masked", "purpose"),
    "outreach-events": ("venue_type", "theme", "place"),
    "financing": ("product", "counterparty", "amount"),
    "love-station-tallies": ("visitor_group", "service"),
    "cash-services": ("service", "customer_type", "customer_description", "pieces_counted", "amount"),
    "interventions": ("occurred_time", "channel", "fraud_type", "customer_name_masked", "amount_at_risk"),
    "awareness-sessions": ("venue_type", "place", "audience"),
    "volunteer-activities": ("theme", "place", "participants"),
    "teams": ("kind", "name"),
    "honours": ("kind", "title", "recipient_staff"),
}

# Kinds whose duplicates the database itself refuses (a unique constraint): never let through.
STRICT_DUPLICATES = {"love-station-tallies"}

EXAMPLES = {
    "home-visits": dict(
        customer_group="elderly",
        customer_name_masked="王**",
        customer_age_band="80_plus",
        purpose="pension",
        staff=["张三", "李四"],
        duration_minutes=40,
    ),
    "outreach-events": dict(venue_type="community", place="百步亭社区", theme="anti_fraud", attendees=60),
    "financing": dict(
        sector="tech",
        product="kc_edanbao",
        counterparty="武汉某科技有限公司",
        entities_covered=1,
        amount=Decimal("5000000.00"),
    ),
    "love-station-tallies": dict(visitor_group="sanitation", service="water", count=12),
    "cash-services": dict(
        service="coin_counting",
        customer_type="school",
        customer_description="某小学",
        pieces_counted=3860,
        amount=Decimal("1930.00"),
        staff_hours=Decimal("2.5"),
    ),
    "interventions": dict(
        occurred_time=datetime.time(10, 30),
        channel="counter_cash",
        fraud_type="high_yield",
        customer_name_masked="李**",
        customer_age_band="70_79",
        amount_at_risk=Decimal("200000.00"),
        status="suspected",
        staff=["张三"],
    ),
    "awareness-sessions": dict(venue_type="school", place="某中学", audience=300, partner="police"),
    "volunteer-activities": dict(
        theme="elderly", place="百步亭社区", participants=8, beneficiaries=40, hours=Decimal("16.0")
    ),
    "teams": dict(kind="youth_vanguard", name="青年先锋队", members=6),
    "honours": dict(kind="pennant", level="customer", title="服务热情周到", issuer="王**"),
}


def example_marker() -> str:
    return _("Example row: delete it before importing.")


class LedgerSpec:
    """The columns and rules of one kind's ledger."""

    def __init__(self, kind: RecordKind):
        self.kind = kind
        self.model = kind.model
        self.columns: list[Column] = [
            column_for(self.model._meta.get_field(n), _words(kind.slug, n), _options(n))
            for n in FIELDS[kind.slug].split()
        ]
        self.duplicate_key = ("branch", "occurred_on", *DUPLICATE_KEYS[kind.slug])
        self.strict_duplicates = kind.slug in STRICT_DUPLICATES

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
        values = {"occurred_on": day, "notes": example_marker(), **EXAMPLES[self.slug]}
        values["branch"] = branch_code
        if staff_names and "staff" in values:
            values["staff"] = list(staff_names)[: len(values["staff"])]
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
    return LedgerSpec(kind) if kind is not None else None


def all_specs() -> list[LedgerSpec]:
    return [spec_for(k.slug) for k in record_kinds()]
