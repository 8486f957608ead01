"""Benchmark: api.tick with 100,000 enabled jobs, each with one run due.

Inside a transaction that is rolled back, --runs times: insert --jobs system
jobs whose next_run_at is their latest occurrence at or before a fixed
instant, then time one `api.tick(instant)` call, which enqueues one run per
job and moves every next_run_at on. Prints the median in seconds and runs/s.

By default the jobs share the ten schedules of bench/cron.py (what many
tenants' 09:00 and hourly jobs look like), so the following occurrence is
computed once per schedule. --distinct gives every job its own (expression,
zone, due time): 1,440 daily minutes x 70 zones, the worst case, where tick
calls api.cron_next once per job. Runs against DATABASE_URL or the local
cluster.

--realistic: the same --jobs jobs on the ten shared schedules, but as a tick
a minute earlier left them (next_run_at their first occurrence after the
instant less a minute), ticked at two ordinary minutes: 09:00:20Z on Monday
1 June 2026, when the */5 jobs are due (a tenth), and 09:07:20Z, when none
is. Prints the median of each and how many runs it enqueued.

    .venv/bin/python -m bench.tick [--runs 3] [--jobs 100000] [--distinct | --realistic]
"""

import argparse
import statistics
import time

from bench.cron import MIX
from bench.results import record
from renderer import db, settings

NOW = "2026-06-01 09:00:20+00"
REALISTIC_MINUTES = ("2026-06-01 09:00:20+00", "2026-06-01 09:07:20+00")

# The latest occurrence at or before NOW of each schedule, then --jobs jobs
# cycling through the schedules. MATERIALIZED: inlined, the CTE's due_runs call
# would be evaluated once per job (100,000 look-backs of up to 400 days, about
# 150 s) instead of once per schedule.
SHARED = """
WITH mix AS MATERIALIZED (
  SELECT m.k, m.expr, m.tz,
         (internal.due_runs(m.expr, m.tz, %(now)s::timestamptz - interval '400 days', %(now)s,
                            'latest', 1))[1] AS due
    FROM unnest(%(exprs)s::text[], %(zones)s::text[]) WITH ORDINALITY AS m(expr, tz, k)
)
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, next_run_at)
SELECT 'bench-tick-' || g, 'report', mix.expr, mix.tz, mix.due
  FROM generate_series(1, %(jobs)s) AS g
  JOIN mix ON mix.k = g %% %(mix)s + 1
"""

# Every job a daily minute in one of 70 zones: no two share a schedule.
DISTINCT = """
WITH zones AS (
  SELECT name, row_number() OVER (ORDER BY name) - 1 AS z
    FROM pg_timezone_names
   WHERE name ~ '^(Europe|America|Asia|Australia|Africa)/' AND name !~ 'posix|right'
   ORDER BY name LIMIT 70
), jobs AS (
  SELECT g, format('%%s %%s * * *', g %% 60, (g / 60) %% 24) AS expr, zones.name AS tz
    FROM generate_series(0, %(jobs)s - 1) AS g
    JOIN zones ON zones.z = (g / 1440) %% 70
)
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, next_run_at)
SELECT 'bench-tick-' || g, 'report', expr, tz,
       (internal.due_runs(expr, tz, %(now)s::timestamptz - interval '2 days', %(now)s,
                          'latest', 1))[1]
  FROM jobs
"""

# The shared schedules as a tick at now - 1 minute left them.
REALISTIC = """
WITH mix AS MATERIALIZED (
  SELECT m.k, m.expr, m.tz,
         api.cron_next(m.expr, m.tz, %(now)s::timestamptz - interval '1 minute') AS next
    FROM unnest(%(exprs)s::text[], %(zones)s::text[]) WITH ORDINALITY AS m(expr, tz, k)
)
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, next_run_at)
SELECT 'bench-tick-' || g, 'report', mix.expr, mix.tz, mix.next
  FROM generate_series(1, %(jobs)s) AS g
  JOIN mix ON mix.k = g %% %(mix)s + 1
"""


def one_run(url: str, jobs: int, setup: str, now: str) -> tuple[float, int]:
    """Seconds one api.tick(now) took after `setup` inserted the jobs, and the runs it enqueued."""
    with db.connect(url) as conn:
        params = {
            "now": now,
            "jobs": jobs,
            "exprs": [e for e, _ in MIX],
            "zones": [z for _, z in MIX],
            "mix": len(MIX),
        }
        conn.execute(setup, params)
        conn.execute("ANALYZE reporting.scheduled_jobs")
        started = time.perf_counter()
        (row,) = conn.execute("SELECT count(*) FROM api.tick(%s)", (now,)).fetchall()
        seconds = time.perf_counter() - started
        conn.rollback()
        conn.autocommit = True
        conn.execute("VACUUM reporting.scheduled_jobs, reporting.job_runs")
    return seconds, row["count"]


def realistic(url: str, jobs: int, runs: int) -> None:
    minutes = {}
    for now in REALISTIC_MINUTES:
        results = []
        for run in range(1, runs + 1):
            seconds, enqueued = one_run(url, jobs, REALISTIC, now)
            results.append(seconds)
            print(
                f"run {run}: tick at {now} over {jobs:,} enabled jobs ({len(MIX)} shared"
                f" schedules): {enqueued:,} runs in {seconds * 1000:.0f} ms",
                flush=True,
            )
        print(
            f"median of {runs}: {statistics.median(results) * 1000:.0f} ms at {now},"
            f" {enqueued:,} of {jobs:,} jobs due"
        )
        minutes[now] = {"due": enqueued, "median_ms": statistics.median(results) * 1000}
    record("tick_realistic", {"jobs": jobs, "runs": runs, "minutes": minutes})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=100_000)
    kinds = parser.add_mutually_exclusive_group()
    kinds.add_argument("--distinct", action="store_true")
    kinds.add_argument("--realistic", action="store_true")
    args = parser.parse_args()

    url = settings.database_url()
    if args.realistic:
        realistic(url, args.jobs, args.runs)
        return
    kind = "distinct schedules" if args.distinct else f"{len(MIX)} shared schedules"
    results = []
    for run in range(1, args.runs + 1):
        seconds, enqueued = one_run(url, args.jobs, DISTINCT if args.distinct else SHARED, NOW)
        assert enqueued == args.jobs, enqueued
        results.append(seconds)
        print(
            f"run {run}: tick over {args.jobs:,} due jobs ({kind}) in {seconds:.2f} s", flush=True
        )
    median_s = statistics.median(results)
    print(
        f"median of {args.runs}: {median_s:.2f} s for {args.jobs:,} due jobs ({kind}),"
        f" {args.jobs / median_s:,.0f} runs/s"
    )
    record(
        "tick_distinct" if args.distinct else "tick",
        {
            "jobs": args.jobs,
            "schedules": kind,
            "runs": args.runs,
            "median_seconds": median_s,
            "seconds": results,
        },
    )


if __name__ == "__main__":
    main()
