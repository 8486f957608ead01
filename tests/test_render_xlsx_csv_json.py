"""XLSX, CSV and JSON from a report snapshot, read back (openpyxl, csv, zipfile, json).

The fixture is a real Daily Summary snapshot of the demo venue (The Backroom,
trading day 2026-11-21) with rows cut down; its totals are still the ones the
database computed for the whole night. Every expected value below was copied
by hand from tests/fixtures/xlsx_daily_summary.json.
"""

import copy
import csv
import hashlib
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.chart import BarChart, LineChart

from renderer.render_csv import render_csv
from renderer.render_html import render_html
from renderer.render_json import render_json
from renderer.render_xlsx import currency_format, render_xlsx, sheet_names
from renderer.tabular import SnapshotError

FIXTURE = Path(__file__).parent / "fixtures" / "xlsx_daily_summary.json"


@pytest.fixture
def snapshot() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def workbook(snapshot: dict[str, Any]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(snapshot)))


def row_values(sheet: Any, row: int) -> list[Any]:
    return [c.value for c in sheet[row]]


def section(snapshot: dict[str, Any], key: str) -> dict[str, Any]:
    return next(s for s in snapshot["sections"] if s["key"] == key)


# -- XLSX ---------------------------------------------------------------------


def test_xlsx_has_a_cover_then_one_sheet_per_section(snapshot: dict[str, Any]) -> None:
    book = workbook(snapshot)
    assert book.sheetnames == [
        "Cover",
        "Executive Summary",
        "Key Performance Indicators",
        "Bookings Analysis",
        "Revenue Breakdown",
        "Event Performance",
        "Customer Insights",
        "Staff Performance",
    ]


def test_xlsx_cover_names_report_organization_period_zone_and_warnings(
    snapshot: dict[str, Any],
) -> None:
    cover = workbook(snapshot)["Cover"]
    facts = {r[0]: r[1] for r in cover.iter_rows(values_only=True) if r[0]}
    assert cover["A1"].value == "Daily Summary"
    assert facts["Organization"] == "The Backroom Leeds"
    assert facts["Venues"] == "The Backroom"
    assert facts["Period"] == "Trading day"
    assert facts["From"] == datetime(2026, 11, 21)
    assert facts["To"] == datetime(2026, 11, 21)
    assert facts["Time zone"] == "Europe/London"
    # 22:49:55 UTC on 24 November is 22:49:55 in London (GMT in winter).
    assert facts["Generated at"] == datetime(2026, 11, 24, 22, 49, 55, 451000)
    assert facts["Warning"] == (
        "1 warning finding(s) of validation.check_out_without_check_in from 2026-11-21."
    )
    assert "STALE REPORT" not in facts


def test_xlsx_cover_shows_the_stale_notice(snapshot: dict[str, Any]) -> None:
    snapshot["stale"] = {"reason": "The report for 2026-11-22 could not be generated."}
    cover = workbook(snapshot)["Cover"]
    facts = {r[0]: r[1] for r in cover.iter_rows(values_only=True) if r[0]}
    assert facts["STALE REPORT"] == "The report for 2026-11-22 could not be generated."


