"""Benchmark: HTML and PDF of a Daily Summary in a warm process (no database).

Renders the busy-Saturday snapshot of tests/fixtures once to warm up (Jinja2,
matplotlib, WeasyPrint's fonts), then --runs times, and prints the median and
p95 wall and CPU milliseconds of render_html and render_pdf, the page count and
the PDF's size. Like the renderer daemon, it freezes what the process holds
for good before measuring (render_report.freeze_long_lived_objects;
--default-gc leaves the collector alone). Step 5 aims at 120 reports a minute
a core for PDF, XLSX and HTML together, i.e. 500 ms a report; HTML and PDF
should take well under 400 ms of it. CPU time is printed beside wall time
because a busy machine stretches the wall clock. Writes its figures to
bench/results.json ("render_html_pdf").

    .venv/bin/python -m bench.render_html_pdf [--runs 20] [--snapshot path.json] [--default-gc]
"""

import argparse
import json
import statistics
import time
from pathlib import Path

from bench.results import record
from renderer.render_html import render_html
from renderer.render_pdf import render_pdf
from renderer.render_report import freeze_long_lived_objects

FIXTURE = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "fixtures"
    / "snapshot-daily_summary-busy-saturday.json"
)


def timed(function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--snapshot", type=Path, default=FIXTURE)
    parser.add_argument(
        "--default-gc",
        action="store_true",
        help="leave the garbage collector as Python sets it (the daemon freezes its imports)",
    )
    args = parser.parse_args()
    snapshot = json.loads(args.snapshot.read_text())

    render_pdf(render_html(snapshot))  # warm-up
    if not args.default_gc:
        freeze_long_lived_objects()  # as the renderer daemon does at start
    times: dict[str, list[float]] = {"html": [], "pdf": [], "html cpu": [], "pdf cpu": []}
    pages = size = 0
    for _ in range(args.runs):
        html, wall, cpu = timed(render_html, snapshot)
        times["html"].append(wall)
        times["html cpu"].append(cpu)
        (pdf, pages), wall, cpu = timed(render_pdf, html)
        times["pdf"].append(wall)
        times["pdf cpu"].append(cpu)
        size = len(pdf)
    both = [h + p for h, p in zip(times["html"], times["pdf"], strict=True)]
    print(f"{args.snapshot.name}: {pages} pages, PDF {size / 1024:.0f} KiB, {args.runs} runs")
    print(f"{'':12} {'median ms':>10} {'p95 ms':>8}")
    for name, values in [*times.items(), ("html+pdf", both)]:
        print(f"{name:12} {statistics.median(values):10.1f} {p95(values):8.1f}")
    per_minute = 60_000 / statistics.median(both)
    print(f"html+pdf alone: {per_minute:.0f} reports a minute on one core")
    record(
        "render_html_pdf",
        {
            "snapshot": args.snapshot.name,
            "runs": args.runs,
            "gc": "default" if args.default_gc else "frozen after warm-up",
            "pages": pages,
            "pdf_bytes": size,
            "median_ms": {name: round(statistics.median(v), 1) for name, v in times.items()},
            "html_pdf_median_ms": round(statistics.median(both), 1),
        },
    )


if __name__ == "__main__":
    main()
