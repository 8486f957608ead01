"""One report's files: every format its snapshot asks for, rendered from the snapshot alone.

The renderer never computes a business number; it checks that the snapshot has
the shape the layouts expect (a snapshot that does not match its template is
a clear error, not a half-drawn PDF) and calls each format's renderer. HTML is
made once and reused for the PDF.
"""

import gc
import time
from dataclasses import dataclass

from renderer.render_csv import render_csv
from renderer.render_html import render_html
from renderer.render_json import render_json
from renderer.render_pdf import render_pdf
from renderer.render_xlsx import render_xlsx
from renderer.tabular import SnapshotError

SECTION_TYPES = {"summary", "metrics", "table", "chart"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
    "json": "application/json",
}
# HTML first: the PDF is drawn from it.
FORMAT_ORDER = ("html", "pdf", "xlsx", "csv", "json")


@dataclass(frozen=True)
class RenderedFile:
    format: str
    extension: str
    content_type: str
    data: bytes
    pages: int | None
    milliseconds: float


def check_snapshot(snapshot: object) -> dict:
    """The snapshot, if it has what every layout reads; SnapshotError naming what is wrong."""
    if not isinstance(snapshot, dict):
        raise SnapshotError(f"snapshot is {type(snapshot).__name__}, not an object")
    for key in ("report", "organization", "period", "sections", "venues"):
        if key not in snapshot:
            raise SnapshotError(f"snapshot has no {key!r}")
    sections = snapshot["sections"]
    if not isinstance(sections, list) or not sections:
        raise SnapshotError("snapshot has no sections")
    for section in sections:
        if not isinstance(section, dict) or section.get("type") not in SECTION_TYPES:
            raise SnapshotError(f"section {section!r:.80} has no known type")
        if not isinstance(section.get("data"), dict):
            raise SnapshotError(f"section {section.get('key')!r} has no data object")
    return snapshot


def freeze_long_lived_objects() -> None:
    """Keep what the process holds for good out of the garbage collector's scans.

    A PDF allocates and frees millions of objects, so Python's cyclic garbage
    collector runs about 90 times a report, and each full pass walked all of
    matplotlib, WeasyPrint, Jinja2 and their caches again: 80 ms CPU a report
    (freezing: 35-50 ms, the same pages, the same peak memory). Called once by a
    renderer process after its imports (and by the benchmark after its warm-up);
    garbage is collected first, so nothing unreachable is kept.
    """
    gc.collect()
    gc.freeze()


def render_all(snapshot: object, formats: list[str]) -> list[RenderedFile]:
    """Every requested format of one report, in a fixed order, each timed."""
    snapshot = check_snapshot(snapshot)
    unknown = set(formats) - set(FORMAT_ORDER)
    if unknown:
        raise SnapshotError(f"unknown formats {sorted(unknown)}")
    html: str | None = None
    files = []
    for fmt in (f for f in FORMAT_ORDER if f in formats):
        started = time.perf_counter()
        pages = None
        extension = fmt
        if fmt in ("html", "pdf") and html is None:
            html = render_html(snapshot)
        if fmt == "html":
            data = html.encode()
        elif fmt == "pdf":
            data, pages = render_pdf(html)
        elif fmt == "xlsx":
            data = render_xlsx(snapshot)
        elif fmt == "csv":
            data, extension = render_csv(snapshot)
        else:
            data = render_json(snapshot)
        files.append(
            RenderedFile(
                format=fmt,
                extension=extension,
                content_type=CONTENT_TYPES[extension],
                data=data,
                pages=pages,
                milliseconds=(time.perf_counter() - started) * 1000,
            )
        )
    return files
