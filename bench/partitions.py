"""Benchmark: payments partitioned by month (migration 0026) beside a plain copy.

On the benchmark dataset (bench/dataset.py, or NIGHTCAP_BENCH_URL). The peer
is the layout before 0026: `bench_plain.payments`, a plain table holding the
same rows with the indexes venue.payments had (made once, and again when the
row count changed). Medians of --runs, each in a transaction rolled back,
each case warmed once first:

- month, one organization: its daily gross and refunds for the last whole
  month, straight from the payments (a month-range report query);
- month, all organizations: count and sum of every payment of that month;
- retention: the oldest months, up to the first month of nights (before
  it, early deposits only), DELETE of their rows from the plain table
  against DETACH PARTITION;
- re-aggregation from the facts (internal.aggregate_venue_days) of one
  organization's month and of one venue-day: partitioned only, as the
  functions read venue.payments (the plain layout's figures are in
  docs/scaling.md, measured on twin databases).

Records everything under "partitions" in bench/results.json.

    .venv/bin/python -m bench.partitions [--runs 5]
"""

import argparse
import statistics
import time
from datetime import date

import psycopg
from psycopg.rows import dict_row

from bench.dataset import bench_url
from bench.results import record

MONTH_ONE_ORG = """
SELECT internal.business_date(p.paid_at, v.timezone, v.trading_day_starts) AS business_date,
       sum(p.amount) FILTER (WHERE p.kind <> 'refund') AS gross,
       sum(p.amount) FILTER (WHERE p.kind = 'refund') AS refunds
  FROM {payments} p
  JOIN venue.venues v USING (organization_id, venue_id)
 WHERE p.organization_id = %(org)s AND p.status = 'succeeded'
   AND p.paid_at >= %(lo)s AND p.paid_at < %(hi)s
 GROUP BY 1
"""

MONTH_ALL_ORGS = """
SELECT count(*), sum(amount) FROM {payments} WHERE paid_at >= %(lo)s AND paid_at < %(hi)s
"""

RETENTION_PLAIN = (
    "DELETE FROM bench_plain.payments WHERE paid_at >= %(old_lo)s AND paid_at < %(old_hi)s"
)
RETENTION_PARTITIONED = "SELECT api.detach_fact_partitions(%(old_hi)s::date)"

REAGGREGATE = """
SELECT internal.aggregate_venue_days(
         array_agg(v.organization_id), array_agg(v.venue_id), array_agg(d::date))
  FROM venue.venues v
 CROSS JOIN generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d
 WHERE v.organization_id = %(org)s AND (%(venue)s::bigint IS NULL OR v.venue_id = %(venue)s)
"""

# The plain table as venue.payments was before 0026: same columns, same indexes.
PLAIN = """
DROP SCHEMA IF EXISTS bench_plain CASCADE;
CREATE SCHEMA bench_plain;
CREATE TABLE bench_plain.payments AS SELECT * FROM venue.payments ORDER BY paid_at;
ALTER TABLE bench_plain.payments ADD PRIMARY KEY (organization_id, payment_id);
CREATE INDEX ON bench_plain.payments (organization_id, venue_id, paid_at);
CREATE INDEX ON bench_plain.payments (organization_id, booking_id) WHERE booking_id IS NOT NULL;
CREATE INDEX ON bench_plain.payments (organization_id, event_id) WHERE event_id IS NOT NULL;
"""


def timed(conn: psycopg.Connection, sql: str, params: dict) -> float:
    with conn.transaction(force_rollback=True):
        started = time.perf_counter()
        cur = conn.execute(sql, params)
        if cur.description:
            cur.fetchall()
        return time.perf_counter() - started


def median_ms(conn: psycopg.Connection, sql: str, params: dict, runs: int) -> float:
    timed(conn, sql, params)  # warm: both layouts measured with a warm cache
    return round(statistics.median(timed(conn, sql, params) for _ in range(runs)) * 1000, 2)


def have_bench_orgs(conn: psycopg.Connection) -> bool:
    """The benchmark dataset's organizations (else any: a smaller database)."""
    return bool(
        conn.execute("SELECT 1 FROM venue.organizations WHERE slug LIKE 'bench-%'").fetchone()
    )


