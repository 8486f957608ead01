"""Benchmark: report snapshots generated in the database, on the benchmark dataset.

Times api.generate_report for the Daily Summary of the dataset's last trading
day and the Weekly Summary of its last full Monday-Sunday week, for a whole
organization (10 venues) and for one venue, each run in a transaction that is
rolled back (so no run is served from the report cache, and none leaves a
row). Runs after the first reuse the session's plans, as pg_cron's worker and
the renderer's connection do; the first run of a fresh session is printed
too. Medians of --runs; the slowest sections of the last run come from the
snapshot's own durations_ms. Targets (Step 4): Daily < 200 ms, Weekly < 500 ms.

    .venv/bin/python -m bench.reports [--runs 7]
"""

import argparse
import json
import statistics
import time
from datetime import timedelta
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from bench.dataset import bench_url


def generate_once(conn: psycopg.Connection, request: dict) -> tuple[float, dict]:
    """One snapshot, timed from the client, rolled back; returns seconds and its durations."""
    with conn.transaction(force_rollback=True):
        started = time.perf_counter()
        generation_id = conn.execute(
            "SELECT api.generate_report(%(key)s, %(org)s, %(start)s, %(end)s, %(filters)s::jsonb)",
            request,
        ).fetchone()["generate_report"]
        elapsed = time.perf_counter() - started
        row = conn.execute(
            "SELECT snapshot -> 'durations_ms' AS durations, snapshot_bytes"
            " FROM reporting.report_generation_history WHERE generation_id = %s",
            (generation_id,),
        ).fetchone()
    return elapsed, row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="warm runs of each figure")
    args = parser.parse_args()
    url = bench_url()
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        facts = conn.execute(
            "SELECT (SELECT count(*) FROM venue.payments) AS payments,"
            " (SELECT count(*) FROM venue.bookings) AS bookings"
        ).fetchone()
        scope = conn.execute(
            "SELECT a.organization_id AS org, max(a.business_date) AS last_day,"
            "       min(a.venue_id) AS venue_id, count(DISTINCT a.venue_id) AS venues"
            "  FROM reporting.daily_aggregations a"
            " WHERE a.gross_revenue > 0 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
        ).fetchone()
    last_day = scope["last_day"]
    week_end = last_day - timedelta(days=last_day.isoweekday() % 7)  # the Sunday on or before
    requests = {
        f"Daily Summary, organization ({scope['venues']} venues)": (
            "daily_summary",
            last_day,
            last_day,
            "{}",
        ),
        "Daily Summary, one venue": (
            "daily_summary",
            last_day,
            last_day,
            json.dumps({"venue_id": scope["venue_id"]}),
        ),
        f"Weekly Summary, organization ({scope['venues']} venues)": (
            "weekly_summary",
            week_end - timedelta(days=6),
            week_end,
            "{}",
        ),
        "Weekly Summary, one venue": (
            "weekly_summary",
            week_end - timedelta(days=6),
            week_end,
            json.dumps({"venue_id": scope["venue_id"]}),
        ),
    }
    print(
        f"dataset: {facts['payments']:,} payments, {facts['bookings']:,} bookings;"
        f" last trading day {last_day}, week to {week_end}",
        flush=True,
    )
    results = {}
    for name, (key, start, end, filters) in requests.items():
        request = {"key": key, "org": scope["org"], "start": start, "end": end, "filters": filters}
        with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
            cold, _ = generate_once(conn, request)
            warm = [generate_once(conn, request) for _ in range(args.runs)]
        median = statistics.median(seconds for seconds, _ in warm)
        durations = warm[-1][1]["durations"]
        slowest = sorted(
            ((k, v) for k, v in durations.items() if k != "total"), key=lambda kv: -kv[1]
        )[:3]
        results[name] = {
            "median_ms": median * 1000,
            "first_run_ms": cold * 1000,
            "snapshot_bytes": warm[-1][1]["snapshot_bytes"],
            "slowest_sections_ms": dict(slowest),
        }
        print(
            f"{name:42s} median {median * 1000:7.1f} ms  first run {cold * 1000:7.1f} ms"
            f"  ({warm[-1][1]['snapshot_bytes']:,} bytes; slowest:"
            f" {', '.join(f'{k} {v:.0f} ms' for k, v in slowest)})",
            flush=True,
        )
    daily = max(v["median_ms"] for k, v in results.items() if k.startswith("Daily"))
    weekly = max(v["median_ms"] for k, v in results.items() if k.startswith("Weekly"))
    print(f"\nDaily Summary snapshot: {daily:.1f} ms (target < 200 ms)")
    print(f"Weekly Summary snapshot: {weekly:.1f} ms (target < 500 ms)")
    out = Path(__file__).with_name("results.json")
    previous = json.loads(out.read_text()) if out.exists() else {}
    previous["reports"] = {**facts, "runs": args.runs, "figures": results}
    out.write_text(json.dumps(previous, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
