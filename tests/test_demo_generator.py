"""The demo generator: reproducible, tenant-safe, and `nightcap demo` is idempotent."""

import threading

import psycopg

from renderer import db, demo

# Everything about a payment except generated ids, in a stable order.
PAYMENTS = """
SELECT md5(string_agg(concat_ws('|', p.kind, p.amount, p.status, p.provider, p.paid_at, c.email),
                      ',' ORDER BY p.paid_at, p.kind, p.amount, c.email))
  FROM venue.payments p
  LEFT JOIN venue.customers c USING (organization_id, customer_id)
 WHERE p.organization_id = %s
"""


def new_club(conn: psycopg.Connection, slug: str) -> str:
    org = conn.execute("SELECT api.create_organization(%s, %s)", (slug, slug)).fetchone()[0]
    conn.execute("SELECT api.create_venue(%s, 'Room', 'room', 600)", (org,))
    return org


def fingerprint(conn: psycopg.Connection, org: str) -> str:
    return conn.execute(PAYMENTS, (org,)).fetchone()[0]


def test_same_seed_same_data_and_top_up_equals_one_run(migrated_db):
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        one_run, two_runs, other_seed = (
            new_club(conn, s) for s in ("one-run", "two-runs", "other-seed")
        )
        conn.execute("SELECT api.generate_demo_data(%s, 28, 30, 7, '2026-06-28')", (one_run,))
        conn.execute("SELECT api.generate_demo_data(%s, 14, 30, 7, '2026-06-14')", (two_runs,))
        conn.execute("SELECT api.generate_demo_data(%s, 14, 30, 7, '2026-06-28')", (two_runs,))
        conn.execute("SELECT api.generate_demo_data(%s, 28, 30, 8, '2026-06-28')", (other_seed,))
        assert fingerprint(conn, one_run) == fingerprint(conn, two_runs)
        assert fingerprint(conn, one_run) != fingerprint(conn, other_seed)
        counts = conn.execute(
            "SELECT count(*) FROM venue.customers WHERE organization_id = ANY(%s)"
            " GROUP BY organization_id",
            ([one_run, two_runs],),
        ).fetchall()
        assert counts[0] == counts[1]


def test_a_second_organization_leaves_the_first_untouched(migrated_db):
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        first = new_club(conn, "first")
        conn.execute("SELECT api.generate_demo_data(%s, 21, 25, 1, '2026-09-30')", (first,))
        before = (
            fingerprint(conn, first),
            conn.execute(
                "SELECT count(*) FROM venue.bookings WHERE organization_id = %s", (first,)
            ).fetchone()[0],
        )
        second = new_club(conn, "second")
        conn.execute("SELECT api.generate_demo_data(%s, 21, 25, 1, '2026-09-30')", (second,))
        after = (
            fingerprint(conn, first),
            conn.execute(
                "SELECT count(*) FROM venue.bookings WHERE organization_id = %s", (first,)
            ).fetchone()[0],
        )
        assert before == after
        # Nothing of the second organization points at the first one's rows.
        crossed = conn.execute(
            """SELECT count(*) FROM venue.bookings b
                 JOIN venue.customers c ON c.customer_id = b.customer_id
                WHERE b.organization_id <> c.organization_id"""
        ).fetchone()[0]
        assert crossed == 0


def test_two_organizations_generate_side_by_side_without_waiting(migrated_db):
    """A load open on one connection does not hold up another organization's load."""
    with (
        psycopg.connect(migrated_db, autocommit=True) as setup,
        psycopg.connect(migrated_db) as first_conn,
        psycopg.connect(migrated_db) as second_conn,
    ):
        first, second = new_club(setup, "side-a"), new_club(setup, "side-b")
        # Months without partitions yet are made by the first load, under a lock
        # on the fact tables held to its commit: the second would wait for that.
        # Made beforehand, as bench/dataset.py does.
        setup.execute("SELECT internal.ensure_fact_partitions('2026-03-01', '2026-07-31')")
        first_conn.execute("SELECT api.generate_demo_data(%s, 14, 20, 3, '2026-06-14')", (first,))
        # The first load's transaction is still open. The second must not wait
        # for it: a lock it would wait on (ANALYZE's, say) fails in 2 s instead.
        second_conn.execute("SET lock_timeout = '2s'")
        counts = second_conn.execute(
            "SELECT api.generate_demo_data(%s, 14, 20, 3, '2026-06-14')", (second,)
        ).fetchone()[0]
        second_conn.commit()
        first_conn.commit()
        assert counts["events"] == 6  # two weeks of Thursday, Friday, Saturday
        assert fingerprint(setup, first) == fingerprint(setup, second)


def test_two_loads_that_both_need_new_months_take_turns_without_deadlock(migrated_db):
    """Both loads start at once into months with no partitions: one makes them, the other
    waits for its commit; neither deadlocks (each used to hold the lock the other's
    CREATE TABLE ... PARTITION OF needed) and nothing lands in the DEFAULT partition."""
    with psycopg.connect(migrated_db, autocommit=True) as setup:
        orgs = [new_club(setup, "turn-a"), new_club(setup, "turn-b")]
    barrier = threading.Barrier(2)
    results: dict = {}

    def load(org: str) -> None:
        try:
            with psycopg.connect(migrated_db) as conn:
                barrier.wait()
                results[org] = conn.execute(
                    "SELECT api.generate_demo_data(%s, 14, 20, 3, '2025-01-14')", (org,)
                ).fetchone()[0]
                conn.commit()
        except psycopg.Error as exc:
            results[org] = exc

    threads = [threading.Thread(target=load, args=(org,)) for org in orgs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert all(isinstance(results.get(org), dict) for org in orgs), results
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        assert fingerprint(conn, orgs[0]) == fingerprint(conn, orgs[1])
        assert conn.execute(
            "SELECT count(*) FROM venue.payments_default WHERE organization_id = ANY(%s)",
            (orgs,),
        ).fetchone() == (0,)


def test_demo_load_is_idempotent(migrated_db):
    with db.connect(migrated_db, autocommit=True) as conn:
        first = demo.load(conn)
        assert [g["organization"] for g in first] == [
            "The Backroom Leeds",
            "Hartwell Wedding Venues",
        ]
        assert all(g["bookings"] > 0 for g in first)
        counts_before = demo.summary(conn)
        assert demo.load(conn) == []
        assert demo.summary(conn) == counts_before
        venues = conn.execute(
            "SELECT o.slug, count(*) FROM venue.venues v"
            " JOIN venue.organizations o USING (organization_id) GROUP BY o.slug ORDER BY o.slug"
        ).fetchall()
        assert [(v["slug"], v["count"]) for v in venues] == [
            ("backroom-leeds", 1),
            ("hartwell-weddings", 2),
        ]
