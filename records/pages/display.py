"""How records and their change history read on the entry pages: labels, choice labels, names."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from audit.history import SKIPPED, history
from core.numbers import format_count, format_money, to_decimal

EMPTY = "—"
# Bookkeeping and internal link fields; the page shows them elsewhere or not at all.
HIDDEN = {"id", "version", "created_by", "created_at", "updated_at", "counterparty_key", "linked_type", "linked_id"}
MONEY_FIELDS = {"amount", "amount_at_risk", "amount_protected"}
EXTRA_LABELS = {"photo": _("photo")}


def user_name(user) -> str:
    if user is None:
        return EMPTY
    return user.get_full_name() or user.username


def money(value) -> str:
    """An amount as every page writes it (core/numbers.py): 1,472.50元, 15万元, 0."""
    if to_decimal(value) is None:
        return str(value)
    return format_money(value)


def field_label(model, name: str) -> str:
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except Exception:
        return capfirst(EXTRA_LABELS.get(name, name))


def _plain(field, value, names: dict) -> str:
    """One stored value (from the record or from an audit entry) as the user reads it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if field is None:
        return str(value)
    if field.many_to_many:
        return "、".join(names.get((field.related_model, pk), f"#{pk}") for pk in value)
    if field.is_relation:
        pk = value.pk if isinstance(value, models.Model) else value
        return names.get((field.related_model, pk), str(value) if isinstance(value, models.Model) else f"#{pk}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return yesno(value)
    if field.name in MONEY_FIELDS:
        return money(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return format_count(value, 2 if isinstance(value, Decimal) else 0)
    return str(value)


def _get_field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def record_value(obj, name: str) -> str:
    """A field of a loaded record; relations must be select_related/prefetched by the caller."""
    field = _get_field(type(obj), name)
    if field is None:
        return str(getattr(obj, name, EMPTY))
    if field.many_to_many:
        items = list(getattr(obj, name).all())
        return "、".join(str(i) for i in items) if items else EMPTY
    value = getattr(obj, name)
    if field.is_relation:
        return str(value) if value is not None else EMPTY
    return _plain(field, value, {})


@dataclass(frozen=True)
class FieldRow:
    name: str
    label: str
    value: str


def detail_rows(obj) -> list[FieldRow]:
    model = type(obj)
    names = [f.name for f in model._meta.concrete_fields if f.name not in HIDDEN | {"notes"}]
    names += [f.name for f in model._meta.many_to_many] + ["notes"]
    return [FieldRow(n, field_label(model, n), record_value(obj, n)) for n in names]


@dataclass(frozen=True)
class ChangeRow:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryRow:
    entry: object
    user: str
    changes: list[ChangeRow]
    batch: int | None = None  # a bulk write's entry: how many records it wrote together


def _related_names(model, entries) -> dict:
    """{(related model, pk): name} for every id the entries mention: one query per related model."""
    wanted: dict = {}
    for entry in entries:
        for name, pair in (entry.changes or {}).items():
            field = _get_field(model, name)
            if field is None or not field.is_relation:
                continue
            for value in pair:
                for pk in value if isinstance(value, list) else [value]:
                    if isinstance(pk, int):
                        wanted.setdefault(field.related_model, set()).add(pk)
    names = {}
    user_model = get_user_model()
    for related, pks in wanted.items():
        if related is ContentType:
            continue
        for pk, item in related._base_manager.in_bulk(sorted(pks)).items():
            names[(related, pk)] = user_name(item) if related is user_model else str(item)
    return names


def change_rows(model, changes: dict, names: dict) -> list[ChangeRow]:
    rows = []
    for name, pair in sorted((changes or {}).items(), key=lambda kv: _field_order(model, kv[0])):
        if name in SKIPPED or name in HIDDEN - {"created_by"} or not isinstance(pair, (list, tuple)) or len(pair) != 2:
            continue
        field = _get_field(model, name)
        old, new = pair
        if name == "photo":
            old, new = (f"#{old}" if old else EMPTY), (f"#{new}" if new else EMPTY)
            rows.append(ChangeRow(name, field_label(model, name), old, new))
            continue
        rows.append(ChangeRow(name, field_label(model, name), _plain(field, old, names), _plain(field, new, names)))
    return rows


def _field_order(model, name) -> int:
    order = [f.name for f in model._meta.get_fields()]
    return order.index(name) if name in order else len(order)


def history_rows(obj) -> list[HistoryRow]:
    """The record's audit entries, newest first, each with its changes in the user's words."""
    entries = list(history(obj))
    return rows_for_entries(type(obj), entries)


def rows_for_entries(model, entries) -> list[HistoryRow]:
    names = _related_names(model, entries)
    rows = []
    for entry in entries:
        if entry.last_object_id is not None:
            rows.append(HistoryRow(entry, user_name(entry.user), [], batch=entry.changes.get("records")))
            continue
        changes = change_rows(model, entry.changes, names)
        if entry.action == "create":  # the values recorded; empty ones say nothing
            changes = [c for c in changes if c.new != EMPTY]
        rows.append(HistoryRow(entry, user_name(entry.user), changes))
    return rows
