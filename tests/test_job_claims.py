"""Claims from concurrent workers, and a crashed worker's run taken back.

Workers are separate connections, as separate processes would be. The runs are
hand-made: one disabled report job with 300 runs queued for consecutive
minutes, so nothing else is due and every run is claimable at once.
"""

import threading
import time

import psycopg

RUNS = 300
JOB = """
INSERT INTO reporting.scheduled_jobs
       (name, job_type, cron_expression, timezone, enabled, max_attempts)
VALUES ('claims', 'report', '0 9 * * *', 'UTC', false, 2)
RETURNING job_id
"""
QUEUE = """
SELECT api.enqueue_run(%s, timestamptz '2026-06-01 00:00Z' + g * interval '1 minute')
  FROM generate_series(1, %s) g
"""


def make_runs(url: str, runs: int = RUNS) -> int:
    with psycopg.connect(url) as conn:
        (job_id,) = conn.execute(JOB).fetchone()
        conn.execute(QUEUE, (job_id, runs))
        conn.commit()
    return job_id


def work_until_empty(url: str, worker: str, barrier: threading.Barrier, out: list) -> None:
    """Claim 7 at a time and complete each, until a claim comes back empty."""
    with psycopg.connect(url, autocommit=True) as conn:
        barrier.wait()
        while True:
            rows = conn.execute(
                "SELECT run_id, attempt FROM api.claim_jobs(%s, '{report}', 7)", (worker,)
            ).fetchall()
            if not rows:
                return
            for run_id, attempt in rows:
                conn.execute("SELECT api.complete_job(%s, NULL, %s)", (run_id, worker))
                out.append((run_id, attempt))


def test_two_workers_claim_every_run_once(migrated_db):
    make_runs(migrated_db)
    barrier = threading.Barrier(2)
    done = {"w1": [], "w2": []}
    threads = [
        threading.Thread(target=work_until_empty, args=(migrated_db, w, barrier, out))
        for w, out in done.items()
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    first, second = ({run for run, _ in out} for out in done.values())
    assert not first & second, "a run was claimed by both workers"
    assert len(first) + len(second) == RUNS
    assert first and second, "one worker got every run: the claims did not overlap"
    assert {attempt for out in done.values() for _, attempt in out} == {1}
    with psycopg.connect(migrated_db) as conn:
        assert conn.execute(
            "SELECT status, count(*), count(DISTINCT worker)"
            " FROM reporting.job_runs GROUP BY status"
        ).fetchall() == [("succeeded", RUNS, 2)]
        assert conn.execute(
            "SELECT count(*), count(DISTINCT run_id) FROM reporting.job_execution_history"
            " WHERE status = 'succeeded' AND attempt = 1"
        ).fetchone() == (RUNS, RUNS)


def test_a_crashed_workers_run_is_taken_back_after_its_lease(migrated_db):
    make_runs(migrated_db, runs=1)
    # Worker A claims with a 1-second lease, commits, and dies without a word.
    crashed = psycopg.connect(migrated_db, autocommit=True)
    ((run_id, attempt),) = crashed.execute(
        "SELECT run_id, attempt FROM api.claim_jobs('worker-a', NULL, 1, '1 second')"
    ).fetchall()
    assert attempt == 1
    crashed.close()

    with psycopg.connect(migrated_db, autocommit=True) as conn:
        # Within the lease nobody else may take it.
        assert conn.execute("SELECT * FROM api.claim_jobs('worker-b', NULL, 1)").fetchall() == []
        time.sleep(1.2)
        assert conn.execute(
            "SELECT run_id, attempt FROM api.claim_jobs('worker-b', NULL, 1)"
        ).fetchall() == [(run_id, 2)]
        assert conn.execute(
            "SELECT attempt, worker, status, sqlstate FROM reporting.job_execution_history"
            " WHERE run_id = %s",
            (run_id,),
        ).fetchall() == [(1, "worker-a", "lease_expired", "08006")]
        conn.execute("SELECT api.complete_job(%s, NULL, 'worker-b')", (run_id,))
        assert conn.execute(
            "SELECT status, attempt, worker FROM reporting.job_runs WHERE run_id = %s", (run_id,)
        ).fetchone() == ("succeeded", 2, "worker-b")