def test_xlsx_summary_sheet_has_headline_paragraphs_and_highlights(
    snapshot: dict[str, Any],
) -> None:
    sheet = workbook(snapshot)["Executive Summary"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    headline = next(c for c in cells if str(c.value).startswith("Revenue £36,876"))
    assert headline.font.b
    texts = [c.value for c in cells]
    assert (
        "253 bookings for 671 guests, 18% above the same night last week; "
        "24 cancelled and 18 no-shows." in texts
    )
    gross = next(c for c in cells if c.value == "Gross revenue")
    values = row_values(sheet, gross.row)
    assert values[:5] == ["Gross revenue", 36875.83, 34958.39, 0.0548, "On target"]
    assert sheet.cell(gross.row, 2).number_format == "£#,##0.00"
    assert "%" in sheet.cell(gross.row, 4).number_format


def test_xlsx_metrics_sheet_has_kpi_value_target_status_previous_change(
    snapshot: dict[str, Any],
) -> None:
    sheet = workbook(snapshot)["Key Performance Indicators"]
    assert row_values(sheet, 3) == ["KPI", "Value", "Target", "Status", "Previous", "Change"]
    assert row_values(sheet, 4) == [
        "Revenue per trading day",
        36875.83,
        30000,
        "On target",
        34958.39,
        0.0548,
    ]
    assert row_values(sheet, 6) == ["Average spend per head", 39.91, 45, "Warning", 43.7, -0.0867]
    assert row_values(sheet, 7) == ["Booking conversion", 0.7945, 0.85, "Warning", 0.8233, -0.035]
    assert sheet["B4"].number_format == "£#,##0.00"
    assert sheet["B7"].number_format == "0.0%"
    assert sheet["F6"].number_format.startswith("+0.0%")
    assert sheet.freeze_panes == "A4"


def test_xlsx_table_sheet_numbers_formats_frozen_header_filter_and_totals(
    snapshot: dict[str, Any],
) -> None:
    sheet = workbook(snapshot)["Revenue Breakdown"]
    assert sheet["A1"].value == "Revenue Breakdown"
    header = ["Revenue", "Amount", "Share of gross", "A week earlier", "Change"]
    assert row_values(sheet, 3) == header
    assert row_values(sheet, 4) == ["Bar", 21301.7, 0.5777, 19172.7, 0.111]
    assert row_values(sheet, 7) == ["Deposits", 0, 0, 280, -1]
    assert row_values(sheet, 9) == ["Net revenue", 36803.83, 0.998, 34848.39, 0.0561]
    assert row_values(sheet, 10) == ["Gross revenue", 36875.83, 1, 34958.39, 0.0548]
    assert sheet["B4"].number_format == "£#,##0.00"
    assert sheet["C4"].number_format == "0.0%"
    assert sheet["E4"].number_format == "+0.0%;-0.0%;0.0%"
    assert all(c.font.b for c in sheet[10])
    assert not sheet["B9"].font.b
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:E9"  # the totals row stays out of the sort
    assert sheet.column_dimensions["A"].width >= len("Gross revenue")
    assert sheet.column_dimensions["C"].width >= len("Share of gross")


def test_xlsx_dates_are_dates_and_counts_are_integers(snapshot: dict[str, Any]) -> None:
    book = workbook(snapshot)
    events = book["Event Performance"]
    header = row_values(events, 3)
    row = dict(zip(header, row_values(events, 4), strict=True))
    assert row["Event"] == "SHHH! with DJ Whisper"
    assert row["Date"] == datetime(2026, 11, 21)
    assert row["Attendance"] == 924
    assert row["Revenue"] == 43630.83
    assert row["Rating"] == 4
    date_cell = events.cell(4, header.index("Date") + 1)
    assert date_cell.is_date and "yyyy" in date_cell.number_format
    attendance = events.cell(4, header.index("Attendance") + 1)
    assert attendance.number_format == "#,##0"
    totals = dict(zip(header, row_values(events, 5), strict=True))
    assert totals["Event"] == "1 events"
    assert totals["Attendance"] == 924
    staff = book["Staff Performance"]
    assert row_values(staff, 4) == [1, "Tomasz Turner", "host", 0, 0, 5, 3275.13, None]
    assert row_values(staff, 7) == [None, "27 staff", None, 15, 105, 74, 35960.83, 342.48]


def test_xlsx_chart_section_has_its_table_and_a_native_stacked_chart(
    snapshot: dict[str, Any],
) -> None:
    sheet = workbook(snapshot)["Bookings Analysis"]
    assert row_values(sheet, 3)[:3] == ["Hour", "Bookings", "Confirmed"]
    assert row_values(sheet, 5)[:4] == ["22:00", 111, 3, 92]
    assert row_values(sheet, 9)[0] == "Total"
    assert row_values(sheet, 9)[1] == 253
    assert sheet.freeze_panes == "A4"
    assert len(sheet._charts) == 1
    chart = sheet._charts[0]
    assert isinstance(chart, BarChart)
    assert chart.type == "col" and chart.grouping == "stacked"
    # Five series (confirmed, completed, pending, cancelled, no-shows) over the five hours.
    refs = [s.val.numRef.f for s in chart.series]
    assert refs[0] == "'Bookings Analysis'!$C$4:$C$8"
    assert refs[-1] == "'Bookings Analysis'!$G$4:$G$8"
    assert chart.series[0].cat.strRef.f == "'Bookings Analysis'!$A$4:$A$8"


def test_xlsx_chart_kind_follows_the_templates_display_config(snapshot: dict[str, Any]) -> None:
    section(snapshot, "bookings_analysis")["display"] = {"chart": "line"}
    sheet = workbook(snapshot)["Bookings Analysis"]
    assert isinstance(sheet._charts[0], LineChart)


def test_xlsx_empty_chart_section_says_so_and_draws_no_chart(snapshot: dict[str, Any]) -> None:
    section(snapshot, "bookings_analysis")["data"]["rows"] = []
    sheet = workbook(snapshot)["Bookings Analysis"]
    assert sheet["A4"].value == "No rows for this period."
    assert sheet._charts == []


def test_xlsx_currency_follows_the_organization() -> None:
    assert currency_format("GBP") == "£#,##0.00"
    assert currency_format("EUR") == "€#,##0.00"
    assert currency_format("CHF") == '"CHF "#,##0.00'


def test_xlsx_text_is_never_a_formula(snapshot: dict[str, Any]) -> None:
    section(snapshot, "staff_performance")["data"]["rows"][0]["name"] = "=HYPERLINK(1)"
    cell = workbook(snapshot)["Staff Performance"]["B4"]
    assert cell.value == "=HYPERLINK(1)"
    assert cell.data_type == "s"


def test_xlsx_sheet_names_are_safe_short_and_unique() -> None:
    names = sheet_names(
        ["Revenue: [Bar/Tables]?", "A" * 40, "a" * 40, "Cover", "History", "", "'Quoted'"],
        {"Cover"},
    )
    assert names == [
        "Revenue Bar Tables",
        "A" * 31,
        "a" * 27 + " (2)",
        "Cover (2)",
        "History (2)",
        "Section 6",
        "Quoted",
    ]
    assert all(len(n) <= 31 for n in names)


def test_xlsx_is_the_same_bytes_for_the_same_snapshot(snapshot: dict[str, Any]) -> None:
    first = hashlib.sha256(render_xlsx(snapshot)).hexdigest()
    assert hashlib.sha256(render_xlsx(copy.deepcopy(snapshot))).hexdigest() == first


# -- CSV ----------------------------------------------------------------------


def csv_files(snapshot: dict[str, Any]) -> dict[str, str]:
    content, extension = render_csv(snapshot)
    assert extension == "zip"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {n: archive.read(n).decode("utf-8") for n in archive.namelist()}


def test_csv_zips_one_file_per_table_or_chart_section(snapshot: dict[str, Any]) -> None:
    assert list(csv_files(snapshot)) == [
        "03-bookings-analysis.csv",
        "04-revenue-breakdown.csv",
        "05-event-performance.csv",
        "06-customer-insights.csv",
        "07-staff-performance.csv",
    ]


def test_csv_has_labels_then_raw_numbers_and_no_totals(snapshot: dict[str, Any]) -> None:
    revenue = csv_files(snapshot)["04-revenue-breakdown.csv"]
    assert revenue == (
        "Revenue,Amount,Share of gross,A week earlier,Change\r\n"
        "Bar,21301.7,0.5777,19172.7,0.111\r\n"
        "Tables,7204.13,0.1954,8218.69,-0.1234\r\n"
        "Tickets,8370.0,0.227,7287.0,0.1486\r\n"
        "Deposits,0.0,0.0,280.0,-1.0\r\n"
        "Refunds,72.0,0.002,110.0,-0.3455\r\n"
        "Net revenue,36803.83,0.998,34848.39,0.0561\r\n"
    )


def test_csv_dates_are_iso_and_nulls_empty(snapshot: dict[str, Any]) -> None:
    files = csv_files(snapshot)
    events = list(csv.DictReader(io.StringIO(files["05-event-performance.csv"])))
    assert len(events) == 1
    assert events[0]["Date"] == "2026-11-21"
    assert events[0]["Event"] == "SHHH! with DJ Whisper"
    assert events[0]["Peak occupancy"] == "0.8953"
    staff = list(csv.reader(io.StringIO(files["07-staff-performance.csv"])))
    assert staff[0] == [
        "#",
        "Staff",
        "Role",
        "Shifts",
        "Hours",
        "Bookings",
        "Revenue taken",
        "Revenue per hour",
    ]
    assert staff[1] == ["1", "Tomasz Turner", "host", "0", "0.0", "5", "3275.13", ""]
    assert len(staff) == 4  # the header and three rows


def test_csv_is_utf8_without_bom(snapshot: dict[str, Any]) -> None:
    content, _ = render_csv(snapshot)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        raw = archive.read("03-bookings-analysis.csv")
    assert raw.startswith(b"Hour,Bookings,")
    section(snapshot, "staff_performance")["data"]["rows"][0]["name"] = "Zoë £"
    assert "Zoë £".encode() in zipfile.ZipFile(io.BytesIO(render_csv(snapshot)[0])).read(
        "07-staff-performance.csv"
    )


def test_csv_one_section_is_a_plain_csv(snapshot: dict[str, Any]) -> None:
    snapshot["sections"] = [section(snapshot, "customer_insights")]
    content, extension = render_csv(snapshot)
    assert extension == "csv"
    assert content.decode("utf-8").splitlines() == [
        "Pattern,Group,Count,Share",
        "Customers,New,107,0.4672",
        "Customers,Returning,122,0.5328",
        "Party size,1-2,88,0.3843",
        "Party size,3-4,81,0.3537",
    ]


def test_csv_text_that_would_run_as_a_formula_is_quoted(snapshot: dict[str, Any]) -> None:
    snapshot["sections"] = [section(snapshot, "staff_performance")]
    snapshot["sections"][0]["data"]["rows"][0]["name"] = "=cmd|'/c calc'!A1"
    rows = list(csv.reader(io.StringIO(render_csv(snapshot)[0].decode())))
    assert rows[1][1] == "'=cmd|'/c calc'!A1"


def test_csv_without_a_table_section_is_refused(snapshot: dict[str, Any]) -> None:
    snapshot["sections"] = [section(snapshot, "executive_summary")]
    with pytest.raises(SnapshotError, match="no table or chart section"):
        render_csv(snapshot)


def test_csv_zip_is_the_same_bytes_for_the_same_snapshot(snapshot: dict[str, Any]) -> None:
    content, _ = render_csv(snapshot)
    assert render_csv(copy.deepcopy(snapshot))[0] == content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# -- JSON ---------------------------------------------------------------------


def test_json_round_trips_the_snapshot_as_is(snapshot: dict[str, Any]) -> None:
    content = render_json(snapshot)
    assert json.loads(content) == snapshot
    assert content == render_json(copy.deepcopy(snapshot))
    text = content.decode("utf-8")
    assert text.startswith('{\n  "data_version": 1,\n')
    assert "Revenue £36,876" in text  # UTF-8, not \u00a3
    assert text.endswith("}\n")


# -- hidden row fields ----------------------------------------------------------


def test_no_format_shows_a_rows_hidden_fields(snapshot: dict[str, Any]) -> None:
    """`_customer_key` (what erasure finds a customer's rows by) is in no file (the PDF is
    made from the HTML)."""
    tables = [s for s in snapshot["sections"] if s["type"] in ("table", "chart")]
    for s in tables:
        for row in s["data"]["rows"]:
            row["_customer_key"] = "f00dfeedf00dfeedf00dfeedf00dfeed"
    csv_bytes, _ = render_csv(snapshot)
    texts = [render_json(snapshot).decode(), csv_bytes.decode("latin-1"), render_html(snapshot)]
    with zipfile.ZipFile(io.BytesIO(render_xlsx(snapshot))) as archive:
        texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    if csv_bytes[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(csv_bytes)) as archive:
            texts += [archive.read(n).decode("utf-8") for n in archive.namelist()]
    assert tables and not [t for t in texts if "f00dfeed" in t or "_customer_key" in t]
    # The JSON file is otherwise the snapshot: only the hidden fields are left out.
    for s in tables:
        for row in s["data"]["rows"]:
            del row["_customer_key"]
    assert json.loads(render_json(snapshot)) == snapshot
