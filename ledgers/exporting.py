"""Export of a filtered, scoped list of records in the ledger's own columns (XLSX or CSV).

A constant number of queries whatever the row count: the records (streamed), their staff
links (one query on the through table) and the staff in the user's scope.
"""

import csv
from collections import defaultdict

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branches.models import Staff
from ledgers.columns import RecordColumn, StaffColumn
from ledgers.lookups import Lookups
from ledgers.specs import LedgerSpec
from ledgers.workbooks import csv_text


class ExportLookups(Lookups):
    """Lookups plus the staff of each exported record, loaded in one query per staff field."""

    def __init__(self, user, spec: LedgerSpec, queryset):
        super().__init__(user)
        self._m2m = spec.m2m
        self.links: dict[int, list] = defaultdict(list)
        if not self._m2m:
            return
        field = spec.model._meta.get_field(self._m2m[0])
        own, other = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
        pairs = list(
            field.remote_field.through.objects.filter(**{f"{own}__in": queryset.values("pk")}).values_list(own, other)
        )
        by_id = {s.pk: s for members in self.staff.values() for s in members}
        missing = {staff_id for _r, staff_id in pairs} - set(by_id)
        if missing:  # linked staff outside the user's scope are still named
            by_id |= {s.pk: s for s in Staff.objects.filter(pk__in=missing).select_related("branch")}
        for record_id, staff_id in pairs:
            self.links[record_id].append(by_id[staff_id])

    def staff_labels(self, obj) -> list[str]:
        members = sorted(self.links.get(obj.pk, []), key=lambda s: (s.name, s.pk))
        return [self.staff_label(s, obj.branch) for s in members]


def export_queryset(spec: LedgerSpec, request, params=None):
    """The kind's FilterSet over the user's records: (queryset, title, None) or (None, "", errors);
    the title says what the export holds (kind, node, dates, export time)."""
    related = ["branch"] + [f"{c.name}__branch" for c in spec.columns if type(c) in (StaffColumn, RecordColumn)]
    queryset = spec.model.objects.for_user(request.user).select_related(*related)
    filterset = spec.kind.filterset(params if params is not None else request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return None, "", filterset.errors
    title = export_title(spec, request.user, filterset.form.cleaned_data)
    return filterset.qs.order_by("occurred_on", "pk"), title, None


def export_title(spec: LedgerSpec, user, filters: dict) -> str:
    """E.g. 上门服务 · 硚口支行 (WH-QK) · 2025-06-01 至 2025-12-31 · 导出于 2026-01-05 09:30 (in Chinese)."""
    from branches.access import access_for

    with translation.override("zh-hans"):
        branch = filters.get("branch")
        nodes = [branch] if branch else access_for(user).roots
        node = "、".join(f"{b.name} ({b.code})" for b in nodes[:3]) + ("等" if len(nodes) > 3 else "")
        first, last = filters.get("date_from"), filters.get("date_to")
        if first and last:
            dates = _("%(first)s to %(last)s") % {"first": first.isoformat(), "last": last.isoformat()}
        elif first:
            dates = _("from %(first)s") % {"first": first.isoformat()}
        elif last:
            dates = _("until %(last)s") % {"last": last.isoformat()}
        else:
            dates = _("all dates")
        return _("%(kind)s · %(node)s · %(dates)s · exported %(time)s") % {
            "kind": spec.kind.label_plural,
            "node": node or _("all branches"),
            "dates": dates,
            "time": f"{timezone.localtime():%Y-%m-%d %H:%M}",
        }


def record_rows(spec: LedgerSpec, queryset, lookups: Lookups):
    """Each record as the list of its column values, streamed from the database."""
    for obj in queryset.iterator(chunk_size=2000):
        yield [column.value_of(obj, lookups) for column in spec.columns]


class _Echo:
    def write(self, value):
        return value


def csv_lines(spec: LedgerSpec, rows):
    """The CSV, line by line: UTF-8 with a byte-order mark so that Excel reads the Chinese."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    with translation.override("zh-hans"):
        yield "\ufeff" + writer.writerow(spec.headers())
        for values in rows:
            yield writer.writerow([csv_text(c, v) for c, v in zip(spec.columns, values, strict=True)])
