"""Targets of every sub-branch at once: one metric and year, one value for all or one per
sub-branch, or rows of an XLSX (branch code, metric, value). Each target is written by the one
target service (branches.services.target_set / target_delete), all or nothing."""

import os
import tempfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Branch, Target
from branches.services import target_delete, target_set
from core.catalogue import METRICS
from core.errors import OutOfScope
from ledgers.files import FileRefused, open_ledger
from ledgers.sheet import FORMULA, VALUE, iter_rows

MAX_ROWS = 5000  # a city's outlets times its metrics, with room to spare
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
TEMPLATE_HEADERS = (gettext_lazy("Branch code"), gettext_lazy("Metric"), gettext_lazy("Target value"))


def _metric_field(key: str, **kwargs) -> forms.DecimalField:
    metric = METRICS[key]
    step = str(Decimal(1).scaleb(-metric.decimals))
    return forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=20,
        decimal_places=metric.decimals,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": step}),
        **kwargs,
    )


class ChildTargetsForm(forms.Form):
    """One field per sub-branch (blank: no target) and `every`, one value for them all."""

    def __init__(self, *args, children: list[Branch], metric: str, current: dict[int, Target], **kwargs):
        super().__init__(*args, **kwargs)
        self.children, self.metric, self.current = children, metric, current
        self.fields["every"] = _metric_field(metric, label=gettext_lazy("One value for every sub-branch"))
        for child in children:
            target = current.get(child.pk)
            self.fields[self.name_of(child)] = _metric_field(
                metric, label=str(child), initial=target.value if target else None
            )

    @staticmethod
    def name_of(child: Branch) -> str:
        return f"child_{child.code}"

    def rows(self):
        return [(child, self[self.name_of(child)], self.current.get(child.pk)) for child in self.children]

    def wanted(self) -> dict[Branch, Decimal | None]:
        every = self.cleaned_data.get("every")
        if every is not None:
            return dict.fromkeys(self.children, every)
        return {child: self.cleaned_data.get(self.name_of(child)) for child in self.children}

    def save(self, *, user, year: int) -> int:
        """Set, change or clear each sub-branch's target; how many changed. A refusal becomes the
        sub-branch's field error and nothing is saved."""
        changed = 0
        with transaction.atomic():
            for child, new in self.wanted().items():
                try:
                    changed += write_target(user, child, year, self.metric, new, self.current.get(child.pk))
                except (ValidationError, PermissionDenied) as e:
                    raise ValidationError({self.name_of(child): _messages(e)}) from e
        return changed


def write_target(user, branch: Branch, year: int, metric: str, new, old: Target | None) -> int:
    """1 when the target changed through the service, 0 when it already was so."""
    if new is None and old is not None:
        target_delete(old, user=user)
    elif new is not None and (old is None or old.value != new):
        target_set(user=user, branch=branch, year=year, metric=metric, value=new)
    else:
        return 0
    return 1


def _messages(error) -> list[str]:
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error) or _("Your role does not allow setting this target.")]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("XLSX file"),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel numbers it
    message: str


@dataclass(frozen=True)
class Item:
    row: int
    branch: Branch
    metric: str
    value: Decimal


class UploadRefused(Exception):
    """The upload as a whole, or some of its rows, cannot be saved; nothing was."""

    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


def _metric_key(raw) -> str | None:
    text = str(raw).strip()
    if text in METRICS:
        return text
    by_label = {str(m.label): key for key, m in METRICS.items()}
    return by_label.get(text)


def _value(raw) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError
    value = Decimal(str(raw).strip().replace(",", ""))
    if not value.is_finite():
        raise ValueError
    return value


