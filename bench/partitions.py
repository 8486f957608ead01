"""Benchmark: the fact tables plain or partitioned by month (migration 0026).

On the benchmark dataset (bench/dataset.py, or NIGHTCAP_BENCH_URL), medians of
--runs, each in a transaction rolled back:
- month, one org:   one organization's daily gross and refunds for one month,
                    straight from venue.payments (a month-range report query);
- month, all orgs:  count and sum of every payment of one month;
- month re-aggregated: internal.aggregate_venue_days over every venue-day of
                    one organization's month, from the facts;
- one venue-day:    the same for one venue-day (the incremental path);
and with --generator-runs N, api.generate_demo_data at about 1M bookings
(bench/generator.py's run, on DATABASE_URL or the local cluster).
The figures go to bench/results.json under "partitions", keyed by the layout
found ("plain" or "partitioned"), so running it before and after 0026 keeps both.

    .venv/bin/python -m bench.partitions [--runs 5] [--generator-runs 0]
"""

import argparse
import json
import statistics
import time
from datetime import date
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from bench.dataset import bench_url

MONTH_ONE_ORG = """
SELECT internal.business_date(p.paid_at, v.timezone, v.trading_day_starts) AS business_date,
       sum(p.amount) FILTER (WHERE p.kind <> 'refund') AS gross,
       sum(p.amount) FILTER (WHERE p.kind = 'refund') AS refunds
  FROM venue.payments p
  JOIN venue.venues v USING (organization_id, venue_id)
 WHERE p.organization_id = %(org)s AND p.status = 'succeeded'
   AND p.paid_at >= %(lo)s AND p.paid_at < %(hi)s
 GROUP BY 1
"""

MONTH_ALL_ORGS = """
SELECT count(*), sum(amount) FROM venue.payments WHERE paid_at >= %(lo)s AND paid_at < %(hi)s
"""

REAGGREGATE = """
SELECT internal.aggregate_venue_days(
         array_agg(v.organization_id), array_agg(v.venue_id), array_agg(d::date))
  FROM venue.venues v
 CROSS JOIN generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d
 WHERE v.organization_id = %(org)s AND (%(venue)s::bigint IS NULL OR v.venue_id = %(venue)s)
"""


def timed(conn: psycopg.Connection, sql: str, params: dict) -> float:
    with conn.transaction(force_rollback=True):
        started = time.perf_counter()
        conn.execute(sql, params).fetchall()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--generator-runs", type=int, default=0)
    args = parser.parse_args()

    url = bench_url()
    figures: dict[str, float] = {}
    with psycopg.connect(url, row_factory=dict_row, prepare_threshold=None) as conn:
        layout = conn.execute(
            "SELECT CASE relkind WHEN 'p' THEN 'partitioned' ELSE 'plain' END AS layout"
            " FROM pg_class WHERE oid = 'venue.payments'::regclass"
        ).fetchone()["layout"]
        facts = conn.execute(
            "SELECT (SELECT count(*) FROM venue.payments) AS payments,"
            " (SELECT count(*) FROM venue.check_ins) AS check_ins,"
            " (SELECT max(paid_at) FROM venue.payments) AS last_paid_at"
        ).fetchone()
        conn.rollback()
        # The last whole month of the data.
        last = facts["last_paid_at"].date()
        hi = date(last.year, last.month, 1)
        lo = date(hi.year - (hi.month == 1), (hi.month - 2) % 12 + 1, 1)
        scope = conn.execute(
            "SELECT v.organization_id AS org, min(v.venue_id) AS venue FROM venue.venues v"
            " JOIN venue.organizations o USING (organization_id) WHERE o.slug LIKE 'bench-%%'"
            " GROUP BY 1 ORDER BY 1 LIMIT 1"
        ).fetchone()
        conn.rollback()
        params = {
            "org": scope["org"],
            "lo": f"{lo} 00:00+00",
            "hi": f"{hi} 00:00+00",
            "first": lo,
            "last": date.fromordinal(hi.toordinal() - 1),
            "venue": None,
        }
        day = dict(params, first=lo.replace(day=15), last=lo.replace(day=15), venue=scope["venue"])
        cases = {
            "month, one organization, daily revenue from payments": (MONTH_ONE_ORG, params),
            "month, all organizations, count and sum of payments": (MONTH_ALL_ORGS, params),
            "month of one organization re-aggregated from facts": (REAGGREGATE, params),
            "one venue-day re-aggregated from facts": (REAGGREGATE, day),
        }
        for name, (sql, p) in cases.items():
            timed(conn, sql, p)  # warm the cache: every layout measured warm
            secs = statistics.median(timed(conn, sql, p) for _ in range(args.runs))
            figures[name] = round(secs * 1000, 2)
            print(f"{layout:12s} {name:55s} median {secs * 1000:9.2f} ms", flush=True)

    generator = None
    if args.generator_runs:
        from bench.generator import one_run
        from renderer import settings

        runs = [
            one_run(settings.database_url(), 10, 365, 680, seed=r)
            for r in range(1, args.generator_runs + 1)
        ]
        generator = {
            "runs": args.generator_runs,
            "median_s": round(statistics.median(r["seconds"] for r in runs), 1),
            "median_rows_per_s": round(statistics.median(r["rows"] / r["seconds"] for r in runs)),
            "bookings": runs[-1]["bookings"],
        }
        print(f"{layout:12s} generator, ~1M bookings: {generator}", flush=True)

    out = Path(__file__).with_name("results.json")
    previous = json.loads(out.read_text()) if out.exists() else {}
    entry = previous.setdefault("partitions", {})
    kept = entry.get(layout, {}).get("generator")
    entry[layout] = {
        "payments": facts["payments"],
        "check_ins": facts["check_ins"],
        "month": str(lo),
        "runs": args.runs,
        "median_ms": figures,
        "generator": generator or kept,
    }
    out.write_text(json.dumps(previous, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
