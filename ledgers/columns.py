"""The kinds of ledger column: how a cell becomes a field value (import) and back (template, export).

A column wraps one model field. `parse` turns a cell into the value the service receives or
raises CellError with a message for the user; `value_of` reads a record for export and
`to_cell` / `to_text` write that value into an XLSX cell or a CSV field.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from core.privacy import redact
from ledgers import cells

OMIT = object()  # a blank cell of a field with a default: the model's default applies
QUALIFIED_NAME = re.compile(r"^(?P<name>.+?)\s*[（(]\s*(?P<code>[^()（）]+?)\s*[)）]$")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
TIME_TEXT = re.compile(r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")


class CellError(Exception):
    """A cell's value cannot be used; the message is shown with its row and column."""


def shown(value) -> str:
    """A cell value quoted back to the user, with any ID or mobile number masked."""
    return redact(str(value))[:60]


def _is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _excel_float(value: float) -> str:
    """A float as Excel shows it: 15 significant digits, so 121.00000000000001 is 121."""
    return f"{value:.15g}"


def _number_text(raw) -> str:
    """Digits typed as text: thousands separators and surrounding spaces removed."""
    return raw.strip().replace(",", "").replace("，", "").replace(" ", "")


class Column:
    """One ledger column for one model field."""

    number_format = None
    width = 14

    def __init__(self, field, synonyms=()):
        self.field = field
        self.name = field.name
        self.synonyms = tuple(synonyms)  # other headers clerks give this column (ledgers/specs.py)

    @property
    def header(self) -> str:
        return str(self.field.verbose_name)

    @property
    def required(self) -> bool:
        return not self.field.blank and not self.field.has_default()

    def hint(self) -> str:
        return str(self.field.help_text or "")

    def blank_value(self):
        if self.field.has_default():
            return OMIT
        if self.field.null:
            return None
        return ""

    def parse(self, raw, row: dict, ctx):
        if _is_blank(raw):
            if self.required:
                raise CellError(_("This column is required."))
            return self.blank_value()
        if isinstance(raw, bool):
            raise CellError(_("Enter a value, not TRUE/FALSE."))
        return self.convert(raw, row, ctx)

    def convert(self, raw, row: dict, ctx):
        raise NotImplementedError

    def value_of(self, obj, ctx):
        return getattr(obj, self.field.attname)

    def to_cell(self, value):
        return value

    def to_text(self, value) -> str:
        value = self.to_cell(value)
        return "" if value is None else str(value)


class TextColumn(Column):
    width = 24

    def convert(self, raw, row, ctx):
        if isinstance(raw, float):
            raw = _excel_float(raw)
        if isinstance(raw, (datetime.date, datetime.time)):
            raw = raw.isoformat()
        # Line breaks are kept as "\n" whatever the file used.
        return str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()

    def hint(self) -> str:
        extra = self.field.help_text or ""
        return " ".join(filter(None, [_("Text, at most %(n)s characters.") % {"n": self.field.max_length}, str(extra)]))


class ChoiceColumn(Column):
    """Cells hold the label shown in the dropdown (in Chinese) or the stored code."""

    width = 16

    def __init__(self, field, synonyms=(), option_synonyms=None):
        super().__init__(field, synonyms)
        self._lookup = None
        self._folded = None
        self.option_synonyms = option_synonyms or {}  # code -> other words for the option

    def labels(self) -> list[str]:
        return [str(label) for _code, label in self.field.choices]

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            table = {}
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    table.update({str(label).strip().lower(): code for code, label in self.field.choices})
            table.update({str(code).lower(): code for code, _label in self.field.choices})
            self._lookup = table
        return self._lookup

    def folded(self) -> dict[str, str]:
        """Labels, codes and synonyms with dashes, widths and spaces folded (cells.fold)."""
        if self._folded is None:
            table = {cells.fold(text): code for text, code in self.lookup().items()}
            for code, words in self.option_synonyms.items():
                table.update({cells.fold(word): code for word in words})
            self._folded = table
        return self._folded

    def convert(self, raw, row, ctx):
        text = _excel_float(raw) if isinstance(raw, float) else str(raw)
        code = self.lookup().get(text.strip().lower())
        if code is None:
            code = self.folded().get(cells.fold(text))
        if code is None:
            message = _("“%(value)s” is not one of: %(choices)s.") % {
                "value": shown(raw),
                "choices": "、".join(self.labels()),
            }
            near = cells.closest(text, list(self.folded()))
            if near is not None:
                label = dict(self.field.choices)[self.folded()[near]]
                message += " " + _("Did you mean “%(label)s”?") % {"label": label}
            raise CellError(message)
        return code

    def to_cell(self, value):
        if value in (None, ""):
            return None
        return str(dict(self.field.choices).get(value, value))

    def hint(self) -> str:
        return _("Pick from the list: %(choices)s.") % {"choices": "、".join(self.labels())}