def read_rows(path, *, node: Branch) -> list[Item]:
    """The rows of the first sheet below a header row: (branch code, metric key or name, value).
    Every row is checked before anything is saved; UploadRefused lists what is wrong by row."""
    try:
        workbook = open_ledger(path, limit_rows=MAX_ROWS)
    except FileRefused as e:
        raise UploadRefused([RowError(0, str(e))]) from None
    raw_rows = []
    try:
        for number, cells in iter_rows(workbook):
            raw_rows.append((number, cells))
    except FileRefused as e:
        raise UploadRefused([RowError(0, str(e))]) from None
    finally:
        workbook.close()
    if raw_rows and not _is_number_like(raw_rows[0][1].get(3)):
        raw_rows = raw_rows[1:]  # the header row
    codes = {str(c[1]).strip() for _n, cells in raw_rows if (c := cells.get(1)) and c[0] == VALUE}
    subtree = {
        b.code: b for b in Branch.objects.filter(code__in=codes, path__startswith=node.path).only("id", "code", "path")
    }
    errors, items, seen = [], [], {}
    for number, cells in raw_rows:
        row_errors = []
        parts = [cells.get(i) for i in (1, 2, 3)]
        if any(p is not None and p[0] == FORMULA for p in parts):
            errors.append(RowError(number, _("A formula: type the values themselves.")))
            continue
        if any(p is None or p[0] != VALUE or str(p[1]).strip() == "" for p in parts):
            errors.append(RowError(number, _("Give all three: the branch code, the metric and the value.")))
            continue
        code, metric, value = (str(parts[0][1]).strip(), _metric_key(parts[1][1]), parts[2][1])
        branch = subtree.get(code)
        if branch is None:
            row_errors.append(_("No branch %(code)s under %(node)s.") % {"code": code[:30], "node": node.code})
        if metric is None:
            row_errors.append(_("Unknown metric %(metric)s.") % {"metric": str(parts[1][1])[:50]})
        try:
            number_value = _value(value)
        except (InvalidOperation, ValueError):
            row_errors.append(_("The value %(value)s is not a number.") % {"value": str(value)[:30]})
            number_value = None
        if metric is not None and number_value is not None and not row_errors:
            step = Decimal(1).scaleb(-METRICS[metric].decimals)
            if number_value < 0:
                row_errors.append(_("A target cannot be negative."))
            elif number_value.quantize(step) != number_value:
                row_errors.append(
                    _("%(metric)s takes at most %(places)s decimal places.")
                    % {"metric": METRICS[metric].label, "places": METRICS[metric].decimals}
                )
        if not row_errors and (code, metric) in seen:
            row_errors.append(
                _("%(code)s · %(metric)s is given again (first in row %(row)s).")
                % {"code": code, "metric": METRICS[metric].label, "row": seen[(code, metric)]}
            )
        if row_errors:
            errors.append(RowError(number, " ".join(str(m) for m in row_errors)))
            continue
        seen[(code, metric)] = number
        items.append(Item(number, branch, metric, number_value))
    if not raw_rows:
        errors.append(RowError(0, _("The sheet has no rows of targets.")))
    if errors:
        raise UploadRefused(errors)
    return items


def _is_number_like(cell) -> bool:
    if cell is None or cell[0] != VALUE or isinstance(cell[1], bool):
        return False
    try:
        _value(cell[1])
    except (InvalidOperation, ValueError):
        return False
    return True


def save_rows(items: list[Item], *, user, year: int) -> int:
    """Write every row through the target service, all or nothing; how many targets changed."""
    current = {
        (t.branch_id, t.metric): t
        for t in Target.objects.filter(
            branch__in={i.branch for i in items}, year=year, metric__in={i.metric for i in items}
        )
    }
    errors, changed = [], 0
    with transaction.atomic():
        for item in items:
            try:
                with transaction.atomic():
                    changed += write_target(
                        user, item.branch, year, item.metric, item.value, current.get((item.branch.pk, item.metric))
                    )
            except (ValidationError, PermissionDenied, OutOfScope) as e:
                message = " ".join(_messages(e)) if not isinstance(e, OutOfScope) else _("Not in your scope.")
                errors.append(RowError(item.row, message))
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise UploadRefused(errors)
    return changed


def import_upload(upload, *, node: Branch, user, year: int) -> int:
    """Check an uploaded workbook and save its targets, all or nothing."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            [RowError(0, _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})]
        )
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        items = read_rows(path, node=node)
    finally:
        os.unlink(path)
    return save_rows(items, user=user, year=year)
