"""api.generate_report wakes the renderer once per transaction, and only when it commits."""

import psycopg

DAY = "2026-06-12"


def notifications(listener: psycopg.Connection) -> list[str]:
    return [n.payload for n in listener.notifies(timeout=0.5, stop_after=10)]


def test_reports_notify_once_per_committed_transaction(migrated_db):
    with (
        psycopg.connect(migrated_db, autocommit=True) as listener,
        psycopg.connect(migrated_db) as writer,
    ):
        org = writer.execute("SELECT api.create_organization('Notify', 'notify')").fetchone()[0]
        writer.execute("SELECT api.create_venue(%s, 'Notify Club', 'notify-club', 300)", (org,))
        writer.commit()
        listener.execute("LISTEN nightcap_reports")

        # Two reports in one transaction that is rolled back: no wake-up.
        for key in ("daily_summary", "weekly_summary"):
            writer.execute("SELECT api.generate_report(%s, %s, %s, %s)", (key, org, DAY, DAY))
        writer.rollback()
        assert notifications(listener) == []

        # The same two, committed: one wake-up for both.
        for key in ("daily_summary", "weekly_summary"):
            writer.execute("SELECT api.generate_report(%s, %s, %s, %s)", (key, org, DAY, DAY))
        writer.commit()
        assert notifications(listener) == ["data_ready"]
        ready = writer.execute(
            "SELECT count(*) FROM reporting.report_generation_history"
            " WHERE organization_id = %s AND status = 'data_ready'",
            (org,),
        ).fetchone()
        assert ready == (2,)
