"""Benchmark: api.cron_next, 100,000 calls on a mix of expressions and zones.

One SQL statement calls api.cron_next --calls times (generate_series), cycling
through the expressions below (every minute to leap days, names, steps,
macros) in five zones, from instants spread over 2026-2027 so that clock
changes are crossed too. Prints the median of --runs in seconds and calls/s.
Runs against DATABASE_URL or the local cluster.

    .venv/bin/python -m bench.cron [--runs 3] [--calls 100000]
"""

import argparse
import statistics
import time

from bench.results import record
from renderer import db, settings

MIX = [
    ("*/5 * * * *", "Europe/London"),
    ("0 9 * * mon-fri", "America/New_York"),
    ("30 1 * * *", "Europe/London"),
    ("@daily", "Australia/Sydney"),
    ("0 9 1 * *", "Asia/Kolkata"),
    ("15 * * * *", "UTC"),
    ("0 0 13 * 5", "Europe/London"),
    ("0 6-23/2 * jan-mar,oct-dec sat,sun", "Europe/London"),
    ("@weekly", "America/New_York"),
    ("0 0 29 2 *", "UTC"),
]

CALLS = """
SELECT count(api.cron_next(m.expr, m.tz, timestamptz '2026-01-01Z' + g * interval '7 min 13 s'))
  FROM generate_series(1, %(calls)s) AS g
  JOIN unnest(%(exprs)s::text[], %(zones)s::text[]) WITH ORDINALITY AS m(expr, tz, k)
    ON m.k = g %% %(mix)s + 1
"""


def one_run(url: str, calls: int) -> float:
    with db.connect(url) as conn:
        params = {
            "calls": calls,
            "exprs": [e for e, _ in MIX],
            "zones": [z for _, z in MIX],
            "mix": len(MIX),
        }
        started = time.perf_counter()
        (row,) = conn.execute(CALLS, params).fetchall()
        seconds = time.perf_counter() - started
    assert row["count"] == calls
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--calls", type=int, default=100_000)
    args = parser.parse_args()

    url = settings.database_url()
    results = []
    for run in range(1, args.runs + 1):
        seconds = one_run(url, args.calls)
        results.append(seconds)
        print(f"run {run}: {args.calls:,} cron_next calls in {seconds:.2f} s", flush=True)
    median_s = statistics.median(results)
    print(
        f"median of {args.runs}: {median_s:.2f} s for {args.calls:,} cron_next calls,"
        f" {args.calls / median_s:,.0f} calls/s"
    )
    record(
        "cron",
        {"calls": args.calls, "runs": args.runs, "median_seconds": median_s, "seconds": results},
    )


if __name__ == "__main__":
    main()
