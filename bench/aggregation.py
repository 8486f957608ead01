"""Benchmark: the aggregation engine against its physical limit and against analysts' tools.

On the benchmark dataset (bench/dataset.py), in one run, medians of --runs:
- bare:      one GROUP BY (venue, business_date) pass over the payments, summing
             gross and refunds: the least any daily rollup of payments can cost;
- daily:     api.rebuild_daily_aggregations over the whole range: every daily
             row rebuilt from the hourly rows and the per-day customer and table
             sets (seed 001's hourly -> daily batch; the issue's "full rebuild of
             all daily aggregations"), rolled back after timing;
- pandas / polars / DuckDB: the same payments fetched with COPY and the same
             daily gross / refunds computed there;
- one hour:  a late refund in one venue-hour, then api.process_hourly_aggregations()
             (rolled back; median of 20);
and, medians of --facts-runs, since it takes minutes:
- facts:     api.rebuild_aggregations over the whole range: hourly and daily
             rows of every venue-day re-read from bookings, payments, check-ins
             and feedback, the customer and table sets, event analytics and
             data-quality checks, rolled back after timing. Not the daily figure.
Prints a table and writes bench/results.json.

    .venv/bin/python -m bench.aggregation [--runs 3] [--facts-runs 1]
"""

import argparse
import io
import statistics
import time
from pathlib import Path

import psycopg

from bench.dataset import bench_url
from bench.results import record

BARE = "bare GROUP BY (venue, business_date)"
DAILY = "daily rebuild from hourly, whole range"
FACTS = "whole rebuild from facts (hourly+daily+events+DQ)"
HOUR = "one venue-hour change, re-aggregated"

# The outer sums make PostgreSQL compute the inner ones: a bare count(*) over
# the groups lets the planner drop the unused aggregates and only group.
BARE_GROUP_BY = """
SELECT count(*), sum(gross), sum(refunds) FROM (
  SELECT p.organization_id, p.venue_id,
         ((p.paid_at AT TIME ZONE v.timezone) - v.trading_day_starts::interval)::date
           AS business_date,
         sum(p.amount) FILTER (WHERE p.kind <> 'refund') AS gross,
         sum(p.amount) FILTER (WHERE p.kind = 'refund') AS refunds
    FROM venue.payments p
    JOIN venue.venues v USING (organization_id, venue_id)
   WHERE p.status = 'succeeded'
   GROUP BY 1, 2, 3) days
"""

COPY_PAYMENTS = """
COPY (SELECT p.venue_id, p.paid_at, p.kind, p.amount, v.timezone
        FROM venue.payments p JOIN venue.venues v USING (organization_id, venue_id)
       WHERE p.status = 'succeeded') TO STDOUT WITH (FORMAT csv, HEADER)
"""


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def fetch_csv(conn: psycopg.Connection) -> bytes:
    buffer = io.BytesIO()
    with conn.cursor().copy(COPY_PAYMENTS) as copy:
        for chunk in copy:
            buffer.write(chunk)
    return buffer.getvalue()


def with_pandas(conn: psycopg.Connection) -> int:
    import pandas as pd

    df = pd.read_csv(io.BytesIO(fetch_csv(conn)))
    local = pd.to_datetime(df["paid_at"], utc=True, format="ISO8601").dt.tz_convert("Europe/London")
    df["business_date"] = (local - pd.Timedelta(hours=6)).dt.date
    df["gross"] = df["amount"].where(df["kind"] != "refund", 0)
    df["refunds"] = df["amount"].where(df["kind"] == "refund", 0)
    return len(df.groupby(["venue_id", "business_date"])[["gross", "refunds"]].sum())


def with_polars(conn: psycopg.Connection) -> int:
    import polars as pl

    df = pl.read_csv(io.BytesIO(fetch_csv(conn)), try_parse_dates=False)
    df = df.with_columns(
        (
            pl.col("paid_at").str.to_datetime(time_zone="UTC").dt.convert_time_zone("Europe/London")
            - pl.duration(hours=6)
        )
        .dt.date()
        .alias("business_date")
    )
    out = df.group_by(["venue_id", "business_date"]).agg(
        pl.when(pl.col("kind") != "refund")
        .then(pl.col("amount"))
        .otherwise(0)
        .sum()
        .alias("gross"),
        pl.when(pl.col("kind") == "refund")
        .then(pl.col("amount"))
        .otherwise(0)
        .sum()
        .alias("refunds"),
    )
    return out.height


def with_duckdb(conn: psycopg.Connection) -> int:
    import duckdb

    path = Path("/tmp/nightcap-bench-payments.csv")
    path.write_bytes(fetch_csv(conn))
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    rows = db.execute(
        f"""SELECT count(*) FROM (
              SELECT venue_id,
                     CAST(timezone('Europe/London', CAST(paid_at AS TIMESTAMPTZ))
                          - INTERVAL 6 HOUR AS DATE) AS d,
                     sum(CASE WHEN kind <> 'refund' THEN amount ELSE 0 END) AS gross,
                     sum(CASE WHEN kind = 'refund' THEN amount ELSE 0 END) AS refunds
                FROM read_csv_auto('{path}') GROUP BY 1, 2)"""
    ).fetchone()[0]
    path.unlink()
    return rows


