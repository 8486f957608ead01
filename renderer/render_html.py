"""A report snapshot as one self-contained HTML document.

The same document is the HTML file, the email body and WeasyPrint's input for
the PDF: CSS inline in <style> (print rules under @media print), charts as
inline SVG, no JavaScript, no external URL.

The renderer lays the snapshot out and never computes a business figure: every
number shown is a value of the snapshot, formatted (renderer.formatting).
Layout decisions made here from the data's shape: which tiles and arrows,
where a table's totals row goes, a wide table with few rows turned on its side,
grouped rows under their group's heading, the wording of an empty section.
"""

from __future__ import annotations

import re
from typing import Any

import jinja2
import markupsafe

from renderer import formatting
from renderer.charts import render_chart_svg

DEFAULT_BRAND = "#1f2937"
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# A table wider than this does not fit an A4 portrait page at the body size:
# with few rows it is turned on its side (one column per row), else its
# columns are split over several tables that repeat the leading text columns.
MAX_COLUMNS = 11
MAX_TRANSPOSED_ROWS = 4

STATUS_WORDS = {"on_target": "On target", "warning": "Warning", "critical": "Critical"}

# What an empty section has none of, by dataset; and "this night" by period kind.
EMPTY_NOUNS = {
    "event_performance": "events",
    "staff_performance": "staff on shift",
    "top_customers": "customers",
    "bookings_by_hour": "bookings or check-ins",
    "customer_patterns": "customers",
    "weekly_trend": "trading weeks",
    "revenue_forecast": "forecast",
    "recommendations_and_alerts": "items that need attention",
    "revenue_breakdown": "revenue",
    "kpis": "KPIs",
}
PERIOD_WORDS = {"trading_day": "this night", "week": "this week", "month": "this month"}

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("renderer", "templates"),
    autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
_TEMPLATE = _ENV.get_template("report.html.j2")

# The stylesheet, the same for every report, as the <style> element that opens
# every document's <head>. render_pdf recognises this exact element and gives
# WeasyPrint its pre-parsed copy instead of parsing it again for every report.
REPORT_CSS: str = _ENV.loader.get_source(_ENV, "report.css")[0]
STYLE_ELEMENT = markupsafe.Markup(f"<style>\n{REPORT_CSS}</style>")


def render_html(snapshot: dict) -> str:
    """The report as an HTML document (str)."""
    return _TEMPLATE.render(report=build_context(snapshot), stylesheet=STYLE_ELEMENT)


# ---------------------------------------------------------------------------
# The view model: everything the templates show, already written out.


def _brand(snapshot: dict) -> str:
    for venue in snapshot.get("venues") or []:
        colour = venue.get("brand_colour") or ""
        if _HEX_COLOUR.match(colour):
            return colour.lower()
    return DEFAULT_BRAND


