"""The aggregation queue with two sessions: a transaction that commits late is still counted."""

import psycopg

DAY = "2026-06-12"
PAID_AT = "2026-06-12 23:00 Europe/London"
INSERT_PAYMENT = (
    "INSERT INTO venue.payments (organization_id, venue_id, kind, amount, provider, paid_at)"
    " VALUES (%s, %s, 'bar', %s, 'cash', %s)"
)


def daily_gross(conn: psycopg.Connection, venue_id: int):
    row = conn.execute(
        "SELECT gross_revenue FROM reporting.daily_aggregations"
        " WHERE venue_id = %s AND business_date = %s",
        (venue_id, DAY),
    ).fetchone()
    return None if row is None else row[0]


def test_a_late_commit_is_aggregated_on_the_next_run(migrated_db):
    with (
        psycopg.connect(migrated_db, autocommit=True) as processor,
        psycopg.connect(migrated_db) as writer,
    ):
        org = processor.execute("SELECT api.create_organization('Queue', 'queue')").fetchone()[0]
        venue = processor.execute(
            "SELECT api.create_venue(%s, 'Queue Club', 'queue-club', 300)", (org,)
        ).fetchone()[0]

        # The writer's payment and its queue mark are not committed yet.
        writer.execute(INSERT_PAYMENT, (org, venue, "100.00", PAID_AT))
        assert processor.execute("SELECT api.process_hourly_aggregations()").fetchone() == (0,)
        assert daily_gross(processor, venue) is None

        # It commits after the run that could not see it: the mark came with it.
        writer.commit()
        assert processor.execute("SELECT api.process_hourly_aggregations()").fetchone() == (1,)
        assert str(daily_gross(processor, venue)) == "100.00"

        # A second write while a run is open in another transaction is kept for
        # the next run, not deleted by the one in progress.
        processor.execute("BEGIN")
        writer.execute(INSERT_PAYMENT, (org, venue, "50.00", PAID_AT))
        assert processor.execute("SELECT api.process_hourly_aggregations()").fetchone() == (0,)
        writer.commit()
        processor.execute("COMMIT")
        assert processor.execute("SELECT api.process_hourly_aggregations()").fetchone() == (1,)
        assert str(daily_gross(processor, venue)) == "150.00"