def month_start(d: date, back: int = 0) -> date:
    n = d.year * 12 + d.month - 1 - back
    return date(n // 12, n % 12 + 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with psycopg.connect(bench_url(), row_factory=dict_row, autocommit=True) as conn:
        facts = conn.execute(
            "SELECT count(*) AS payments, min(paid_at) AS first_paid_at,"
            " max(paid_at) AS last_paid_at FROM venue.payments"
        ).fetchone()
        have = conn.execute("SELECT to_regclass('bench_plain.payments') AS t").fetchone()["t"]
        plain_rows = (
            conn.execute("SELECT count(*) AS n FROM bench_plain.payments").fetchone()["n"]
            if have
            else None
        )
        if plain_rows != facts["payments"]:
            started = time.perf_counter()
            conn.execute(PLAIN)
            conn.execute("VACUUM ANALYZE bench_plain.payments")
            print(
                f"plain copy of {facts['payments']:,} payments made in"
                f" {time.perf_counter() - started:.0f} s",
                flush=True,
            )
        conn.autocommit = False
        hi = month_start(facts["last_paid_at"].date())  # the last whole month ends here
        lo = month_start(hi, 1)
        old_lo = month_start(facts["first_paid_at"].date())
        # Up to the first month of nights: the months before hold early deposits only.
        months = conn.execute(
            "SELECT date_trunc('month', paid_at AT TIME ZONE 'UTC')::date AS m, count(*) AS n"
            "  FROM venue.payments GROUP BY 1 ORDER BY 1"
        ).fetchall()
        busiest = max(r["n"] for r in months)
        first_full = next(r["m"] for r in months if r["n"] >= busiest / 2)
        old_hi = month_start(first_full, -1)
        scope = conn.execute(
            "SELECT v.organization_id AS org, min(v.venue_id) AS venue FROM venue.venues v"
            " JOIN venue.organizations o USING (organization_id)"
            " WHERE o.slug LIKE 'bench-%%' OR %(any)s"
            " GROUP BY 1 ORDER BY 1 LIMIT 1",
            {"any": not have_bench_orgs(conn)},
        ).fetchone()
        conn.rollback()
        params = {
            "org": scope["org"],
            "lo": f"{lo} 00:00+00",
            "hi": f"{hi} 00:00+00",
            "old_lo": f"{old_lo} 00:00+00",
            "old_hi": f"{old_hi} 00:00+00",
            "first": lo,
            "last": date.fromordinal(hi.toordinal() - 1),
            "venue": None,
        }
        day = dict(params, first=lo.replace(day=15), last=lo.replace(day=15), venue=scope["venue"])
        old_rows = conn.execute(
            "SELECT count(*) AS n FROM venue.payments WHERE paid_at >= %(old_lo)s"
            " AND paid_at < %(old_hi)s",
            params,
        ).fetchone()["n"]
        conn.rollback()

        compared = {
            "month, one organization, daily revenue from payments": MONTH_ONE_ORG,
            "month, all organizations, count and sum of payments": MONTH_ALL_ORGS,
        }
        figures: dict = {"payments": facts["payments"], "month": str(lo), "runs": args.runs}
        cases = {}
        for name, sql in compared.items():
            plain = median_ms(conn, sql.format(payments="bench_plain.payments"), params, args.runs)
            partitioned = median_ms(conn, sql.format(payments="venue.payments"), params, args.runs)
            cases[name] = {"plain_ms": plain, "partitioned_ms": partitioned}
        name = f"retention: months to {first_full:%B %Y} out ({old_rows:,} payments)"
        cases[name] = {
            "plain_ms": median_ms(conn, RETENTION_PLAIN, params, args.runs),
            "partitioned_ms": median_ms(conn, RETENTION_PARTITIONED, params, args.runs),
        }
        cases["month of one organization re-aggregated from facts"] = {
            "partitioned_ms": median_ms(conn, REAGGREGATE, params, args.runs)
        }
        cases["one venue-day re-aggregated from facts"] = {
            "partitioned_ms": median_ms(conn, REAGGREGATE, day, args.runs)
        }
    for name, case in cases.items():
        plain = f"plain {case['plain_ms']:9.2f} ms   " if "plain_ms" in case else " " * 24
        print(f"{name:62s} {plain}partitioned {case['partitioned_ms']:9.2f} ms", flush=True)
    figures["cases"] = cases
    record("partitions", figures)


if __name__ == "__main__":
    main()