def _text_on(colour: str) -> str:
    """White or near-black text, whichever reads on the colour."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return "#ffffff" if luminance < 0.6 else "#111827"


def _directions(snapshot: dict) -> dict[str, str]:
    """label → direction from every metric that states one.

    The executive summary's highlights carry no direction; their labels are
    those of the KPIs and revenue metrics that do.
    """
    found: dict[str, str] = {}
    for section in snapshot.get("sections") or []:
        for metric in (section.get("data") or {}).get("metrics") or []:
            if metric.get("direction") and metric.get("label"):
                found.setdefault(metric["label"].lower(), metric["direction"])
    return found


class _Formatter:
    """Formats values for one report: its currency and year."""

    def __init__(self, currency: str, year: int | None) -> None:
        self.currency = currency
        self.year = year

    def value(self, value, kind, *, pennies: bool = True) -> str:
        return formatting.format_value(value, kind, self.currency, year=self.year, pennies=pennies)


def _tile(item: dict, fmt: _Formatter, direction: str | None) -> dict:
    unit = item.get("unit")
    change = item.get("change")
    arrow = tone = None
    if change is not None:
        if round(change, 3) > 0:
            arrow = "▲"
        elif round(change, 3) < 0:
            arrow = "▼"
        else:
            arrow = "="
        if arrow != "=" and direction in ("higher_better", "lower_better"):
            good = (arrow == "▲") == (direction == "higher_better")
            tone = "good" if good else "bad"
    previous = item.get("previous")
    return {
        "label": item.get("label") or item.get("code") or "",
        "value": fmt.value(item.get("value"), unit, pennies=False),
        "status": item.get("status") if item.get("status") in STATUS_WORDS else None,
        "status_text": STATUS_WORDS.get(item.get("status") or ""),
        "target": None
        if item.get("target") is None
        else fmt.value(item["target"], unit, pennies=False),
        "arrow": arrow,
        "tone": tone or "neutral",
        "change": None if change is None else formatting.format_change(change),
        "previous": None if previous is None else fmt.value(previous, unit, pennies=False),
        "description": item.get("description"),
    }


def _cell(value, column: dict, fmt: _Formatter) -> dict:
    kind = column.get("type") or "text"
    key = column.get("key")
    cell = {
        "text": fmt.value(value, kind),
        "numeric": kind in formatting.NUMERIC_TYPES or kind == "date",
        "missing": value is None,
        "badge": None,
        "bar": None,
    }
    if key in ("status", "severity") and value in (*STATUS_WORDS, "info"):
        cell["badge"] = value
    elif isinstance(value, bool) and key == "is_vip":
        cell["text"], cell["badge"] = ("VIP", "vip") if value else ("", None)
    if kind == "ratio" and key == "change" or (key or "").endswith(("_change", "_vs_series")):
        cell["text"] = formatting.format_change(value)
    return cell


def _place_totals(rows: list[dict], totals: dict | None) -> int:
    """Where the totals row goes: after the rows it totals.

    Rows may carry a "kind" (revenue lines, then refunds and net); a totals row
    of another kind sums the leading run of rows of the first kind, so it goes
    right after that run and the lines derived from it follow. Otherwise last.
    """
    if not totals or not rows or "kind" not in rows[0] or "kind" not in totals:
        return len(rows)
    first = rows[0]["kind"]
    for index, row in enumerate(rows):
        if row.get("kind") != first:
            return index
    return len(rows)


def _table(
    data: dict, fmt: _Formatter, group_key: str | None, drawn: frozenset[str] = frozenset()
) -> dict:
    leave_out = drawn | {group_key}
    columns = [c for c in data.get("columns") or [] if c.get("key") not in leave_out]
    rows = data.get("rows") or []
    totals = data.get("totals") or None
    header = [
        {
            "label": c.get("label") or c.get("key"),
            "numeric": c.get("type") in formatting.NUMERIC_TYPES or c.get("type") == "date",
        }
        for c in columns
    ]

    def line(row: dict, blank_missing: bool = False) -> list[dict]:
        cells = [_cell(row.get(c["key"]), c, fmt) for c in columns]
        if blank_missing:  # a totals row leaves what it does not total empty
            for cell in cells:
                if cell["missing"]:
                    cell["text"] = ""
            if cells and not cells[0]["text"]:
                cells[0]["text"] = "Total"
        return cells

    body: list[dict] = []
    groups_seen = None
    totals_at = _place_totals(rows, totals)
    for index, row in enumerate(rows):
        if index == totals_at:
            body.append({"kind": "totals", "cells": line(totals, True), "emphasis": False})
        if group_key and row.get(group_key) != groups_seen:
            groups_seen = row.get(group_key)
            body.append({"kind": "group", "label": formatting.format_text(groups_seen)})
        body.append({"kind": "row", "cells": line(row), "emphasis": row.get("kind") == "net"})
    if totals and totals_at == len(rows) and rows:
        body.append({"kind": "totals", "cells": line(totals, True), "emphasis": False})

    # Share bars beside ratio columns of grouped tables (customer patterns).
    if group_key:
        for entry, row in zip([e for e in body if e["kind"] == "row"], rows, strict=True):
            for column, cell in zip(columns, entry["cells"], strict=True):
                share = row.get(column["key"])
                if column.get("type") == "ratio" and isinstance(share, int | float):
                    cell["bar"] = max(0.0, min(1.0, float(share))) * 100

    table = {"layout": "rows", "header": [header], "body": body, "parts": None}
    if len(columns) > MAX_COLUMNS and 0 < len(rows) <= MAX_TRANSPOSED_ROWS:
        table = _transposed(columns, rows, totals if len(rows) > 1 else None, fmt)
    elif len(columns) > MAX_COLUMNS:
        table["parts"] = _split(columns, header, body)
    return table


def _transposed(
    columns: list[dict], rows: list[dict], totals: dict | None, fmt: _Formatter
) -> dict:
    """A wide table with few rows on its side: one line per column, one column per row."""
    label_column, *others = columns
    heads = [{"label": "", "numeric": False}] + [
        {"label": fmt.value(r.get(label_column["key"]), label_column.get("type")), "numeric": True}
        for r in rows
    ]
    if totals:
        heads.append({"label": fmt.value(totals.get(label_column["key"]), "text"), "numeric": True})
    body = []
    for column in others:
        cells = [
            {
                "text": column.get("label") or column["key"],
                "numeric": False,
                "badge": None,
                "bar": None,
                "missing": False,
            }
        ]
        sources = rows + ([totals] if totals else [])
        for source in sources:
            cell = _cell(source.get(column["key"]), column, fmt)
            cell["numeric"] = True
            cells.append(cell)
        body.append({"kind": "row", "cells": cells, "emphasis": False})
    return {"layout": "transposed", "header": [heads], "body": body, "parts": None}


def _split(columns: list[dict], header: list[dict], body: list[dict]) -> list[dict]:
    """Column groups of at most MAX_COLUMNS, each repeating the leading text columns."""
    lead = 0
    while lead < min(2, len(columns)) and columns[lead].get("type") in ("text", "date", None):
        lead += 1
    lead = max(lead, 1)
    rest = list(range(lead, len(columns)))
    width = MAX_COLUMNS - lead
    parts = []
    for start in range(0, len(rest), width):
        chosen = list(range(lead)) + rest[start : start + width]
        part_body = []
        for entry in body:
            if entry.get("cells"):
                part_body.append({**entry, "cells": [entry["cells"][i] for i in chosen]})
            else:
                part_body.append(entry)
        parts.append({"header": [[header[i] for i in chosen]], "body": part_body})
    return parts


def _is_empty(section: dict) -> bool:
    data = section.get("data") or {}
    kind = section.get("type")
    if kind == "summary":
        return not (data.get("headline") or data.get("paragraphs") or data.get("rows"))
    if kind == "metrics":
        return not data.get("metrics")
    rows = data.get("rows") or []
    if kind == "table" and (data.get("chart") or {}).get("group"):
        # A breakdown (customers by party size, lead time...) with nobody in it.
        numeric = [
            c["key"] for c in data.get("columns") or [] if c.get("type") in ("count", "people")
        ]
        return not any(row.get(key) for row in rows for key in numeric)
    return not rows


def _empty_text(section: dict, period_kind: str | None) -> str:
    display = section.get("display") or {}
    if display.get("empty_text"):
        return str(display["empty_text"])
    noun = EMPTY_NOUNS.get(section.get("dataset") or "", "figures")
    return f"No {noun} {PERIOD_WORDS.get(period_kind or '', 'in this period')}."


def _comparison(data: dict, year: int | None) -> str | None:
    period = data.get("comparison_period") or {}
    if not period.get("from") or not period.get("to"):
        return None
    return "Compared with " + formatting.format_period(period["from"], period["to"])


def _section(
    section: dict, index: int, fmt: _Formatter, snapshot: dict, brand: str, directions: dict
) -> dict:
    data = section.get("data") or {}
    kind = section.get("type")
    display = section.get("display") or {}
    period_kind = (snapshot.get("period") or {}).get("kind")
    view: dict[str, Any] = {
        "type": kind if kind in ("summary", "metrics", "table", "chart") else "table",
        "key": section.get("key"),
        "title": section.get("title") or section.get("key") or "",
        "empty": _is_empty(section),
        "empty_text": _empty_text(section, period_kind),
        "comparison": _comparison(data, fmt.year),
        "headline": data.get("headline"),
        "paragraphs": data.get("paragraphs") or [],
        "tiles": [],
        "facts": [],
        "alerts": [],
        "chart_svg": None,
        "table": None,
        "note": None,
    }

    def tiles(items: list[dict]) -> list[dict]:
        return [
            _tile(
                item,
                fmt,
                item.get("direction") or directions.get((item.get("label") or "").lower()),
            )
            for item in items
        ]

    if kind == "summary":
        view["tiles"] = tiles(data.get("highlights") or [])
        if data.get("rows") and data.get("columns"):
            # Recommendations: one item per row, which the paragraphs repeat.
            view["alerts"] = [
                {
                    "severity": row.get("severity")
                    if row.get("severity") in STATUS_WORDS
                    else "info",
                    "severity_text": formatting.format_text(row.get("severity") or "info"),
                    "category": formatting.format_text(row.get("category") or ""),
                    "message": row.get("message") or row.get("subject") or "",
                    "recommendation": row.get("recommendation"),
                }
                for row in data["rows"]
            ]
            view["paragraphs"] = []
    elif kind == "metrics":
        view["tiles"] = tiles(data.get("metrics") or [])
    else:
        # Key figures that come with a table (payments taken, customers...).
        view["facts"] = [
            {
                "label": m.get("label"),
                "value": fmt.value(m.get("value"), m.get("unit"), pennies=False),
            }
            for m in data.get("metrics") or []
            if m.get("value") is not None
        ]
        chart = data.get("chart")
        if chart and data.get("rows") and (kind == "chart" or display.get("chart")):
            spec = dict(chart)
            if display.get("chart") in ("bar", "line", "stacked_bar"):
                spec["type"] = display["chart"]
            x_type = next(
                (
                    c.get("type")
                    for c in data.get("columns") or []
                    if c.get("key") == chart["x"]["key"]
                ),
                None,
            )
            view["chart_svg"] = render_chart_svg(
                spec,
                data["rows"],
                brand=brand,
                currency=fmt.currency,
                year=fmt.year,
                x_type=x_type,
                chart_id=f"chart{index}",
            )
        if data.get("rows") and data.get("columns") and display.get("show_table", True):
            group = (chart or {}).get("group") if kind == "table" else None
            drawn: frozenset[str] = frozenset()
            if view["chart_svg"] and (chart or {}).get("type") == "stacked_bar":
                # The parts a stacked bar draws stay in the chart; their sum
                # (bookings by status → bookings) and the other columns in the table.
                drawn = frozenset(s["key"] for s in chart.get("series") or [])
            view["table"] = _table(data, fmt, group, drawn)
        method = data.get("method")
        if isinstance(method, dict) and method.get("description"):
            view["note"] = method["description"]
    return view


def _warnings(snapshot: dict) -> list[dict]:
    return [
        {
            "severity": w.get("severity") if w.get("severity") in STATUS_WORDS else "warning",
            "message": w.get("message") or w.get("code") or "",
        }
        for w in snapshot.get("warnings") or []
    ]


def build_context(snapshot: dict) -> dict:
    """The view model of a snapshot: what the templates show, formatted."""
    organization = snapshot.get("organization") or {}
    report = snapshot.get("report") or {}
    period = snapshot.get("period") or {}
    venues = snapshot.get("venues") or []
    currency = (
        organization.get("currency") or (snapshot.get("summary") or {}).get("currency") or "GBP"
    )
    start = formatting.parse_date(period.get("start"))
    end = formatting.parse_date(period.get("end"))
    year = end.year if end else None
    fmt = _Formatter(currency, year)
    brand = _brand(snapshot)
    directions = _directions(snapshot)
    timezone = snapshot.get("timezone") or (venues[0].get("timezone") if venues else None) or "UTC"
    day_starts = {str(v.get("trading_day_starts") or "")[:5] for v in venues} - {""}
    stale = snapshot.get("stale")
    return {
        "title": report.get("name") or report.get("template_key") or "Report",
        "description": report.get("description"),
        "organization": organization.get("name") or "",
        "venues": [
            {
                "name": v.get("name") or "",
                "colour": v["brand_colour"].lower()
                if _HEX_COLOUR.match(v.get("brand_colour") or "")
                else brand,
            }
            for v in venues
        ],
        "brand": brand,
        "brand_text": _text_on(brand),
        "brand_tint": _tint_css(brand),
        "period": formatting.format_period(start, end) if start and end else "",
        "period_kind": period.get("kind"),
        "timezone": timezone,
        "trading_day_starts": sorted(day_starts)[0] if len(day_starts) == 1 else None,
        "generated_at": formatting.format_timestamp(snapshot.get("generated_at"), timezone),
        "warnings": _warnings(snapshot),
        "stale": None
        if not stale
        else {"reason": stale.get("reason") if isinstance(stale, dict) else str(stale)},
        "sections": [
            _section(s, i, fmt, snapshot, brand, directions)
            for i, s in enumerate(snapshot.get("sections") or [], start=1)
        ],
    }


def _tint_css(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * 0.9) for c in (red, green, blue)]
    return "#" + "".join(f"{c:02x}" for c in mix)
