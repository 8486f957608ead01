"""The tables inside a report snapshot, as the file renderers (XLSX, CSV) read them.

The snapshot's shapes are fixed by db/functions/internal/report_datasets.sql:
a table or chart section's data holds `columns` [{key, label, type}], `rows`
and perhaps `totals`; a chart section also holds `chart` {type, x, series}.
Nothing here computes a number: it only says which values go in which column.

Renderers show a row's values only under its section's columns, so a value
under any other key is never displayed. Keys starting with "_" are hidden on
purpose (`_customer_key`, the pseudonymous key api.erase_customer finds a
customer's rows by): never a column, and left out of the JSON file too
(without_hidden_fields).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

CHART_TYPES = ("bar", "line", "stacked_bar")
HIDDEN_PREFIX = "_"
TABULAR_SECTION_TYPES = ("table", "chart")


class SnapshotError(ValueError):
    """The snapshot does not have the shape its section types promise."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: str  # currency, ratio, count, people, rating, hours, date, text


@dataclass(frozen=True)
class Chart:
    type: str  # bar, line, stacked_bar
    x: Column
    series: list[Column]


def section_data(section: dict[str, Any]) -> dict[str, Any]:
    data = section.get("data")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SnapshotError(f"section {section.get('key')!r}: data is not an object")
    return data


def _column(spec: Any, where: str) -> Column:
    if not isinstance(spec, dict) or not spec.get("key"):
        raise SnapshotError(f"{where}: a column without a key: {spec!r}")
    key = str(spec["key"])
    return Column(
        key, str(spec.get("label") or key), str(spec.get("type") or spec.get("unit") or "text")
    )


def chart_spec(section: dict[str, Any]) -> Chart | None:
    """The section's chart: kind from display_config's "chart" when the template sets it
    (the template author's choice), else the dataset's own `chart.type`."""
    data = section_data(section)
    spec = data.get("chart")
    if not spec:
        return None
    where = f"section {section.get('key')!r}"
    if not isinstance(spec, dict) or not isinstance(spec.get("x"), dict):
        raise SnapshotError(f"{where}: chart has no x axis")
    kind = (section.get("display") or {}).get("chart") or spec.get("type") or "bar"
    if kind not in CHART_TYPES:
        raise SnapshotError(f"{where}: unknown chart type {kind!r} (expected one of {CHART_TYPES})")
    series = [_column(s, where) for s in spec.get("series") or []]
    if not series:
        raise SnapshotError(f"{where}: chart has no series")
    return Chart(kind, _column(spec["x"], where), series)


def table_columns(section: dict[str, Any]) -> list[Column]:
    """The section's columns in order; for a chart, its x and series too when the
    dataset left them out of `columns`, so the chart's data is always in the table."""
    data = section_data(section)
    where = f"section {section.get('key')!r}"
    raw = data.get("columns")
    if raw is not None and not isinstance(raw, list):
        raise SnapshotError(f"{where}: columns is not a list")
    columns = [c for c in (_column(c, where) for c in raw or []) if not is_hidden(c.key)]
    chart = chart_spec(section) if section.get("type") == "chart" else None
    if chart:
        keys = {c.key for c in columns}
        if chart.x.key not in keys:
            columns.insert(0, chart.x)
        columns += [s for s in chart.series if s.key not in keys]
    return columns


def is_hidden(key: Any) -> bool:
    """A row field kept for the database's own use, never shown (`_customer_key`)."""
    return isinstance(key, str) and key.startswith(HIDDEN_PREFIX)


def without_hidden_fields(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot with the hidden fields of every section's rows and totals left out."""
    found = snapshot.get("sections")
    if not isinstance(found, list):
        return snapshot

    def visible(row: Any) -> Any:
        if not isinstance(row, dict):
            return row
        return {k: v for k, v in row.items() if not is_hidden(k)}

    cleaned = []
    for section in found:
        data = section.get("data") if isinstance(section, dict) else None
        if isinstance(data, dict) and (
            isinstance(data.get("rows"), list) or isinstance(data.get("totals"), dict)
        ):
            data = dict(data)
            if isinstance(data.get("rows"), list):
                data["rows"] = [visible(r) for r in data["rows"]]
            if isinstance(data.get("totals"), dict):
                data["totals"] = visible(data["totals"])
            section = {**section, "data": data}
        cleaned.append(section)
    return {**snapshot, "sections": cleaned}


def table_rows(section: dict[str, Any]) -> list[dict[str, Any]]:
    rows = section_data(section).get("rows") or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise SnapshotError(f"section {section.get('key')!r}: rows is not a list of objects")
    return rows


def table_totals(section: dict[str, Any]) -> dict[str, Any] | None:
    totals = section_data(section).get("totals")
    return totals if isinstance(totals, dict) and totals else None


def tabular_sections(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The table and chart sections, in position order."""
    return [s for s in sections(snapshot) if s.get("type") in TABULAR_SECTION_TYPES]


def sections(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    found = snapshot.get("sections")
    if not isinstance(found, list) or not all(isinstance(s, dict) for s in found):
        raise SnapshotError("snapshot has no list of sections")
    return sorted(found, key=lambda s: s.get("position") or 0)


def slugify(text: str, keep: str = "") -> str:
    """Lower-case ASCII letters, digits and hyphens (plus the characters in `keep`)."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    pattern = f"[^a-z0-9{re.escape(keep)}]+"
    return re.sub(pattern, "-", ascii_text.lower()).strip("-")


def parse_date(value: Any) -> date | datetime | None:
    """An ISO date ("2026-11-21") as a date, an ISO timestamp as a datetime, else None."""
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str):
        return None
    try:
        if "T" in value or " " in value.strip():
            return datetime.fromisoformat(value)
        return date.fromisoformat(value)
    except ValueError:
        return None
