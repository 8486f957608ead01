"""XLSX: a cover sheet, then one sheet per section, with real number formats and native charts.

Every number is written as the number the snapshot holds (0.0548 shown as
5.5%, 36875.83 as £36,875.83), so a reader's own formulas work on it; dates are
real dates. Text is always written as text (never as a formula, whatever it
starts with). Table sheets: title, subtitle, a frozen header row with an
autofilter, the rows, and the totals row in bold below the filtered range (so
sorting never moves it). Chart sections get the same table and a native Excel
chart drawn from its cells.

The workbook is built in memory (`in_memory`): reports are hundreds of rows,
not millions, and XlsxWriter's constant_memory mode would only add temporary
files and forbid the column widths worked out from the content. The creation
time is the snapshot's generated_at, so the same snapshot gives the same bytes.
"""

import io
import itertools
import math
import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from renderer.tabular import (
    Chart,
    Column,
    SnapshotError,
    chart_spec,
    parse_date,
    section_data,
    sections,
    table_columns,
    table_rows,
    table_totals,
)

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "AUD": "$", "CAD": "$", "NZD": "$"}
STATUS_LABELS = {"on_target": "On target", "warning": "Warning", "critical": "Critical"}
STATUS_COLOURS = {"on_target": "#dcfce7", "warning": "#fef3c7", "critical": "#fee2e2"}
PERIOD_KINDS = {"trading_day": "Trading day", "week": "Week", "month": "Month"}
SERIES_COLOURS = ["#1d4ed8", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#64748b"]
FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})
HEADER_ROW = 2  # title, subtitle, then the header
MAX_WIDTH = 60
TEXT_WIDTH = 100  # characters a summary paragraph spans
CHART_WIDTH_PX, CHART_HEIGHT_PX = 760, 380
SIGNED_PERCENT = "+0.0%;-0.0%;0.0%"


def render_xlsx(snapshot: dict[str, Any]) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        output,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    book = _Book(workbook, snapshot)
    book.write()
    workbook.close()
    return output.getvalue()


def currency_format(currency: str | None) -> str:
    code = (currency or "GBP").upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    return f"{symbol}#,##0.00" if symbol else f'"{code} "#,##0.00'


def number_format(unit: str, currency: str | None, values: list[Any], key: str = "") -> str | None:
    """The Excel number format for a unit; counts keep decimals only where the data has them."""
    if unit == "currency":
        return currency_format(currency)
    if unit == "ratio":
        return SIGNED_PERCENT if key == "change" or key.endswith("_change") else "0.0%"
    if unit in ("count", "people"):
        whole = all(float(v).is_integer() for v in values if _is_number(v))
        return "#,##0" if whole else "#,##0.00"
    if unit == "rating":
        return "0.00"
    if unit == "hours":
        return "#,##0.0#"
    return None


def sheet_names(titles: list[str], taken: set[str]) -> list[str]:
    """Excel-safe, unique (case-insensitively) sheet names of at most 31 characters."""
    used = {t.lower() for t in taken} | {"history"}  # Excel reserves "History"
    names = []
    for i, title in enumerate(titles, start=1):
        base = " ".join(str(title).translate(FORBIDDEN_IN_SHEET_NAMES).split()).strip("'")
        base = base[:31].rstrip() or f"Section {i}"
        name, n = base, 1
        while name.lower() in used:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)].rstrip() + suffix
        used.add(name.lower())
        names.append(name)
    return names


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _display_width(value: Any, fmt: str | None) -> int:
    """Roughly how many characters Excel shows for a value in a format."""
    if value is None:
        return 0
    if _is_number(value):
        if fmt and "%" in fmt:
            return len(f"{value * 100:+.1f}%")
        if fmt and "0.00" in fmt:
            return len(f"{value:,.2f}") + (1 if fmt.startswith(("£", "€", "$")) else 5)
        return len(f"{value:,.0f}") if float(value).is_integer() else len(f"{value:,.2f}")
    if isinstance(value, datetime):
        return 17
    if isinstance(value, date):
        return 11
    return max((len(line) for line in str(value).splitlines()), default=0)


