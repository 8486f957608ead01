"""Benchmark: api.generate_demo_data at about 1,000,000 bookings.

Generates one organization of --venues club venues over --days days inside a
transaction that is rolled back, --runs times, and prints the median rows/s
(all rows written: events, customers, bookings, payments, check-ins, feedback,
shifts) and bookings/s. Runs against DATABASE_URL or the local cluster.

    .venv/bin/python bench/generator.py [--runs 3] [--venues 10] [--days 365]
"""

import argparse
import json
import statistics
import time
import uuid

from bench.clubs import create_clubs, generate
from bench.results import record
from renderer import db, settings

COUNTED = ("events", "customers", "bookings", "payments", "check_ins", "feedback", "shifts")


def one_run(url: str, venues: int, days: int, per_night: int, seed: int) -> dict:
    with db.connect(url) as conn:
        slug = f"bench-{uuid.uuid4().hex[:8]}"
        org = create_clubs(conn, "Benchmark Leisure", slug, venues)
        started = time.perf_counter()
        counts = generate(conn, org, days, per_night, seed)
        seconds = time.perf_counter() - started
        conn.rollback()
        # A rolled-back load leaves millions of dead rows and index entries
        # behind; without a vacuum the next run probes through them (2-3x slower).
        conn.autocommit = True
        conn.execute(
            "VACUUM venue.customers, venue.bookings, venue.payments, venue.check_ins,"
            " venue.feedback, venue.events, venue.shifts"
        )
    rows = sum(counts[k] for k in COUNTED)
    return {"seconds": seconds, "rows": rows, "bookings": counts["bookings"], "counts": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--venues", type=int, default=10)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--bookings-per-night", type=int, default=680)
    args = parser.parse_args()

    url = settings.database_url()
    results = []
    for run in range(1, args.runs + 1):
        r = one_run(url, args.venues, args.days, args.bookings_per_night, seed=run)
        results.append(r)
        print(
            f"run {run}: {r['bookings']:,} bookings, {r['rows']:,} rows in {r['seconds']:.1f} s"
            f" ({r['rows'] / r['seconds']:,.0f} rows/s)",
            flush=True,
        )
    median_s = statistics.median(r["seconds"] for r in results)
    median_rows_s = statistics.median(r["rows"] / r["seconds"] for r in results)
    median_bookings_s = statistics.median(r["bookings"] / r["seconds"] for r in results)
    print(
        f"median of {args.runs}: {median_s:.1f} s, {median_rows_s:,.0f} rows/s,"
        f" {median_bookings_s:,.0f} bookings/s"
    )
    print(json.dumps({"counts_of_last_run": results[-1]["counts"]}, default=str))
    record(
        "generator",
        {
            "venues": args.venues,
            "days": args.days,
            "bookings_per_night": args.bookings_per_night,
            "runs": args.runs,
            "bookings": results[-1]["bookings"],
            "rows": results[-1]["rows"],
            "median_seconds": median_s,
            "median_rows_per_second": median_rows_s,
            "median_bookings_per_second": median_bookings_s,
            "seconds": [r["seconds"] for r in results],
        },
    )


if __name__ == "__main__":
    main()
