"""A benchmark organization: N clubs and their generated history."""

from datetime import date, timedelta

import psycopg

GENERATE = "SELECT api.generate_demo_data(%s, %s, %s, %s, %s) AS counts"
# The benchmark's history ends here, so every run measures the same year.
UNTIL = "2026-06-30"


def create_clubs(conn: psycopg.Connection, name: str, slug: str, venues: int) -> str:
    """An organization with `venues` clubs of 900 capacity; its id."""
    org = conn.execute("SELECT api.create_organization(%s, %s) AS id", (name, slug)).fetchone()[
        "id"
    ]
    for v in range(1, venues + 1):
        conn.execute("SELECT api.create_venue(%s, %s, %s, 900)", (org, f"{name} {v}", f"club-{v}"))
    return org


def generate(
    conn: psycopg.Connection,
    org: str,
    days: int,
    per_night: int,
    seed: int,
    until: str | None = UNTIL,
) -> dict:
    """The organization's history up to `until` (None: yesterday); the generator's counts."""
    return conn.execute(GENERATE, (org, days, per_night, seed, until)).fetchone()["counts"]


def make_partitions(url: str, days: int, until: str = UNTIL) -> None:
    """The monthly fact partitions a load of `days` up to `until` writes into, committed.

    A load that has to make one holds a lock on the fact tables to its end
    (internal.ensure_fact_partitions), so a second load beside it would wait
    for the whole first one: make them first. The generator's own reach:
    deposits up to 62 days before the first night, refunds up to a month
    after the last.
    """
    last = date.fromisoformat(until)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "SELECT internal.ensure_fact_partitions(%s, %s)",
            (last - timedelta(days=days + 62), last + timedelta(days=31)),
        )
