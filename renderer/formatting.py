"""How a snapshot's values are written in HTML and PDF reports.

Formatting only: every figure arrives computed in the snapshot (see
internal.report_datasets); these functions choose symbols, separators,
decimals and words, never a number of their own.

Units and column types (the datasets' vocabulary): currency, ratio, count,
people, rating, hours, date, text.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

MINUS = "\u2212"  # a real minus sign lines up with the digits, a hyphen does not
DASH = "\u2013"  # shown for a missing value
NUMERIC_TYPES = frozenset({"currency", "ratio", "count", "people", "rating", "hours"})

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "AUD": "A$", "CAD": "C$", "IEP": "£"}

# Enumerations in text columns that read better as words.
_WORDS = {
    "on_target": "On target",
    "warning": "Warning",
    "critical": "Critical",
    "info": "Info",
    "kpi": "KPI",
    "data_quality": "Data quality",
    "dj": "DJ",
}
_SNAKE = re.compile(r"^[a-z]+(_[a-z]+)*$")


def _sign(negative: bool) -> str:
    return MINUS if negative else ""


def _grouped(value: float, decimals: int) -> str:
    return f"{abs(value):,.{decimals}f}"


def format_currency(
    value: float | int | None, currency: str = "GBP", *, pennies: bool = True
) -> str:
    """£36,875.83; with pennies=False, whole units from 1,000 up (£36,876, but £39.91)."""
    if value is None:
        return DASH
    symbol = CURRENCY_SYMBOLS.get(currency)
    decimals = 2
    if not pennies and (abs(value) >= 1000 or float(value).is_integer()):
        decimals = 0
    text = _grouped(value, decimals)
    if symbol:
        return f"{_sign(value < 0)}{symbol}{text}"
    return f"{_sign(value < 0)}{text} {currency}"


def format_ratio(value: float | None) -> str:
    """0.8953 → 89.5%; 0 → 0%; 1 → 100%."""
    if value is None:
        return DASH
    percent = value * 100
    if float(percent).is_integer() or abs(percent) >= 1000:
        return f"{_sign(percent < 0)}{abs(percent):,.0f}%"
    return f"{_sign(percent < 0)}{abs(percent):,.1f}%"


def format_change(value: float | None) -> str:
    """A change against the comparison period, signed: +5.5%, −12%, +121%."""
    if value is None:
        return DASH
    percent = value * 100
    if round(percent, 1) == 0:
        return "0%"
    decimals = 1 if abs(percent) < 10 else 0
    sign = "+" if percent > 0 else MINUS
    return f"{sign}{abs(percent):,.{decimals}f}%"


def format_count(value: float | int | None) -> str:
    """1,234; a non-integer (an average) keeps up to two decimals: 3.26, 0.8."""
    if value is None:
        return DASH
    if float(value).is_integer():
        return f"{_sign(value < 0)}{abs(value):,.0f}"
    return f"{_sign(value < 0)}{abs(value):,.2f}".rstrip("0").rstrip(".")


def format_rating(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}"


def format_hours(value: float | None) -> str:
    return format_count(value)


def parse_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def format_date(value: str | dt.date | None, *, year: int | None = None) -> str:
    """Sat 21 Nov; the year is added when it is not the report's."""
    day = parse_date(value)
    if day is None:
        return DASH
    text = f"{day:%a} {day.day} {day:%b}"
    return text if day.year == year else f"{text} {day.year}"


def format_value(
    value, kind: str | None, currency: str = "GBP", *, year: int | None = None, pennies: bool = True
) -> str:
    """Any snapshot value by its unit or column type."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if kind == "currency":
        return format_currency(value, currency, pennies=pennies)
    if kind == "ratio":
        return format_ratio(value)
    if kind in ("count", "people"):
        return format_count(value)
    if kind == "rating":
        return format_rating(value)
    if kind == "hours":
        return format_hours(value)
    if kind == "date":
        return format_date(value, year=year)
    return format_text(value)


def format_text(value) -> str:
    if isinstance(value, str) and _SNAKE.match(value):
        return _WORDS.get(value, value.replace("_", " ").capitalize())
    return str(value)


def full_date(day: dt.date) -> str:
    """Saturday 21 November 2026."""
    return f"{day:%A} {day.day} {day:%B} {day.year}"


def format_period(start: str | dt.date, end: str | dt.date, kind: str | None = None) -> str:
    """A report's period in words.

    Saturday 21 November 2026; Mon 16 – Sun 22 November 2026;
    Mon 26 October – Sun 1 November 2026; October 2026.
    """
    first, last = parse_date(start), parse_date(end)
    if first == last:
        return full_date(first)
    next_day = last + dt.timedelta(days=1)
    if (
        first.day == 1
        and next_day.day == 1
        and (first.year, first.month) == (last.year, last.month)
    ):
        return f"{first:%B} {first.year}"
    if first.year != last.year:
        left = f"{first:%a} {first.day} {first:%B} {first.year}"
    elif first.month != last.month:
        left = f"{first:%a} {first.day} {first:%B}"
    else:
        left = f"{first:%a} {first.day}"
    return f"{left} {DASH} {last:%a} {last.day} {last:%B} {last.year}"


def format_timestamp(value: str | None, timezone: str | None) -> str:
    """An ISO timestamp in the report's zone: Tue 24 Nov 2026, 22:49 GMT."""
    if not value:
        return DASH
    moment = dt.datetime.fromisoformat(value)
    try:
        moment = moment.astimezone(ZoneInfo(timezone or "UTC"))
    except (KeyError, ValueError):
        moment = moment.astimezone(dt.UTC)
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M} {moment.tzname()}"
