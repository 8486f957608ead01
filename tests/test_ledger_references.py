"""A job with runs stays, against concurrent transactions too (the ledger's reference, since 0013).

reporting.job_runs.job_id is kept by triggers rather than a FOREIGN KEY
(tests/sql/ledger_references.sql has the single-session cases). What the
foreign key also did, and these check with two connections: a DELETE of a job
waits for a transaction still enqueueing runs of it (api.tick, api.enqueue_run)
and, once that commits, sees the runs and refuses (23503). A REPEATABLE READ
transaction, whose snapshot would not see runs committed after it began, may
not delete a job at all (0A000) rather than delete it under them.
"""

import psycopg
import pytest
from psycopg import errors

NOW = "2026-06-02 08:00:30Z"
JOB = """
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, next_run_at)
VALUES ('kept', 'report', '*/15 * * * *', 'UTC', timestamptz '2026-06-02 08:00Z')
RETURNING job_id
"""
ENQUEUE = {
    "tick": "SELECT count(*) FROM api.tick(%s)",
    "enqueue_run": "SELECT api.enqueue_run((SELECT job_id FROM reporting.scheduled_jobs"
    " WHERE name = 'kept'), %s)",
}
DELETE = "DELETE FROM reporting.scheduled_jobs WHERE name = 'kept'"


@pytest.fixture
def job(migrated_db: str) -> str:
    with psycopg.connect(migrated_db) as conn:
        # Only this test's job: not the seeded system calendar.
        conn.execute("DELETE FROM reporting.scheduled_jobs WHERE organization_id IS NULL")
        conn.execute(JOB)
    return migrated_db


@pytest.mark.parametrize("how", sorted(ENQUEUE))
def test_a_delete_waits_for_the_enqueuer_then_sees_its_runs(job: str, how: str) -> None:
    with psycopg.connect(job) as enqueuer, psycopg.connect(job) as deleter:
        enqueuer.execute(ENQUEUE[how], (NOW,))  # not committed yet
        deleter.execute("SET lock_timeout = '300ms'")
        with pytest.raises(errors.LockNotAvailable):
            deleter.execute(DELETE)
        deleter.rollback()
        enqueuer.commit()
        with pytest.raises(errors.ForeignKeyViolation):
            deleter.execute(DELETE)


@pytest.mark.parametrize("how", sorted(ENQUEUE))
def test_an_older_repeatable_read_snapshot_cannot_delete_under_new_runs(job: str, how: str) -> None:
    with psycopg.connect(job) as enqueuer, psycopg.connect(job) as deleter:
        deleter.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        assert deleter.execute(
            "SELECT count(*) FROM reporting.job_runs r JOIN reporting.scheduled_jobs j"
            " USING (job_id) WHERE j.name = 'kept'"
        ).fetchone() == (0,)  # the snapshot: no runs yet
        enqueuer.execute(ENQUEUE[how], (NOW,))
        enqueuer.commit()
        # api.tick updated the job row since the snapshot: PostgreSQL's own
        # 40001 comes first. api.enqueue_run only locked it: the trigger refuses.
        expected = errors.SerializationFailure if how == "tick" else errors.FeatureNotSupported
        with pytest.raises(expected):
            deleter.execute(DELETE)


def test_repeatable_read_cannot_delete_even_a_job_without_runs(job: str) -> None:
    with psycopg.connect(job) as deleter:
        deleter.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with pytest.raises(errors.FeatureNotSupported):
            deleter.execute(DELETE)
        deleter.rollback()
        deleter.execute(DELETE)  # READ COMMITTED: no runs, so it goes
