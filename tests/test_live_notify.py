"""Fact changes wake a venue's live dashboard once per transaction; api.live_kpis answers fast.

The latency of api.live_kpis on a realistic venue is printed (run with -s to
see it, or read the captured output of a failure); it is measured in
bench/live_kpis.py, never asserted here.
"""

import json
import statistics
import time

import psycopg


def notifications(listener: psycopg.Connection, timeout: float = 1.0) -> list:
    return list(listener.notifies(timeout=timeout, stop_after=10))


def make_venue(conn: psycopg.Connection, slug: str) -> tuple[str, int]:
    org = conn.execute("SELECT api.create_organization(%s, %s)", (slug, slug)).fetchone()[0]
    venue = conn.execute(
        "SELECT api.create_venue(%s, %s, %s, 300)", (org, slug + " club", slug + "-club")
    ).fetchone()[0]
    conn.commit()
    return org, venue


CHECK_IN = (
    "INSERT INTO venue.check_ins"
    " (organization_id, venue_id, direction, method, people, occurred_at)"
    " VALUES (%s, %s, 'in', 'door', 1, now())"
)


def test_three_check_ins_in_one_transaction_notify_once(migrated_db):
    with (
        psycopg.connect(migrated_db, autocommit=True) as listener,
        psycopg.connect(migrated_db) as writer,
    ):
        org, venue = make_venue(writer, "notify-a")
        other_org, other_venue = make_venue(writer, "notify-b")
        listener.execute(f"LISTEN nightcap_live_{venue}")

        # Three statements of one transaction, rolled back: nothing.
        for _ in range(3):
            writer.execute(CHECK_IN, (org, venue))
        writer.rollback()
        assert notifications(listener, 0.3) == []

        # The same three, committed: one notification, within a second.
        for _ in range(3):
            writer.execute(CHECK_IN, (org, venue))
        # Another venue's facts go to its own channel, not this one.
        writer.execute(CHECK_IN, (other_org, other_venue))
        started = time.perf_counter()
        writer.commit()
        first = next(iter(listener.notifies(timeout=1.0, stop_after=1)), None)
        waited = time.perf_counter() - started
        assert first is not None, "no notification within 1 s"
        assert waited < 1.0
        assert first.channel == f"nightcap_live_{venue}"
        assert json.loads(first.payload) == {"organization_id": str(org), "venue_id": venue}
        assert notifications(listener, 0.3) == [], "more than one notification for one transaction"

        # A payment and a booking change in one transaction: still one.
        writer.execute(
            "INSERT INTO venue.payments"
            " (organization_id, venue_id, kind, amount, provider, paid_at)"
            " VALUES (%s, %s, 'bar', 12.50, 'cash', now())",
            (org, venue),
        )
        writer.execute(
            "INSERT INTO venue.bookings (organization_id, venue_id, party_size, status, arrives_at)"
            " VALUES (%s, %s, 4, 'confirmed', now())",
            (org, venue),
        )
        writer.execute(
            "UPDATE venue.bookings SET party_size = 5 WHERE organization_id = %s", (org,)
        )
        writer.commit()
        assert [n.channel for n in notifications(listener, 0.5)] == [f"nightcap_live_{venue}"]

        # The occupancy a dashboard would then read.
        kpis = writer.execute("SELECT api.live_kpis(%s)", (venue,)).fetchone()[0]
        assert kpis["occupancy"]["people_inside"] == 3
        assert kpis["revenue"]["gross"] == 12.5
        assert kpis["bookings"]["expected"] == 1


def test_live_kpis_latency_on_a_realistic_venue(migrated_db):
    with psycopg.connect(migrated_db) as conn:
        org, venue = make_venue(conn, "latency")
        # 60 trading days to today, a busy club (150 bookings on an ordinary Friday).
        conn.execute(
            "SELECT api.generate_demo_data(%s, 60, 150, 11, current_date)", (org,)
        ).fetchone()
        conn.execute("SELECT api.process_hourly_aggregations()")
        conn.commit()
        # A Friday night at 23:30 among the generated ones: the busiest kind of moment.
        friday = conn.execute(
            "SELECT max(d)"
            " FROM generate_series(current_date - 7, current_date - 1, interval '1 day') d"
            " WHERE extract(isodow FROM d) = 5"
        ).fetchone()[0]
        at = conn.execute(
            "SELECT (%s::date + time '23:30') AT TIME ZONE 'Europe/London'", (friday,)
        ).fetchone()[0]
        timings = {}
        for label, args in (("now", (venue,)), ("friday 23:30", (venue, at))):
            samples = []
            for _ in range(25):
                started = time.perf_counter()
                kpis = conn.execute(
                    "SELECT api.live_kpis(%s)"
                    if len(args) == 1
                    else "SELECT api.live_kpis(%s, %s)",
                    args,
                ).fetchone()[0]
                samples.append((time.perf_counter() - started) * 1000)
            timings[label] = statistics.median(samples)
            assert kpis["venue_id"] == venue
        print(
            "\napi.live_kpis median of 25 calls, 60-day venue: "
            + ", ".join(f"{label} {ms:.2f} ms" for label, ms in timings.items())
            + f" (people inside on Friday: {kpis['occupancy']['people_inside']})"
        )
