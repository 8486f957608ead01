"""api.tick from two sessions at once: every due run reaches the ledger exactly once.

Two threads, each on its own connection, call api.tick with the same p_now at
the same moment (a barrier) and commit. Between them they must enqueue each
due occurrence once: no run returned by both, none missing, and the ledger
holds one row per occurrence. The jobs are hand-made: 200 quarter-hourly
jobs due at 08:00Z, plus 50 with catch-up `all` that have been down since
06:00Z (so 8 runs each, 06:15 to 08:00 every quarter-hour, through the
due_runs path). 200 + 50 x 8 = 600 runs.
"""

import threading
import time

import psycopg

NOW = "2026-06-02 08:00:30Z"
JOBS = """
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, next_run_at)
SELECT 'q' || g, 'report', '*/15 * * * *', 'UTC', timestamptz '2026-06-02 08:00Z'
  FROM generate_series(1, 200) g
UNION ALL
SELECT 'late' || g, 'report', '*/15 * * * *', 'UTC', timestamptz '2026-06-02 06:15Z'
  FROM generate_series(1, 50) g
"""
EXPECTED = 200 + 50 * 8


def tick_in_thread(url: str, barrier: threading.Barrier, out: list) -> None:
    with psycopg.connect(url) as conn:
        barrier.wait()
        rows = conn.execute("SELECT job_id, scheduled_for FROM api.tick(%s)", (NOW,)).fetchall()
        conn.commit()
    out.extend(rows)


def test_two_concurrent_tickers_enqueue_each_run_once(migrated_db):
    with psycopg.connect(migrated_db) as conn:
        # Only this test's jobs: not the seeded system calendar (no runs yet in a new database).
        conn.execute("DELETE FROM reporting.scheduled_jobs WHERE organization_id IS NULL")
        conn.execute(JOBS)
        conn.commit()

    for _ in range(3):  # a race may go either way: try it a few times
        with psycopg.connect(migrated_db, autocommit=True) as conn:
            conn.execute("DELETE FROM reporting.job_runs")
            conn.execute(
                "UPDATE reporting.scheduled_jobs SET next_run_at = CASE WHEN name LIKE 'q%'"
                " THEN timestamptz '2026-06-02 08:00Z' ELSE '2026-06-02 06:15Z' END"
            )
        barrier = threading.Barrier(2)
        first: list = []
        second: list = []
        threads = [
            threading.Thread(target=tick_in_thread, args=(migrated_db, barrier, out))
            for out in (first, second)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert not set(first) & set(second), "a run was enqueued by both tickers"
        assert len(first) + len(second) == EXPECTED
        with psycopg.connect(migrated_db) as conn:
            ledger = conn.execute(
                "SELECT count(*), count(DISTINCT (job_id, scheduled_for)),"
                " min(scheduled_for), max(scheduled_for) FROM reporting.job_runs"
            ).fetchone()
            assert ledger[0] == ledger[1] == EXPECTED
            assert set(first) | set(second) == set(
                conn.execute("SELECT job_id, scheduled_for FROM reporting.job_runs").fetchall()
            )
            assert conn.execute(
                "SELECT count(*) FROM reporting.scheduled_jobs"
                " WHERE next_run_at <> timestamptz '2026-06-02 08:15Z'"
            ).fetchone() == (0,)


def test_a_job_held_by_another_transaction_is_gone_around_within_a_second(migrated_db):
    """A person editing a job (row locked, transaction open) does not stall the tick."""
    now = "2031-03-03 10:00:30Z"
    with (
        psycopg.connect(migrated_db, autocommit=True) as tick,
        psycopg.connect(migrated_db) as edit,
    ):
        tick.execute("DELETE FROM reporting.scheduled_jobs WHERE organization_id IS NULL")
        held, free = (
            row[0]
            for row in tick.execute(
                "INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone,"
                " next_run_at) VALUES ('held', 'report', '0 10 * * *', 'UTC', '2031-03-03 10:00Z'),"
                " ('free', 'report', '0 10 * * *', 'UTC', '2031-03-03 10:00Z') RETURNING job_id"
            ).fetchall()
        )
        edit.execute(
            "UPDATE reporting.scheduled_jobs SET priority = 'high' WHERE job_id = %s", (held,)
        )

        started = time.monotonic()
        first = tick.execute("SELECT job_id FROM api.tick(%s)", (now,)).fetchall()
        waited = time.monotonic() - started
        assert first == [(free,)]
        assert waited < 5  # at most lock_timeout (1 s) of waiting, then around it

        edit.rollback()
        second = tick.execute("SELECT job_id, scheduled_for::text FROM api.tick(%s)", (now,))
        assert second.fetchall() == [(held, "2031-03-03 10:00:00+00")]
        assert tick.execute(
            "SELECT count(*) FROM reporting.scheduled_jobs"
            " WHERE next_run_at = timestamptz '2031-03-04 10:00Z'"
        ).fetchone() == (2,)
