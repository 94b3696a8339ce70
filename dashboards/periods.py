"""The dashboard's period picker: a year, a quarter, a month or a range from plain form controls,
written back as the period text core.periods parses (so every link keeps its ?period=… form)."""

import datetime
import re
from functools import lru_cache

from django import forms
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.periods import MAX_YEAR, MIN_YEAR, Period, PeriodError, parse_period, period_between

YEAR, QUARTER, MONTH, RANGE = "year", "quarter", "month", "range"
SHAPES = [
    (YEAR, pgettext_lazy("period picker", "Year")),
    (QUARTER, pgettext_lazy("period picker", "Quarter")),
    (MONTH, pgettext_lazy("period picker", "Month")),
    (RANGE, pgettext_lazy("period picker", "Range")),
]
AUTO_ID = "period-%s"
_MONTH_VALUE = re.compile(r"^(\d{4})-(\d{2})$")


def _years() -> list[tuple[int, str]]:
    last = min(MAX_YEAR, timezone.localdate().year + 1)
    return [(y, str(y)) for y in range(last, MIN_YEAR - 1, -1)]


class MonthField(forms.CharField):
    """An <input type="month"> value, YYYY-MM, as the first day of that month."""

    widget = forms.TextInput(attrs={"type": "month", "class": "form-control form-control-sm", "placeholder": "2025-08"})

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        m = _MONTH_VALUE.match(value)
        if not m or not 1 <= int(m[2]) <= 12:
            raise forms.ValidationError(_("Give a month as YYYY-MM, such as 2025-08."), code="month")
        if not MIN_YEAR <= int(m[1]) <= MAX_YEAR:
            raise forms.ValidationError(
                _("Give a month between %(first)s and %(last)s.")
                % {"first": f"{MIN_YEAR}-01", "last": f"{MAX_YEAR}-12"},
                code="month_range",
            )
        return datetime.date(int(m[1]), int(m[2]), 1)


class PeriodPickerForm(forms.Form):
    shape = forms.ChoiceField(
        label=_("Kind of period"), choices=SHAPES, widget=forms.RadioSelect(attrs={"class": "btn-check"})
    )
    year = forms.TypedChoiceField(
        label=pgettext_lazy("period picker", "Year"),
        coerce=int,
        required=False,
        choices=_years,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    quarter = forms.TypedChoiceField(
        label=pgettext_lazy("period picker", "Quarter"),
        coerce=int,
        required=False,
        choices=[(q, f"Q{q}") for q in range(1, 5)],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    month = MonthField(label=pgettext_lazy("period picker", "Month"), required=False)
    start = MonthField(label=pgettext_lazy("period picker", "From month"), required=False)
    end = MonthField(label=pgettext_lazy("period picker", "To month"), required=False)

    REQUIRED = {YEAR: ("year",), QUARTER: ("year", "quarter"), MONTH: ("month",), RANGE: ("start", "end")}

    def clean(self):
        data = super().clean()
        shape = data.get("shape")
        if shape is None:
            return data
        missing = [name for name in self.REQUIRED[shape] if data.get(name) in (None, "")]
        for name in missing:
            if name not in self.errors:
                self.add_error(name, _("Choose one for this kind of period."))
        if missing or self.errors:
            return data
        try:
            data["period"] = self._period(shape, data)
        except PeriodError as e:
            self.add_error(self.REQUIRED[shape][-1], str(e))
        return data

    def placed(self) -> list[tuple]:
        """(field, CSS classes naming the kinds of period it serves): the page shows a field only
        for the kind chosen (CSS :has(), no script); without that support every field shows."""
        return [
            (self["year"], "pick-year pick-quarter"),
            (self["quarter"], "pick-quarter"),
            (self["month"], "pick-month"),
            (self["start"], "pick-range"),
            (self["end"], "pick-range"),
        ]

    @staticmethod
    def _period(shape: str, data: dict) -> Period:
        if shape == YEAR:
            return parse_period(str(data["year"]))
        if shape == QUARTER:
            return parse_period(f"{data['year']}Q{data['quarter']}")
        if shape == MONTH:
            return parse_period(f"{data['month']:%Y-%m}")
        return period_between(data["start"], data["end"])


def picker_for(period: Period | None) -> PeriodPickerForm:
    """The picker showing the period on the page (the current year when there is none)."""
    if period is None:
        today = timezone.localdate()
        return PeriodPickerForm(initial={"shape": YEAR, "year": today.year}, auto_id=AUTO_ID)
    text = period.text
    initial = {"year": period.first.year, "month": f"{period.first:%Y-%m}"}
    if ".." in text:
        initial |= {"shape": RANGE, "start": f"{period.first:%Y-%m}", "end": f"{period.last:%Y-%m}"}
    elif "Q" in text:
        initial |= {"shape": QUARTER, "quarter": (period.first.month + 2) // 3}
    elif "-" in text:
        initial |= {"shape": MONTH}
    else:
        initial |= {"shape": YEAR}
    initial.setdefault("start", f"{period.first:%Y-%m}")
    initial.setdefault("end", f"{period.last:%Y-%m}")
    return PeriodPickerForm(initial=initial, auto_id=AUTO_ID)


def picker_html(code: str, period: Period, sort: str | None) -> str:
    """The picker of a valid period as the dashboard writes it: the same for every user, so kept
    in the process (a form of some fifty widgets takes milliseconds to write, on every request)."""
    return _picker_html(code, period.text, sort or "", translation.get_language() or "", timezone.localdate())


@lru_cache(maxsize=1024)
def _picker_html(code: str, period_text: str, sort: str, _language: str, _today: datetime.date) -> str:
    period = parse_period(period_text)
    context = {"picker": picker_for(period), "period": period, "branch": {"code": code}, "sort": sort}
    return render_to_string("dashboards/_period_picker.html", context)