class _Book:
    """One workbook being written: its formats, made once, and its sheets."""

    def __init__(self, workbook: Workbook, snapshot: dict[str, Any]) -> None:
        self.workbook = workbook
        self.snapshot = snapshot
        self.currency = (snapshot.get("organization") or {}).get("currency") or "GBP"
        self.timezone = snapshot.get("timezone") or "UTC"
        venues = snapshot.get("venues") or []
        brands = [str(v.get("brand_colour") or "") for v in venues]
        brand = next((b for b in brands if re.fullmatch(r"#[0-9A-Fa-f]{6}", b)), None)
        self.colours = ([brand] if brand else []) + SERIES_COLOURS
        self._formats: dict[tuple[Any, ...], Any] = {}

    # -- formats --------------------------------------------------------------

    def fmt(self, num_format: str | None = None, **props: Any) -> Any:
        props = {k: v for k, v in props.items() if v is not None}
        key = (num_format, tuple(sorted(props.items())))
        if key not in self._formats:
            spec = dict(props)
            if num_format:
                spec["num_format"] = num_format
            self._formats[key] = self.workbook.add_format(spec)
        return self._formats[key]

    def value_format(self, column: Column, fmt: str | None, **props: Any) -> Any:
        if column.type == "date":
            return self.fmt(fmt or "d mmm yyyy", **props)
        return self.fmt(fmt, **props)

    # -- writing --------------------------------------------------------------

    def write(self) -> None:
        report = self.snapshot.get("report") or {}
        generated = self.generated_at()
        self.workbook.set_properties(
            {
                "title": report.get("name") or "Report",
                "subject": self.period_text(),
                "company": (self.snapshot.get("organization") or {}).get("name") or "",
                "author": "nightcap",
                "created": (generated or datetime(2000, 1, 1)).replace(tzinfo=None),
            }
        )
        ordered = sections(self.snapshot)
        names = sheet_names([s.get("title") or s.get("key") or "" for s in ordered], {"Cover"})
        cover = self.workbook.add_worksheet("Cover")
        self.write_cover(cover, ordered, names)
        for section, name in zip(ordered, names, strict=True):
            sheet = self.workbook.add_worksheet(name)
            kind = section.get("type")
            if kind == "summary":
                self.write_summary(sheet, section)
            elif kind == "metrics":
                self.write_metrics(sheet, section)
            elif kind in ("table", "chart"):
                self.write_table_section(sheet, section, name)
            else:
                raise SnapshotError(f"section {section.get('key')!r}: unknown type {kind!r}")

    def generated_at(self) -> datetime | None:
        value = parse_date(self.snapshot.get("generated_at"))
        if not isinstance(value, datetime):
            return None
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = UTC
        return value.astimezone(zone) if value.tzinfo else value

    def period_text(self) -> str:
        period = self.snapshot.get("period") or {}
        start, end = parse_date(period.get("start")), parse_date(period.get("end"))
        if isinstance(start, date) and isinstance(end, date):
            if start == end:
                return start.strftime("%a %-d %b %Y")
            return f"{start.strftime('%a %-d %b %Y')} to {end.strftime('%a %-d %b %Y')}"
        return ""

    def subtitle(self) -> str:
        venues = ", ".join(v.get("name", "") for v in self.snapshot.get("venues") or [])
        parts = [venues, self.period_text(), self.timezone]
        return " · ".join(p for p in parts if p)

    def heading(self, sheet: Worksheet, title: str) -> None:
        sheet.write_string(0, 0, title, self.fmt(bold=True, font_size=14))
        sheet.write_string(1, 0, self.subtitle(), self.fmt(font_color="#555555"))

    def write_cover(
        self, sheet: Worksheet, ordered: list[dict[str, Any]], names: list[str]
    ) -> None:
        snap = self.snapshot
        report = snap.get("report") or {}
        label = self.fmt(bold=True, valign="top")
        wrap = self.fmt(text_wrap=True, valign="top")
        sheet.set_column(0, 0, 18)
        sheet.set_column(1, 1, 90)
        sheet.hide_gridlines(2)
        sheet.write_string(0, 0, report.get("name") or "Report", self.fmt(bold=True, font_size=18))
        row = 1
        if report.get("description"):
            sheet.write_string(row, 0, "About", label)
            sheet.write_string(row, 1, report["description"], wrap)
            row += 1
        stale = snap.get("stale")
        if stale:
            reason = stale.get("reason") if isinstance(stale, dict) else str(stale)
            red = self.fmt(bold=True, font_color="#991b1b", bg_color="#fee2e2", text_wrap=True)
            sheet.write_string(row, 0, "STALE REPORT", red)
            sheet.write_string(row, 1, reason or "This report is a re-issue of an older one.", red)
            row += 1
        row += 1
        organization = snap.get("organization") or {}
        period = snap.get("period") or {}
        facts: list[tuple[str, Any, Any]] = [
            ("Organization", organization.get("name") or "", wrap),
            ("Venues", ", ".join(v.get("name", "") for v in snap.get("venues") or []), wrap),
            ("Period", PERIOD_KINDS.get(period.get("kind"), period.get("kind") or ""), wrap),
            ("From", parse_date(period.get("start")), self.fmt("ddd d mmm yyyy", align="left")),
            ("To", parse_date(period.get("end")), self.fmt("ddd d mmm yyyy", align="left")),
            ("Trading days", period.get("days"), self.fmt("#,##0", align="left")),
            ("Time zone", self.timezone, wrap),
            ("Currency", self.currency, wrap),
            ("Generated at", self.generated_at(), self.fmt("d mmm yyyy hh:mm", align="left")),
        ]
        for name, value, cell_format in facts:
            if value is None or value == "":
                continue
            sheet.write_string(row, 0, name, label)
            self.write_value(sheet, row, 1, value, cell_format)
            row += 1
        row += 1
        warnings = snap.get("warnings") or []
        sheet.write_string(row, 0, "Warnings", self.fmt(bold=True, font_size=12))
        row += 1
        if not warnings:
            sheet.write_string(row, 1, "None", wrap)
            row += 1
        for warning in warnings:
            severity = str(warning.get("severity") or "note").capitalize()
            sheet.write_string(row, 0, severity, label)
            sheet.write_string(row, 1, str(warning.get("message") or warning.get("code")), wrap)
            row += 1
        row += 1
        sheet.write_string(row, 0, "Sections", self.fmt(bold=True, font_size=12))
        row += 1
        link = self.fmt(font_color="blue", underline=1)
        for section, name in zip(ordered, names, strict=True):
            sheet.write_number(row, 0, int(section.get("position") or 0), self.fmt(align="left"))
            quoted = name.replace("'", "''")
            sheet.write_url(row, 1, f"internal:'{quoted}'!A1", link, string=name)
            row += 1
        sheet.activate()

    def write_value(
        self, sheet: Worksheet, row: int, col: int, value: Any, cell_format: Any
    ) -> None:
        if value is None:
            sheet.write_blank(row, col, None, cell_format)
        elif isinstance(value, bool):
            sheet.write_string(row, col, "Yes" if value else "No", cell_format)
        elif _is_number(value):
            sheet.write_number(row, col, value, cell_format)
        elif isinstance(value, datetime):
            sheet.write_datetime(row, col, value.replace(tzinfo=None), cell_format)
        elif isinstance(value, date):
            sheet.write_datetime(
                row, col, datetime(value.year, value.month, value.day), cell_format
            )
        elif isinstance(value, dict | list):
            raise SnapshotError(f"a nested value cannot go in a cell: {value!r}")
        else:
            sheet.write_string(row, col, str(value), cell_format)

    def cell_value(self, value: Any, column: Column) -> Any:
        if column.type == "date":
            return parse_date(value) or value
        return value

    # -- summary ------------------------------------------------------------

    def write_summary(self, sheet: Worksheet, section: dict[str, Any]) -> None:
        data = section_data(section)
        self.heading(sheet, section.get("title") or "")
        sheet.hide_gridlines(2)
        highlights = [h for h in data.get("highlights") or [] if isinstance(h, dict)]
        columns = table_columns(section)
        widths = [30, 16, 16, 12, 12] if highlights else []
        if columns:
            table_widths = self.widths(columns, table_rows(section), None)
            widths = [
                max(pair) for pair in itertools.zip_longest(widths, table_widths, fillvalue=0)
            ]
        widths = widths or [TEXT_WIDTH]
        span = 1  # the columns a paragraph is merged across: about TEXT_WIDTH characters
        while sum(widths[:span]) < TEXT_WIDTH and span < len(widths):
            span += 1
        widths[span - 1] += max(0, TEXT_WIDTH - sum(widths[:span]))
        for i, width in enumerate(widths):
            sheet.set_column(i, i, width)
        text_width = sum(widths[:span])

        row = HEADER_ROW + 1
        texts = [
            (data.get("headline"), self.fmt(bold=True, font_size=12, text_wrap=True, valign="top"))
        ]
        texts += [(p, self.fmt(text_wrap=True, valign="top")) for p in data.get("paragraphs") or []]
        for text, cell_format in texts:
            if not text:
                continue
            lines = sum(
                max(1, math.ceil(len(part) * 1.1 / text_width)) for part in str(text).split("\n")
            )
            sheet.set_row(row, 16 * lines)
            if span > 1:
                sheet.merge_range(row, 0, row, span - 1, str(text), cell_format)
            else:
                sheet.write_string(row, 0, str(text), cell_format)
            row += 2 if cell_format is texts[0][1] else 1

        if highlights:
            row += 1
            header = self.fmt(bold=True, bottom=1, bg_color="#f1f5f9")
            for col, title in enumerate(["Highlight", "Value", "Previous", "Change", "Status"]):
                sheet.write_string(row, col, title, header)
            for item in highlights:
                row += 1
                self.write_metric_row(sheet, row, item, with_target=False)
            row += 1
        if columns:
            self.write_table(sheet, section, row + 1, freeze=False)

    # -- metrics ------------------------------------------------------------

    def write_metrics(self, sheet: Worksheet, section: dict[str, Any]) -> None:
        data = section_data(section)
        metrics = [m for m in data.get("metrics") or data.get("rows") or [] if isinstance(m, dict)]
        self.heading(sheet, section.get("title") or "")
        titles = ["KPI", "Value", "Target", "Status", "Previous", "Change"]
        header = self.fmt(bold=True, bottom=1, bg_color="#f1f5f9", text_wrap=True)
        for col, title in enumerate(titles):
            sheet.write_string(HEADER_ROW, col, title, header)
        label_width = max([len(str(m.get("label") or "")) for m in metrics] + [10])
        sheet.set_column(0, 0, min(label_width + 2, MAX_WIDTH))
        sheet.set_column(1, 5, 15)
        row = HEADER_ROW
        for metric in metrics:
            row += 1
            self.write_metric_row(sheet, row, metric, with_target=True)
        sheet.freeze_panes(HEADER_ROW + 1, 0)
        if metrics:
            sheet.autofilter(HEADER_ROW, 0, row, len(titles) - 1)
        else:
            sheet.write_string(
                HEADER_ROW + 1, 0, "No figures for this period.", self.fmt(italic=True)
            )

    def write_metric_row(
        self, sheet: Worksheet, row: int, metric: dict[str, Any], with_target: bool
    ) -> None:
        """KPI, value, target, status, previous, change (highlights: no target, status last)."""
        unit = str(metric.get("unit") or "count")
        values = [metric.get("value"), metric.get("previous"), metric.get("target")]
        number = self.fmt(number_format(unit, self.currency, values))
        status = metric.get("status")
        status_text = STATUS_LABELS.get(status, str(status or "").replace("_", " ").capitalize())
        colour = STATUS_COLOURS.get(status or "")
        cells: list[tuple[Any, Any]] = [
            (str(metric.get("label") or metric.get("code") or ""), None),
            (metric.get("value"), number),
        ]
        if with_target:
            cells += [(metric.get("target"), number), (status_text, self.fmt(bg_color=colour))]
        cells += [
            (metric.get("previous"), number),
            (metric.get("change"), self.fmt(SIGNED_PERCENT)),
        ]
        if not with_target:
            cells.append((status_text, self.fmt(bg_color=colour)))
        for col, (value, cell_format) in enumerate(cells):
            self.write_value(sheet, row, col, value, cell_format)

    # -- tables and charts ----------------------------------------------------

    def widths(
        self, columns: list[Column], rows: list[dict[str, Any]], totals: dict[str, Any] | None
    ) -> list[int]:
        result = []
        for column in columns:
            values = [r.get(column.key) for r in rows] + (
                [totals.get(column.key)] if totals else []
            )
            fmt = number_format(column.type, self.currency, values, column.key)
            if column.type == "date":
                fmt = None
                values = [self.cell_value(v, column) for v in values]
            widest = max([_display_width(v, fmt) for v in values] + [0])
            header = len(column.label) + 3  # room for the autofilter's arrow
            result.append(max(8, min(MAX_WIDTH, max(widest + 2, header))))
        return result

    def write_table_section(self, sheet: Worksheet, section: dict[str, Any], name: str) -> None:
        self.heading(sheet, section.get("title") or "")
        first_free = self.write_table(sheet, section, HEADER_ROW, freeze=True)
        chart = chart_spec(section) if section.get("type") == "chart" else None
        if chart and table_rows(section):
            self.add_chart(sheet, section, chart, name, first_free + 1)

    def write_table(self, sheet: Worksheet, section: dict[str, Any], top: int, freeze: bool) -> int:
        """Header at row `top`, rows, totals; returns the first row below the table."""
        columns = table_columns(section)
        rows = table_rows(section)
        totals = table_totals(section)
        if not columns:
            raise SnapshotError(f"section {section.get('key')!r}: a table without columns")
        widths = self.widths(columns, rows, totals)
        header = self.fmt(bold=True, bottom=1, bg_color="#f1f5f9", text_wrap=True, valign="top")
        formats, totals_formats = [], []
        for col, (column, width) in enumerate(zip(columns, widths, strict=True)):
            values = [r.get(column.key) for r in rows] + (
                [totals.get(column.key)] if totals else []
            )
            fmt = number_format(column.type, self.currency, values, column.key)
            if column.type == "date":
                parsed = [parse_date(v) for v in values]
                fmt = "d mmm yyyy hh:mm" if any(isinstance(v, datetime) for v in parsed) else None
            wrap = {"text_wrap": True, "valign": "top"} if width >= MAX_WIDTH else {}
            formats.append(self.value_format(column, fmt, **wrap))
            totals_formats.append(self.value_format(column, fmt, bold=True, top=1))
            if freeze:
                sheet.set_column(col, col, width)
            sheet.write_string(top, col, column.label, header)
        row = top
        for item in rows:
            row += 1
            for col, column in enumerate(columns):
                value = self.cell_value(item.get(column.key), column)
                self.write_value(sheet, row, col, value, formats[col])
        if freeze:
            sheet.freeze_panes(top + 1, 0)
        if rows:
            sheet.autofilter(top, 0, row, len(columns) - 1)
        else:
            row += 1
            sheet.write_string(row, 0, "No rows for this period.", self.fmt(italic=True))
        if totals:
            row += 1
            labelled = any(c.type == "text" and totals.get(c.key) is not None for c in columns)
            for col, column in enumerate(columns):
                value = self.cell_value(totals.get(column.key), column)
                if col == 0 and value is None and not labelled:
                    value = "Total"  # e.g. a weekly trend, whose totals leave the week empty
                self.write_value(sheet, row, col, value, totals_formats[col])
        return row + 1

    def add_chart(
        self, sheet: Worksheet, section: dict[str, Any], chart: Chart, name: str, row: int
    ) -> None:
        columns = table_columns(section)
        index = {c.key: i for i, c in enumerate(columns)}
        first, last = HEADER_ROW + 1, HEADER_ROW + len(table_rows(section))
        kind = {
            "bar": ("column", None),
            "line": ("line", None),
            "stacked_bar": ("column", "stacked"),
        }
        chart_type, subtype = kind[chart.type]
        options = {"type": chart_type} | ({"subtype": subtype} if subtype else {})
        excel_chart = self.workbook.add_chart(options)
        x_col = index[chart.x.key]
        for n, series in enumerate(chart.series):
            col = index[series.key]
            colour = self.colours[n % len(self.colours)]
            spec: dict[str, Any] = {
                "name": [name, HEADER_ROW, col],
                "categories": [name, first, x_col, last, x_col],
                "values": [name, first, col, last, col],
            }
            if chart_type == "line":
                spec["line"] = {"color": colour, "width": 2.25}
                spec["marker"] = {"type": "circle", "size": 5, "fill": {"color": colour}}
            else:
                spec["fill"] = {"color": colour}
                spec["border"] = {"none": True}
            excel_chart.add_series(spec)
        unit = chart.series[0].type
        rows = table_rows(section)
        values = [r.get(s.key) for r in rows for s in chart.series]
        y_format = number_format(unit, self.currency, values)
        if y_format and "0.00" in y_format and unit == "currency":
            y_format = y_format.replace("0.00", "0")
        excel_chart.set_title({"name": section.get("title") or name, "name_font": {"size": 12}})
        excel_chart.set_x_axis({"name": chart.x.label})
        excel_chart.set_y_axis(
            {"num_format": y_format or "General", "major_gridlines": {"visible": True}}
        )
        excel_chart.set_legend({"position": "bottom"})
        excel_chart.set_size({"width": CHART_WIDTH_PX, "height": CHART_HEIGHT_PX})
        sheet.insert_chart(row, 0, excel_chart, {"x_offset": 4, "y_offset": 8})
