"""`nightcap scheduler`: api.tick() and api.work() from Python where pg_cron is absent.

The per-test databases have no pg_cron (only the `make test` database is
pg_cron's), as on a server without it. The job is hand-made: a minutely sql
job, due at the start of the current minute, that inserts a row into a probe
table; the scheduler must enqueue it, run it and leave its history.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import psycopg
import pytest

from renderer import scheduler

PROBE_TABLE = "CREATE TABLE public.scheduler_probe (n integer NOT NULL)"
PROBE_JOB = """
INSERT INTO reporting.scheduled_jobs
       (name, job_type, cron_expression, timezone, next_run_at, payload)
VALUES ('probe', 'sql', '* * * * *', 'UTC', date_trunc('minute', now()),
        '{"sql": "INSERT INTO public.scheduler_probe VALUES (42)"}')
RETURNING next_run_at
"""


def nightcap(url: str, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "renderer.cli", "scheduler", *args],
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def events(stderr: str) -> list[dict]:
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


def read_until(proc: subprocess.Popen, event: str, timeout: float = 20) -> list[dict]:
    """The log lines of a running scheduler up to the first `event` (killed after `timeout`)."""
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    seen = []
    try:
        for line in proc.stderr:
            seen.append(json.loads(line))
            if seen[-1]["event"] == event:
                return seen
    finally:
        timer.cancel()
    raise AssertionError(f"no {event} event: {seen}")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_once_enqueues_and_runs_a_due_sql_job_and_records_its_history(migrated_db):
    with psycopg.connect(migrated_db) as conn:
        conn.execute(PROBE_TABLE)
        (due,) = conn.execute(PROBE_JOB).fetchone()

    proc = nightcap(migrated_db, "--once")
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    log = events(stderr)
    enqueued = [e for e in log if e["event"] == "enqueued" and e["job"] == "probe"]
    worked = [e for e in log if e["event"] == "worked" and e["job"] == "probe"]
    # A minute may turn between the insert and the tick: then the next minute is due too.
    assert 1 <= len(enqueued) <= 2
    assert [e["run_id"] for e in worked] == [e["run_id"] for e in enqueued]
    assert {(e["status"], e["attempt"], e["error_sqlstate"]) for e in worked} == {
        ("succeeded", 1, None)
    }
    assert log[-1] == {**log[-1], "event": "scheduler_stopped", "status": 0}

    with psycopg.connect(migrated_db) as conn:
        runs = conn.execute(
            "SELECT r.run_id, r.scheduled_for, r.status, h.status, h.attempt, h.rows_processed,"
            "       h.worker LIKE 'pg:%'"
            "  FROM reporting.job_runs r JOIN reporting.job_execution_history h USING (run_id)"
            " WHERE r.job_id = (SELECT job_id FROM reporting.scheduled_jobs WHERE name = 'probe')"
            " ORDER BY r.scheduled_for"
        ).fetchall()
        probes = conn.execute("SELECT count(*), min(n) FROM public.scheduler_probe").fetchone()
        next_run = conn.execute(
            "SELECT next_run_at > now() FROM reporting.scheduled_jobs WHERE name = 'probe'"
        ).fetchone()
    assert [r[0] for r in runs] == [e["run_id"] for e in enqueued]
    assert runs[0][1] == due, "the first run is the occurrence that was due"
    assert {r[2:] for r in runs} == {("succeeded", "succeeded", 1, 1, True)}
    assert probes == (len(runs), 42)
    assert next_run == (True,)


def test_sigterm_ends_the_loop_between_iterations(migrated_db):
    proc = nightcap(migrated_db)
    seen = read_until(proc, "iteration")
    # A seeded system job may fall due in this first minute: its runs are logged too.
    loop = [e["event"] for e in seen if e["event"] not in ("enqueued", "worked")]
    assert loop == ["scheduler_started", "connected", "iteration"]
    proc.send_signal(signal.SIGTERM)  # now waiting for the next minute
    _, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert [e["event"] for e in events(stderr)] == ["signal", "scheduler_stopped"]


def test_an_unreachable_database_is_retried_with_back_off_then_sigint_stops_it():
    proc = nightcap(f"postgresql://nobody:x@127.0.0.1:{closed_port()}/none")
    first = read_until(proc, "connection_lost")
    second = read_until(proc, "connection_lost")
    assert (first[-1]["retry_in_s"], second[-1]["retry_in_s"]) == (1.0, 2.0)
    proc.send_signal(signal.SIGINT)  # cuts the 2-second wait short
    _, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert events(stderr)[-1]["event"] == "scheduler_stopped"


def test_once_against_an_unreachable_database_exits_1():
    proc = nightcap(f"postgresql://nobody:x@127.0.0.1:{closed_port()}/none", "--once")
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert [e["event"] for e in events(stderr)] == [
        "scheduler_started",
        "connection_lost",
        "scheduler_stopped",
    ]


def test_a_killed_connection_is_reopened(migrated_db, admin_conninfo, monkeypatch):
    # Iterations every 0.2 s instead of every minute; the log kept in a list.
    monkeypatch.setattr(scheduler, "seconds_to_next_minute", lambda: 0.2)
    log: list[dict] = []

    def keep(event: str, **fields) -> None:
        log.append({"event": event, **fields})

    monkeypatch.setattr(scheduler, "log", keep)
    stop = threading.Event()
    loop = threading.Thread(target=scheduler.run, args=(migrated_db,), kwargs={"stop": stop})
    loop.start()
    try:
        deadline = time.monotonic() + 20
        while not [e for e in log if e["event"] == "iteration"] and time.monotonic() < deadline:
            time.sleep(0.05)
        (connected,) = [e for e in log if e["event"] == "connected"]
        with psycopg.connect(admin_conninfo, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (connected["backend_pid"],))

        def iterated_after_reconnecting() -> bool:
            kinds = [e["event"] for e in log]
            return (
                kinds.count("connected") == 2
                and kinds[-1] != "connected"
                and "iteration" in (kinds[len(kinds) - kinds[::-1].index("connected") :])
            )

        while not iterated_after_reconnecting() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        loop.join(timeout=10)
    kinds = [e["event"] for e in log]
    assert "connection_lost" in kinds, kinds
    lost = kinds.index("connection_lost")
    assert kinds[lost + 1 :].count("connected") == 1, kinds
    assert "iteration" in kinds[kinds.index("connected", lost) :], "it went on after reconnecting"
    assert kinds[-1] == "scheduler_stopped"


@pytest.mark.parametrize("now, expected", [(120.0, 60.0), (179.5, 0.5), (150.25, 29.75)])
def test_iterations_are_aligned_to_the_minute(now, expected):
    assert scheduler.seconds_to_next_minute(now) == expected
