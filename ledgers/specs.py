"""The ledger of each record kind, defined once: its columns (in order), what makes two rows
likely duplicates, and the template's example row. Template, import and export all read it."""

import datetime
from decimal import Decimal
from functools import cache

from django.utils import translation
from django.utils.translation import gettext as _

from core.kinds import RecordKind, kind_for_slug, record_kinds
from ledgers.columns import Column, column_for

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
        self.columns: list[Column] = [column_for(self.model._meta.get_field(n)) for n in FIELDS[kind.slug].split()]
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
