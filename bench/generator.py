"""Benchmark: api.generate_demo_data at about 1,000,000 bookings, on both cores.

Generates --venues club venues over --days days as --connections
organizations (the venues shared out between them), each on a connection of
its own and all at once, inside transactions that are rolled back; --runs
times. Prints the median wall time, rows/s (all rows written: events,
customers, bookings, payments, check-ins, feedback, shifts) and bookings/s.
One organization is one call, and one call is one backend on one core:
loading two tenants side by side is how a 2-core machine loads a million
bookings, and it is how `bench/dataset.py` builds the benchmark's five.
Runs against DATABASE_URL or the local cluster.

    .venv/bin/python bench/generator.py [--runs 3] [--venues 10] [--days 365] [--connections 2]
"""

import argparse
import json
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from bench.clubs import create_clubs, generate, make_partitions
from bench.results import record
from renderer import db, settings

COUNTED = ("events", "customers", "bookings", "payments", "check_ins", "feedback", "shifts")
FACT_TABLES = (
    "venue.customers, venue.bookings, venue.payments, venue.check_ins,"
    " venue.feedback, venue.events, venue.shifts"
)


def share(venues: int, connections: int) -> list[int]:
    """`venues` split as evenly as can be over `connections` organizations."""
    return [venues // connections + (i < venues % connections) for i in range(connections)]


def one_run(url: str, venues: int, days: int, per_night: int, seed: int, connections: int) -> dict:
    conns = [db.connect(url) for _ in range(connections)]
    try:
        orgs = [
            create_clubs(conn, "Benchmark Leisure", f"bench-{uuid.uuid4().hex[:8]}", n)
            for conn, n in zip(conns, share(venues, connections), strict=True)
        ]
        started = time.perf_counter()
        with ThreadPoolExecutor(connections) as pool:
            loads = [
                pool.submit(generate, conn, org, days, per_night, seed * 100 + i)
                for i, (conn, org) in enumerate(zip(conns, orgs, strict=True))
            ]
            counts = [f.result() for f in loads]
        seconds = time.perf_counter() - started
        for conn in conns:
            conn.rollback()  # organizations and all
        with db.connect(url, autocommit=True) as conn:
            # A rolled-back load leaves millions of dead rows and index entries
            # behind; without a vacuum the next run probes through them (2-3x slower).
            conn.execute(f"VACUUM {FACT_TABLES}")
    finally:
        for conn in conns:
            conn.close()
    total = {k: sum(c[k] for c in counts) for k in COUNTED}
    rows = sum(total.values())
    return {"seconds": seconds, "rows": rows, "bookings": total["bookings"], "counts": total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--venues", type=int, default=10)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--bookings-per-night", type=int, default=680)
    parser.add_argument("--connections", type=int, default=2)
    args = parser.parse_args()

    url = settings.database_url()
    make_partitions(url, args.days)
    results = []
    for run in range(1, args.runs + 1):
        r = one_run(url, args.venues, args.days, args.bookings_per_night, run, args.connections)
        results.append(r)
        print(
            f"run {run}: {r['bookings']:,} bookings, {r['rows']:,} rows in {r['seconds']:.1f} s"
            f" on {args.connections} connection(s)"
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
            "connections": args.connections,
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