def one_venue_hour(conn: psycopg.Connection, venue: dict) -> float:
    with conn.transaction(force_rollback=True):
        conn.execute(
            "INSERT INTO venue.payments"
            " (organization_id, venue_id, kind, amount, provider, paid_at)"
            " VALUES (%s, %s, 'refund', 12.50, 'stripe', %s)",
            (venue["organization_id"], venue["venue_id"], venue["paid_at"]),
        )
        return timed(lambda: conn.execute("SELECT api.process_hourly_aggregations()"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each quick figure")
    parser.add_argument(
        "--peer-runs", type=int, default=None, help="runs of pandas, polars and DuckDB (--runs)"
    )
    parser.add_argument(
        "--facts-runs", type=int, default=1, help="runs of the whole rebuild from the facts"
    )
    args = parser.parse_args()
    peer_runs = args.runs if args.peer_runs is None else args.peer_runs
    url = bench_url()
    results: dict[str, float] = {}
    with psycopg.connect(url, autocommit=True, prepare_threshold=None) as conn:
        payments = conn.execute("SELECT count(*) FROM venue.payments").fetchone()[0]
        first, last = conn.execute(
            "SELECT min(business_date), max(business_date) FROM reporting.daily_aggregations"
        ).fetchone()
        print(f"dataset: {payments:,} payments, trading days {first} to {last}", flush=True)
        # Venue-days still queued (after an upgrade re-queued the history) would be
        # rebuilt inside every timed venue-hour below: rebuild them once, for good.
        backlog = conn.execute("SELECT api.process_hourly_aggregations()").fetchone()[0]
        if backlog:
            print(f"rebuilt {backlog:,} queued venue-day(s) first", flush=True)

        def rolled_back(call: str) -> None:
            with conn.transaction(force_rollback=True):
                conn.execute(call, (first, last))

        measures = {
            BARE: (args.runs, lambda: conn.execute(BARE_GROUP_BY)),
            DAILY: (
                args.runs,
                lambda: rolled_back("SELECT api.rebuild_daily_aggregations(%s, %s)"),
            ),
            "pandas: COPY + group by": (peer_runs, lambda: with_pandas(conn)),
            "polars: COPY + group by": (peer_runs, lambda: with_polars(conn)),
            "DuckDB: COPY + group by": (peer_runs, lambda: with_duckdb(conn)),
            FACTS: (
                args.facts_runs,
                lambda: rolled_back("SELECT api.rebuild_aggregations(%s, %s)"),
            ),
        }
        for name, (count, fn) in measures.items():
            runs = [timed(fn) for _ in range(count)]
            results[name] = statistics.median(runs)
            print(
                f"{name:48s} {results[name]:8.2f} s  (runs: {', '.join(f'{r:.2f}' for r in runs)})",
                flush=True,
            )

        from psycopg.rows import dict_row

        conn.row_factory = dict_row
        venue = conn.execute(
            "SELECT organization_id, venue_id, max(paid_at) - interval '3 days' AS paid_at"
            " FROM venue.payments GROUP BY 1, 2 ORDER BY 2 LIMIT 1"
        ).fetchone()
        hour_runs = [one_venue_hour(conn, venue) for _ in range(20)]
        results[HOUR] = statistics.median(hour_runs)

    bare = results[BARE]
    daily = results[DAILY]
    peers = {k: v for k, v in results.items() if ":" in k}
    fastest = min(peers, key=peers.get)
    ratios = {
        "daily / bare": daily / bare,
        f"{fastest.split(':')[0]} / daily": peers[fastest] / daily,
        "facts / bare": results[FACTS] / bare,
    }
    print()
    print(f"{'figure':48s} {'seconds':>10s} {'/ bare':>8s}")
    for name, value in results.items():
        ratio = f"{value / bare:8.2f}" if name != HOUR else ""
        print(f"{name:48s} {value:10.3f} {ratio}")
    print(f"\ndaily from hourly / bare GROUP BY: {ratios['daily / bare']:.2f} (target <= 1.5)")
    print(
        f"fastest analyst tool ({fastest.split(':')[0]}) / daily from hourly:"
        f" {peers[fastest] / daily:.2f} (target >= 2.5)"
    )
    print(
        f"whole rebuild from the facts / bare GROUP BY: {ratios['facts / bare']:.2f}"
        " (hourly + daily + sets + events + data quality; not the daily figure)"
    )
    print(f"one venue-hour: {results[HOUR] * 1000:.1f} ms median of 20 (target < 50 ms)")
    record("aggregation", {"payments": payments, "seconds": results, "ratios": ratios})


if __name__ == "__main__":
    main()
