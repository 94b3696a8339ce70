"""Checked rows kept on disk between a commit's check and its write, one JSON line per chunk.

The write then runs in one short transaction without parsing the file again, and memory stays
bounded by a chunk whatever the file's size.
"""

import datetime
import json
import tempfile
from decimal import Decimal

from django.apps import apps

from branches.models import Branch, Staff
from ledgers.lookups import Lookups
from records.models import Record


def _encode(value):
    if isinstance(value, Branch):
        return {"branch": value.pk}
    if isinstance(value, Staff):
        return {"staff": value.pk}
    if isinstance(value, Record):
        return {"record": [value._meta.label, value.pk]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, datetime.time):
        return {"time": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    return value


class Spool:
    def __init__(self, lookups: Lookups):
        self.lookups = lookups
        self.rows = 0

    def __enter__(self):
        self.file = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 - closed by __exit__
        return self

    def __exit__(self, *exc):
        self.file.close()

    def add(self, chunk: list) -> None:
        """Rows as (row number, fields, staff)."""
        encoded = [
            [n, {k: _encode(v) for k, v in f.items()}, {k: _encode(v) for k, v in m.items()}] for n, f, m in chunk
        ]
        self.file.write(json.dumps(encoded, ensure_ascii=False) + "\n")
        self.rows += len(chunk)

    def chunks(self):
        branches = {b.pk: b for b in self.lookups.branches.values()}
        staff: dict = {}

        def staff_member(pk):
            if not staff:
                staff.update({s.pk: s for members in self.lookups.staff.values() for s in members})
            return staff[pk]

        def decode(value):
            if isinstance(value, list):
                return [decode(v) for v in value]
            if isinstance(value, dict):
                ((kind, raw),) = value.items()
                if kind == "branch":
                    return branches[raw]
                if kind == "staff":
                    return staff_member(raw)
                if kind == "record":
                    return self.lookups.record_by_pk(apps.get_model(raw[0]), raw[1])
                if kind == "time":
                    return datetime.time.fromisoformat(raw)
                if kind == "date":
                    return datetime.date.fromisoformat(raw)
                return Decimal(raw)
            return value

        self.file.seek(0)
        for line in self.file:
            yield [
                (n, {k: decode(v) for k, v in f.items()}, {k: decode(v) for k, v in m.items()})
                for n, f, m in json.loads(line)
            ]