class DateColumn(Column):
    number_format = "yyyy-mm-dd"
    width = 12

    def convert(self, raw, row, ctx):
        day = self.as_date(raw)
        if day is None:
            raise CellError(_("“%(value)s” is not a date; enter it like 2025-08-14.") % {"value": shown(raw)})
        # The field's own checks (the portal's date range among them) name the cell at once.
        try:
            self.field.run_validators(day)
        except ValidationError as exc:
            raise CellError(" ".join(exc.messages)) from None
        return day

    @staticmethod
    def as_date(raw) -> datetime.date | None:
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        if isinstance(raw, (int, float, str)) and not isinstance(raw, bool):
            loose = cells.loose_date(raw)
            if isinstance(loose, datetime.date):
                return loose
            raw = loose or raw
        if isinstance(raw, str):
            text = cells.halfwidth(raw).strip()
            match = DATE_TEXT.match(text) or (
                re.match(r"^(\d{4})(\d{2})(\d{2})$", text) if text.isdigit() and len(text) == 8 else None
            )
            if match:
                try:
                    return datetime.date(*(int(g) for g in match.groups()))
                except ValueError:
                    pass
        return None

    def hint(self) -> str:
        return _("A date, such as 2025-08-14.")


class TimeColumn(Column):
    number_format = "hh:mm"
    width = 8

    def convert(self, raw, row, ctx):
        if isinstance(raw, datetime.datetime):
            return raw.time().replace(microsecond=0)
        if isinstance(raw, datetime.time):
            return raw.replace(microsecond=0)
        match = TIME_TEXT.match(str(raw).strip())
        if match:
            hour, minute, second = (int(g or 0) for g in match.groups())
            if hour < 24 and minute < 60 and second < 60:
                return datetime.time(hour, minute, second)
        raise CellError(_("“%(value)s” is not a time of day; enter it like 14:30.") % {"value": shown(raw)})

    def hint(self) -> str:
        return _("A time of day, such as 14:30.")


class IntegerColumn(Column):
    number_format = "0"
    width = 10

    def convert(self, raw, row, ctx):
        if isinstance(raw, float):
            raw = _excel_float(raw)
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str) and re.fullmatch(r"[+-]?\d+", _number_text(raw)):
            return int(_number_text(raw))
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": shown(raw)})

    def hint(self) -> str:
        return _("A whole number.")


class DecimalColumn(Column):
    """Money and hours: numbers, never text, with at most the field's decimal places."""

    width = 14

    @property
    def places(self) -> int:
        return self.field.decimal_places

    @property
    def number_format(self):
        return "#,##0." + "0" * self.places if self.places else "#,##0"

    def convert(self, raw, row, ctx):
        try:
            if isinstance(raw, (int, float)):
                number = Decimal(_excel_float(raw)) if isinstance(raw, float) else Decimal(raw)
            elif isinstance(raw, Decimal):
                number = raw  # already in yuan (a column headed in 万元, ledgers/cells.scaled)
            else:
                text = _number_text(str(raw))
                if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
                    number = Decimal(text)
                elif (number := cells.money(str(raw))) is None:
                    raise InvalidOperation
        except InvalidOperation:
            if "amount" in self.name:
                raise CellError(
                    _("“%(value)s” is not an amount; write it in yuan like 5000000 or 5,000,000.00, or as 500万.")
                    % {"value": shown(raw)}
                ) from None
            raise CellError(_("“%(value)s” is not a number.") % {"value": shown(raw)}) from None
        if not number.is_finite():
            raise CellError(_("“%(value)s” is not a number.") % {"value": shown(raw)})
        if number != number.quantize(Decimal(1).scaleb(-self.places)):
            raise CellError(_("Use at most %(n)s decimal places.") % {"n": self.places})
        return number.quantize(Decimal(1).scaleb(-self.places))

    def to_cell(self, value):
        return None if value is None else Decimal(value)

    def to_text(self, value) -> str:
        return "" if value is None else f"{Decimal(value):.{self.places}f}"

    def hint(self) -> str:
        return _("A number with at most %(n)s decimal places.") % {"n": self.places}


class BranchColumn(Column):
    """The branch code; only branches where the importing user may record."""

    width = 14

    @property
    def required(self) -> bool:
        return True

    def convert(self, raw, row, ctx):
        code = str(raw).strip()
        branch = ctx.writable_branch(code) or ctx.writable_branch_named(code)
        if branch is None:
            raise CellError(
                _("Branch code “%(code)s” does not exist or you may not record there.") % {"code": shown(code)}
            )
        return branch

    def value_of(self, obj, ctx):
        return obj.branch

    def to_cell(self, value):
        return value.code if value is not None else None

    def hint(self) -> str:
        return _("The branch code, such as WH-QK-01 (pick from the list).")


