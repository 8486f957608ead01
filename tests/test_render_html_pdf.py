"""HTML and PDF reports from stored snapshots (no database).

The fixtures are real snapshots from the demo database: a busy Saturday at The
Backroom (tests/fixtures/snapshot-daily_summary-busy-saturday.json) and a
Monday without trading. The expected strings are the fixture's values written
out by hand, as a reader should see them.
"""

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import weasyprint

from renderer import formatting
from renderer import render_pdf as render_pdf_module
from renderer.render_html import render_html
from renderer.render_pdf import render_pdf

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"snapshot-{name}.json").read_text())


@pytest.fixture(scope="module")
def saturday() -> dict:
    return load("daily_summary-busy-saturday")


@pytest.fixture(scope="module")
def saturday_html(saturday) -> str:
    return render_html(saturday)


@pytest.fixture(scope="module")
def saturday_pdf(saturday_html) -> tuple[bytes, int]:
    return render_pdf(saturday_html)


def pdf_text(pdf: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    return pdf_text(pdf, tmp_path).split("\f")


def test_html_is_self_contained(saturday_html):
    assert saturday_html.startswith("<!DOCTYPE html>")
    assert "<script" not in saturday_html.lower()
    assert "javascript:" not in saturday_html.lower()
    # No external resource: no src/href to anywhere, no url() but SVG's own #ids.
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", saturday_html)
    assert not re.search(r"url\((?!#)", saturday_html)
    assert "<svg" in saturday_html  # the Bookings Analysis chart, inline
    # The whole stylesheet, print rules included, inline for browsers and email.
    assert "table.data thead th {" in saturday_html
    assert "@page {" in saturday_html


def test_header_names_venue_period_and_zone(saturday_html):
    assert "The Backroom Leeds" in saturday_html
    assert "The Backroom" in saturday_html
    assert "Daily Summary" in saturday_html
    assert "Saturday 21 November 2026" in saturday_html
    assert "Europe/London" in saturday_html
    assert "#7c2d12" in saturday_html  # the venue's brand colour
    assert "Generated Tue 24 Nov 2026, 22:49 GMT" in saturday_html


def test_pdf_shows_revenue_and_kpis(saturday_pdf, tmp_path):
    pdf, pages = saturday_pdf
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    # Gross revenue 36875.83: a tile in whole pounds, the revenue table in pence.
    assert "£36,876" in text
    assert "£36,875.83" in text
    assert "£36,803.83" in text  # net revenue
    assert "£34,958.39" in text  # gross revenue a week earlier
    # KPIs: booking conversion 0.7945, spend per head 39.91 (warning), no-show rate 0.0789.
    assert "79.5%" in text
    assert "£39.91" in text
    assert "7.9%" in text
    assert "89.5%" in text  # peak occupancy 0.8953
    assert "Warning" in text and "On target" in text
    # The change of gross revenue, +0.0548, as an arrow up.
    assert "▲ +5.5%" in text
    # Average spend per head fell 8.67%: an arrow down.
    assert f"▼ {formatting.MINUS}8.7%" in text
    assert "0.0826" not in text and "0.7945" not in text


def test_pdf_footer_numbers_pages(saturday_pdf, tmp_path):
    pdf, pages = saturday_pdf
    assert pages >= 2
    texts = page_texts(pdf, tmp_path)
    assert f"Page 1 of {pages}" in texts[0]
    assert f"Page {pages} of {pages}" in texts[pages - 1]
    # Later pages carry the report's name in the running header.
    assert "Daily Summary · Saturday 21 November 2026" in texts[1]


def test_pdf_shortcuts_lay_out_the_same_pages(saturday_html, saturday_pdf, tmp_path):
    """render_pdf's once-per-process stylesheets give the pages plain WeasyPrint gives."""
    assert render_pdf_module._USER_AGENT_STYLESHEET is not None, (
        "WeasyPrint's user-agent stylesheet changed: update render_pdf._UA_EDITS"
    )
    plain = weasyprint.HTML(string=saturday_html).render()
    pdf, pages = saturday_pdf
    assert pages == len(plain.pages)
    expected = pdf_text(plain.write_pdf(), tmp_path, layout=True)
    assert pdf_text(pdf, tmp_path, layout=True) == expected


def test_tables_repeat_headers_and_align_numbers(saturday_html):
    assert "display: table-header-group" in saturday_html
    assert '<td class="num">£21,301.70</td>' in saturday_html  # bar revenue, right-aligned
    assert "1 no-shows" not in saturday_html


def test_stale_report_shows_banner(saturday, tmp_path):
    stale = copy.deepcopy(saturday)
    reason = (
        "The report for 2026-11-22 to 2026-11-22 could not be generated (57014: canceling "
        "statement due to statement timeout); this is the last good report, for 2026-11-21 "
        "to 2026-11-21."
    )
    stale["stale"] = {"reason": reason, "failed_generation_id": 42, "reissue_of": 41}
    html = render_html(stale)
    assert 'class="stale"' in html
    assert "statement timeout" in html
    text = pdf_text(render_pdf(html)[0], tmp_path)
    assert "OUT OF DATE" in text.upper()
    assert "statement timeout" in text
    assert 'class="stale"' not in render_html(saturday)


def test_empty_night_renders(tmp_path):
    snapshot = load("daily_summary-empty-night")
    html = render_html(snapshot)
    pdf, pages = render_pdf(html)
    text = pdf_text(pdf, tmp_path)
    assert pages >= 1
    assert "No trading at The Backroom Leeds on Monday 23 November 2026" in text
    assert "No events this night." in text
    assert "No staff on shift this night." in text
    assert "No trading recorded from 2026-11-23 to 2026-11-23." in text  # the warning
    assert f"{formatting.MINUS}£115" in text  # net revenue after refunds


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (36875.83, "currency", "£36,875.83"),
        (-115.0, "currency", f"{formatting.MINUS}£115.00"),
        (0.0826, "ratio", "8.3%"),
        (1.0, "ratio", "100%"),
        (0.0, "ratio", "0%"),
        (12529, "count", "12,529"),
        (5.3, "count", "5.3"),
        (4.11, "rating", "4.11"),
        (None, "currency", formatting.DASH),
        ("2026-11-21", "date", "Sat 21 Nov"),
        ("on_target", "text", "On target"),
    ],
)
def test_format_value(value, kind, expected):
    assert formatting.format_value(value, kind, "GBP", year=2026) == expected


def test_format_period_and_change():
    assert formatting.format_period("2026-11-21", "2026-11-21") == "Saturday 21 November 2026"
    assert formatting.format_period("2026-11-16", "2026-11-22") == "Mon 16 – Sun 22 November 2026"
    assert formatting.format_period("2026-10-26", "2026-11-01") == (
        "Mon 26 October – Sun 1 November 2026"
    )
    assert formatting.format_period("2026-10-01", "2026-10-31") == "October 2026"
    assert formatting.format_change(0.0548) == "+5.5%"
    assert formatting.format_change(-0.1234) == f"{formatting.MINUS}12%"
    assert formatting.format_change(1.2114) == "+121%"
