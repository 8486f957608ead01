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

    .venv/bin/python -m bench.tick [--runs 3] [--jobs 100000] [--distinct]
"""

import argparse
import statistics
import time

from bench.cron import MIX
from renderer import db, settings

NOW = "2026-06-01 09:00:20+00"

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


def one_run(url: str, jobs: int, distinct: bool) -> float:
    with db.connect(url) as conn:
        params = {
            "now": NOW,
            "jobs": jobs,
            "exprs": [e for e, _ in MIX],
            "zones": [z for _, z in MIX],
            "mix": len(MIX),
        }
        conn.execute(DISTINCT if distinct else SHARED, params)
        conn.execute("ANALYZE reporting.scheduled_jobs")
        started = time.perf_counter()
        (row,) = conn.execute("SELECT count(*) FROM api.tick(%s)", (NOW,)).fetchall()
        seconds = time.perf_counter() - started
        conn.rollback()
        conn.autocommit = True
        conn.execute("VACUUM reporting.scheduled_jobs, reporting.job_runs")
    assert row["count"] == jobs, row
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--distinct", action="store_true")
    args = parser.parse_args()

    url = settings.database_url()
    kind = "distinct schedules" if args.distinct else f"{len(MIX)} shared schedules"
    results = []
    for run in range(1, args.runs + 1):
        seconds = one_run(url, args.jobs, args.distinct)
        results.append(seconds)
        print(
            f"run {run}: tick over {args.jobs:,} due jobs ({kind}) in {seconds:.2f} s", flush=True
        )
    median_s = statistics.median(results)
    print(
        f"median of {args.runs}: {median_s:.2f} s for {args.jobs:,} due jobs ({kind}),"
        f" {args.jobs / median_s:,.0f} runs/s"
    )


if __name__ == "__main__":
    main()