class StaffColumn(Column):
    """A staff member by name, found at or below the record's branch; “name (CODE)” picks one of
    two namesakes."""

    width = 14

    def convert(self, raw, row, ctx):
        branch = row.get("branch")
        if branch is None:
            raise CellError(_("Fill in a valid branch first: staff are looked up at that branch."))
        return ctx.staff_named(str(raw).strip(), branch)

    def value_of(self, obj, ctx):
        staff = getattr(obj, self.name)
        return ctx.staff_label(staff, obj.branch) if staff is not None else None

    def hint(self) -> str:
        return _(
            "A staff member's name at the record's branch; add the code in brackets for namesakes: 张三(WH-QK-01)."
        )


class StaffListColumn(StaffColumn):
    """Several staff names separated by “、”."""

    width = 20

    def convert(self, raw, row, ctx):
        branch = row.get("branch")
        if branch is None:
            raise CellError(_("Fill in a valid branch first: staff are looked up at that branch."))
        names = cells.split_names(str(raw), ctx.staff)
        staff = [ctx.staff_named(name, branch) for name in names]
        if len({s.pk for s in staff}) != len(staff):
            raise CellError(_("A staff member is named twice."))
        return staff

    def blank_value(self):
        return []

    @property
    def minimum(self) -> int:
        """How many the kind needs (Record.relation_minimums: a home visit's team of two)."""
        return getattr(self.field.model, "relation_minimums", {}).get(self.name, 0)

    @property
    def required(self) -> bool:
        return self.minimum > 0

    def parse(self, raw, row: dict, ctx):
        # A blank cell is no staff: the kind's own rule says how many it needs, with the count.
        return self.blank_value() if _is_blank(raw) else super().parse(raw, row, ctx)

    def value_of(self, obj, ctx):
        return ctx.staff_labels(obj)

    def to_cell(self, value):
        return "、".join(value) if value else None

    def hint(self) -> str:
        hint = _("Staff names separated by “、”, such as 张三、李四; add the code in brackets for namesakes.")
        if self.minimum:
            hint += " " + _("At least %(n)s names.") % {"n": self.minimum}
        return hint


class RecordColumn(Column):
    """Another record named by the kind's ledger name (a partnership by its partner unit), found
    at, above or below the record's branch; “name (CODE)” picks one of two namesakes, and of two
    at one branch the one in force on the row's date is taken."""

    width = 20

    @property
    def name_field(self) -> str:
        return self.field.related_model.ledger_name

    def convert(self, raw, row, ctx):
        branch = row.get("branch")
        if branch is None:
            raise CellError(_("Fill in a valid branch first: %(what)s is looked up at that branch.") % self._what())
        return ctx.record_named(self.field.related_model, str(raw).strip(), branch, row.get("occurred_on"))

    def value_of(self, obj, ctx):
        target = getattr(obj, self.name)
        return ctx.record_label(target, obj.branch) if target is not None else None

    def _what(self) -> dict:
        return {"what": self.field.related_model._meta.verbose_name}

    def hint(self) -> str:
        field = self.field.related_model._meta.get_field(self.name_field)
        return _(
            "The %(name)s of a %(what)s at the record's branch or above it; add the branch code in brackets "
            "for namesakes: 百步亭社区(WH-BBT)."
        ) % {"name": field.verbose_name, **self._what()}


def column_for(field, synonyms=(), option_synonyms=None) -> Column:
    """The column kind a model field gets; `synonyms` are other headers for it, and
    `option_synonyms` ({code: words}) other words for the options of a choice."""
    if isinstance(field, models.ManyToManyField):
        return StaffListColumn(field, synonyms)
    if isinstance(field, models.ForeignKey):
        if field.name == "branch":
            return BranchColumn(field, synonyms)
        return (
            RecordColumn(field, synonyms)
            if getattr(field.related_model, "ledger_name", None)
            else StaffColumn(field, synonyms)
        )
    if field.choices:
        return ChoiceColumn(field, synonyms, option_synonyms)
    if isinstance(field, models.DateField):
        return DateColumn(field, synonyms)
    if isinstance(field, models.TimeField):
        return TimeColumn(field, synonyms)
    if isinstance(field, models.DecimalField):
        return DecimalColumn(field, synonyms)
    if isinstance(field, models.IntegerField):
        return IntegerColumn(field, synonyms)
    return TextColumn(field, synonyms)
