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


def example_marker() -> str:
    return _("Example row: delete it before importing.")


class LedgerSpec:
    """The columns and rules of one kind's ledger."""

    def __init__(self, kind: RecordKind):
        self.kind = kind
        self.model = kind.model
        self.columns: list[Column] = [column_for(self.model._meta.get_field(n)) for n in kind.ledger.columns.split()]
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
