"""The benchmark dataset: 5 organizations x 10 clubs, a year of nights, ~2M bookings.

Built once with api.generate_demo_data into its own database (`nightcap_bench`
on the local cluster, or NIGHTCAP_BENCH_URL) and reused while it exists, then
aggregated. Sizes are settable; the default gives about 2M bookings and 7.6M
payments. The organizations are generated two at a time (--connections).

    .venv/bin/python bench/dataset.py [--organizations 5] [--venues 10] [--days 365]
"""

import argparse
import os
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg

from bench.clubs import create_clubs, generate, make_partitions
from renderer import db
from renderer.bootstrap import bootstrap
from renderer.migrate import migrate

BENCH_DATABASE = "nightcap_bench"


def bench_url() -> str:
    """NIGHTCAP_BENCH_URL, else a database of its own on the local cluster."""
    if os.environ.get("NIGHTCAP_BENCH_URL"):
        return os.environ["NIGHTCAP_BENCH_URL"]
    from renderer.cluster import LocalCluster

    cluster = LocalCluster.load()
    url = bootstrap(cluster.admin_conninfo(), BENCH_DATABASE, "nightcap", cluster.owner_password)
    migrate(url)
    return url


def build_organization(url: str, o: int, venues: int, days: int, per_night: int) -> None:
    """Organization number `o` (slug bench-<o>), unless it is already there."""
    slug = f"bench-{o}"
    with db.connect(url) as conn:
        if conn.execute("SELECT 1 FROM venue.organizations WHERE slug = %s", (slug,)).fetchone():
            return
        started = time.perf_counter()
        org = create_clubs(conn, f"Bench Leisure {o}", slug, venues)
        counts = generate(conn, org, days, per_night, o)
        conn.commit()
    print(
        f"organization {o}: {counts['bookings']:,} bookings,"
        f" {counts['payments']:,} payments in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def build(
    url: str, organizations: int, venues: int, days: int, per_night: int, connections: int
) -> None:
    # One organization per call and per connection: each load is one backend
    # on one core, so `connections` of them side by side use the machine.
    make_partitions(url, days)
    with ThreadPoolExecutor(connections) as pool:
        loads = [
            pool.submit(build_organization, url, o, venues, days, per_night)
            for o in range(1, organizations + 1)
        ]
        for load in loads:
            load.result()
    with db.connect(url, autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute("SELECT api.process_hourly_aggregations()")
        conn.execute(
            "VACUUM ANALYZE venue.customers, venue.bookings, venue.payments, venue.check_ins,"
            " venue.feedback, venue.events, reporting.hourly_aggregations,"
            " reporting.daily_aggregations"
        )
        print(f"aggregated and vacuumed in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=5)
    parser.add_argument("--venues", type=int, default=10)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--bookings-per-night", type=int, default=272)
    parser.add_argument("--connections", type=int, default=2)
    args = parser.parse_args()
    try:
        build(
            bench_url(),
            args.organizations,
            args.venues,
            args.days,
            args.bookings_per_night,
            args.connections,
        )
    except psycopg.Error as exc:
        raise SystemExit(f"bench dataset: {exc}") from exc


if __name__ == "__main__":
    main()
