"""CSV: one file per table or chart section; a ZIP of them when there is more than one.

The CSV is the machine-readable export (people open the XLSX), so:

- UTF-8 **without** a byte-order mark. RFC 4180 and the text/csv type have no
  BOM; with one, the first header arrives as "\\ufeffHour" in Python's csv,
  pandas (unless told utf-8-sig), psql's COPY, cut/awk and most loaders. The
  cost: Excel on Windows, double-clicking the file, shows "£" as "Â£" —
  that reader has the XLSX, whose text is always right.
- A header row of the column labels, then one row per data row. Totals rows are
  left out: a loader would count them as data (the XLSX and PDF show them).
- Raw numbers as the database gave them (36875.83, 0.0548 for 5.48%, never
  "£36,876" or "5.5%"), ISO dates (2026-11-21), empty for null, true/false.
- Text that a spreadsheet would run as a formula (starting with = + - @, tab or
  carriage return) gets a leading apostrophe, as OWASP advises against CSV
  injection: names and event titles come from the public, and someone will
  open the file in Excel. Only text columns; numbers are never touched.
- RFC 4180 dialect: comma, double quotes where needed, CRLF line ends.

Files in the ZIP are named `<position>-<title slug>.csv` (`03-bookings-analysis.csv`)
with a fixed timestamp and mode, so the same snapshot always gives the same
bytes and sha256.
"""

import csv
import io
import zipfile
from decimal import Decimal
from typing import Any

from renderer.tabular import (
    Column,
    SnapshotError,
    slugify,
    table_columns,
    table_rows,
    tabular_sections,
)

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def render_csv(snapshot: dict[str, Any]) -> tuple[bytes, str]:
    """(content, extension): "csv" for one table/chart section, "zip" for several."""
    files = [(csv_name(s), section_csv(s)) for s in tabular_sections(snapshot)]
    if not files:
        raise SnapshotError(
            "no table or chart section to export as CSV: drop csv from the report's "
            "formats or add a table section to its template"
        )
    if len(files) == 1:
        return files[0][1], "csv"
    return zip_files(files), "zip"


def csv_name(section: dict[str, Any]) -> str:
    position = int(section.get("position") or 0)
    slug = slugify(section.get("title") or section.get("key") or "") or "section"
    return f"{position:02d}-{slug}.csv"


def section_csv(section: dict[str, Any]) -> bytes:
    columns = table_columns(section)
    if not columns:
        raise SnapshotError(f"section {section.get('key')!r}: a table without columns")
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.label for c in columns])
    for row in table_rows(section):
        writer.writerow([cell(row.get(c.key), c) for c in columns])
    return out.getvalue().encode("utf-8")


def cell(value: Any, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        # Plain notation (1e-05 -> 0.00001), the shortest digits that round-trip.
        text = format(Decimal(repr(value)) if isinstance(value, float) else value, "f")
        return text
    if isinstance(value, dict | list):
        raise SnapshotError(f"column {column.key!r}: a nested value cannot go in a CSV cell")
    text = str(value)
    if column.type == "text" and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def zip_files(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, wherever the daemon runs
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            archive.writestr(info, content, compresslevel=6)
    return buffer.getvalue()
