"""The dashboard compares a period with one of the same length that never overlaps it, for every
shape a period takes: up to a year long, the same months a year earlier (2025Q3 with 2024Q3, as
bank reports compare 同比); longer, the preceding period (2021..2025 with 2016..2020, not the
overlapping 2020..2024)."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.periods import MAX_YEAR, MIN_YEAR, PeriodError, add_months, parse_period
from dashboards.summary import previous_of

years = st.integers(MIN_YEAR, MAX_YEAR)


def _year(y):
    return str(y)


def _quarter(y, q):
    return f"{y}Q{q}"


def _month(y, m):
    return f"{y}-{m:02d}"


single = st.one_of(
    years.map(_year),
    st.builds(_quarter, years, st.integers(1, 4)),
    st.builds(_month, years, st.integers(1, 12)),
)


@st.composite
def period_texts(draw):
    """A year, quarter or month, or a range of any two of them (mixed shapes included)."""
    first = draw(single)
    if draw(st.booleans()):
        return first
    last = draw(single)
    a, b = parse_period(first), parse_period(last)
    if b.last < a.first:
        first, last = last, first
    return f"{first}..{last}"


@given(period_texts())
def test_the_comparison_has_the_same_length_and_never_overlaps(text):
    period = parse_period(text)
    comparison = previous_of(period)
    length = len(period.months)
    if add_months(period.first, -max(length, 12)).year < MIN_YEAR:
        assert comparison is None  # nothing before 1990 to compare with
        return
    assert len(comparison.months) == length
    assert comparison.end_date < period.first
    if length <= 12:  # the same months a year earlier
        assert comparison.months == [add_months(m, -12) for m in period.months]
    else:  # the preceding period, ending the day before this one starts
        assert comparison.last == add_months(period.first, -1)
        assert comparison.end_date == period.first - datetime.timedelta(days=1)
    # Its text is a period the portal parses back to the same months (links keep working).
    assert parse_period(comparison.text) == comparison


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021..2025", "2016..2020"),
        ("2025", "2024"),
        ("2025Q3", "2024Q3"),
        ("2025Q1", "2024Q1"),
        ("2025-08", "2024-08"),
        ("2025-01", "2024-01"),
        ("2025-01..2025-06", "2024-01..2024-06"),
        ("2025-02..2025-04", "2024-02..2024-04"),
        ("2025Q2..2025Q3", "2024Q2..2024Q3"),
        ("2024-07..2025-12", "2023Q1..2024Q2"),
        ("2020..2021", "2018..2019"),
    ],
)
def test_examples_people_will_read(text, expected):
    assert previous_of(parse_period(text)).text == expected


def test_no_comparison_before_the_first_year():
    assert previous_of(parse_period(str(MIN_YEAR))) is None
    with pytest.raises(PeriodError):
        parse_period(f"{MIN_YEAR}..{MIN_YEAR + 1}").preceding
