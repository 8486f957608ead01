"""Benchmark: api.live_kpis, the live dashboard's one call, on the benchmark dataset.

Finds the busiest venue-night of the dataset (the most check-ins in
reporting.daily_aggregations) and times api.live_kpis for that venue at
23:30 on its clock that night (hours before 23:00 from the hourly rollup,
the rest from the facts), at the night's last hour, and at now(); each as the
owner (the DBA, pg_cron) and as a manager reading through row-level
security (a membership written and rolled back in the same transaction).
Medians of --runs calls on one warm connection, as the dashboard makes them.

    .venv/bin/python -m bench.live_kpis [--runs 50]

NIGHTCAP_BENCH_URL points it at another database (any migrated one with a
rolled-up history).
"""

import argparse
import statistics
import time
import uuid

import psycopg
from psycopg.rows import dict_row

from bench.dataset import bench_url
from bench.results import record


def median_ms(conn: psycopg.Connection, venue_id: int, at, runs: int) -> float:
    query = "SELECT api.live_kpis(%s)" if at is None else "SELECT api.live_kpis(%s, %s)"
    args = (venue_id,) if at is None else (venue_id, at)
    conn.execute(query, args)  # the session's first call plans the function's statements
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        conn.execute(query, args).fetchone()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="calls per figure")
    args = parser.parse_args()
    url = bench_url()
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        night = conn.execute(
            "SELECT a.organization_id, a.venue_id, a.business_date, a.check_ins, v.timezone,"
            "       ((a.business_date + time '23:30') AT TIME ZONE v.timezone) AS late_evening,"
            "       ((a.business_date + 1 + v.trading_day_starts) AT TIME ZONE v.timezone)"
            "         - interval '1 minute' AS last_minute"
            "  FROM reporting.daily_aggregations a"
            "  JOIN venue.venues v USING (organization_id, venue_id)"
            " ORDER BY a.check_ins DESC, a.business_date DESC LIMIT 1"
        ).fetchone()
        facts = conn.execute(
            "SELECT (SELECT count(*) FROM venue.payments) AS payments,"
            " (SELECT count(*) FROM venue.check_ins) AS check_ins"
        ).fetchone()
    if night is None:
        raise SystemExit("no rolled-up history: build the dataset first (python -m bench.dataset)")
    print(
        f"dataset: {facts['payments']:,} payments, {facts['check_ins']:,} check-ins;"
        f" busiest night: venue {night['venue_id']} on {night['business_date']}"
        f" ({night['check_ins']:,} check-ins)",
        flush=True,
    )
    moments = {
        "23:30 that night": night["late_evening"],
        "the night's last minute": night["last_minute"],
        "now()": None,
    }
    results = {}
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        for label, at in moments.items():
            results[f"owner, {label}"] = median_ms(conn, night["venue_id"], at, args.runs)
    with (
        psycopg.connect(url, row_factory=dict_row) as conn,
        conn.transaction(force_rollback=True),
    ):
        user = uuid.uuid4()
        conn.execute(
            "INSERT INTO venue.memberships (organization_id, user_id, role)"
            " VALUES (%s, %s, 'manager')",
            (night["organization_id"], user),
        )
        conn.execute("SET LOCAL ROLE nightcap_manager")
        conn.execute("SELECT set_config('nightcap.user_id', %s, true)", (str(user),))
        for label, at in moments.items():
            results[f"manager through RLS, {label}"] = median_ms(
                conn, night["venue_id"], at, args.runs
            )
    for name, ms in results.items():
        print(f"api.live_kpis {name:45s} median {ms:7.2f} ms", flush=True)
    record(
        "live_kpis",
        {
            **facts,
            "venue_id": night["venue_id"],
            "business_date": night["business_date"],
            "runs": args.runs,
            "median_ms": results,
        },
    )


if __name__ == "__main__":
    main()
