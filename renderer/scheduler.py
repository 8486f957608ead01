"""`nightcap scheduler`: api.tick() then api.work() every minute, where pg_cron is absent.

Each iteration, at the start of a minute as pg_cron's are, calls `api.tick()`
(enqueues the due runs of every scheduled job, exactly once however many
tickers run) and commits, then `api.work(max_seconds)` (runs the due
aggregation, maintenance and sql runs inside PostgreSQL) and commits. The
first iteration runs at once. Every log line is one JSON object on stderr:
one per run enqueued and per attempt worked, one per iteration.

A lost connection is logged and retried with back-off (1 s, doubling, at most
60 s), not a crash; another database error is logged and the loop goes on at
the next minute. SIGTERM or SIGINT ends the loop between iterations: an
iteration under way finishes first, a wait is cut short. `--once` runs one
iteration and exits 0, or 1 when the database could not be reached or
refused, for cron(8) or a test.
"""

import contextlib
import os
import socket
import threading
import time

import psycopg
from psycopg.types.json import Jsonb

from renderer import db, queries
from renderer.logs import log, stop_on_signals
from renderer.report_reader import ReportReader

BACKOFF_START_S = 1.0
BACKOFF_CAP_S = 60.0
IN_DATABASE_KINDS_WITHOUT_REPORTS = ["aggregation", "maintenance", "sql"]
# A report run read on a standby is held by this process, not by one
# transaction: if it dies, the run comes back when the lease ends.
REPORT_RUN_LEASE = "5 minutes"


def worker_name() -> str:
    return f"scheduler:{socket.gethostname()}:{os.getpid()}"


def seconds_to_next_minute(now: float | None = None) -> float:
    """How long until the next whole minute of the wall clock."""
    now = time.time() if now is None else now
    return 60.0 - now % 60.0


def connect(url: str) -> psycopg.Connection:
    conn = db.connect(url, on_notice=None)
    info = conn.info
    log("connected", host=info.host, dbname=info.dbname, backend_pid=info.backend_pid)
    has_pg_cron = conn.execute(queries.load("scheduler_has_pg_cron")).fetchone()["has_pg_cron"]
    if has_pg_cron and conn.execute(queries.load("scheduler_pg_cron_jobs")).fetchone()["jobs"]:
        log(
            "pg_cron_present",
            note="pg_cron already calls api.tick() and api.work() in this database; "
            "running both is safe (each run is enqueued once) but one is enough",
        )
    conn.rollback()
    return conn


def work_report_runs(
    conn: psycopg.Connection, reader: ReportReader, deadline: float, worker: str | None = None
) -> list[dict]:
    """Claim and run due report runs, reading on the standby, until none is due or `deadline`."""
    worker = worker or worker_name()
    worked = []
    while time.monotonic() < deadline:
        claim = {"worker": worker, "lease": REPORT_RUN_LEASE}
        run = conn.execute(queries.load("scheduler_claim_report_run"), claim).fetchone()
        conn.commit()
        if run is None:
            break
        context = {"run_id": run["run_id"], "job_id": run["job_id"], "job": run["job"]}
        attempt = {**context, "attempt": run["attempt"], "error_sqlstate": None}
        attempt["error_message"] = None
        try:
            requests = conn.execute(
                queries.load("scheduler_report_run_requests"),
                {"run_id": run["run_id"], "worker": worker},
            ).fetchall()
            conn.commit()
            ids = reader.generate(conn, requests, **context) if requests else []
            conn.execute(
                queries.load("scheduler_complete_report_run"),
                {
                    "run_id": run["run_id"],
                    "worker": worker,
                    "generated": len(ids),
                    "result": Jsonb({"generation_ids": ids}),
                },
            )
            conn.commit()
            attempt["status"] = "succeeded"
        except psycopg.OperationalError:
            raise  # the primary went away: the run comes back when its lease ends
        except psycopg.Error as exc:
            conn.rollback()
            attempt["error_sqlstate"] = exc.sqlstate or "XX000"
            attempt["error_message"] = str(exc).strip()
            attempt["status"] = conn.execute(
                queries.load("scheduler_fail_run"),
                {
                    "run_id": run["run_id"],
                    "sqlstate": attempt["error_sqlstate"],
                    "message": attempt["error_message"],
                    "worker": worker,
                },
            ).fetchone()["status"]
            conn.commit()
        worked.append(attempt)
    return worked


def iterate(
    conn: psycopg.Connection, max_seconds: float, reader: ReportReader | None = None
) -> tuple[int, int]:
    """One tick, committed, then one call of api.work, committed; logs each run.

    With a reader, api.work leaves the report runs, and they are worked here.
    """
    started = time.monotonic()
    enqueued = conn.execute(queries.load("scheduler_tick")).fetchall()
    conn.commit()
    for run in enqueued:
        log("enqueued", **run)
    worked = conn.execute(
        queries.load("scheduler_work"),
        {
            "max_seconds": max_seconds,
            "kinds": None if reader is None else IN_DATABASE_KINDS_WITHOUT_REPORTS,
        },
    ).fetchall()
    conn.commit()
    if reader is not None:
        worked += work_report_runs(conn, reader, started + max_seconds)
    for attempt in worked:
        log("worked", **attempt)
    log(
        "iteration",
        enqueued=len(enqueued),
        worked=len(worked),
        failed=sum(1 for a in worked if a["status"] != "succeeded"),
        seconds=round(time.monotonic() - started, 3),
    )
    return len(enqueued), len(worked)


def close_quietly(conn: psycopg.Connection | None) -> None:
    if conn is not None:
        with contextlib.suppress(psycopg.Error):
            conn.close()


def run(
    url: str,
    *,
    once: bool = False,
    max_seconds: float = 50,
    stop: threading.Event | None = None,
    reader: ReportReader | None = None,
) -> int:
    """The loop; returns the exit status. Without `stop`, SIGTERM and SIGINT end it."""
    stop = stop_on_signals() if stop is None else stop
    log(
        "scheduler_started",
        once=once,
        max_seconds=max_seconds,
        read_replica=reader is not None,
        read_max_wait_s=None if reader is None else reader.max_wait_seconds,
    )
    conn: psycopg.Connection | None = None
    backoff = BACKOFF_START_S
    status = 0
    while not stop.is_set():
        try:
            if conn is None or conn.closed:
                conn = connect(url)
            iterate(conn, max_seconds, reader)
            backoff = BACKOFF_START_S
        except psycopg.OperationalError as exc:
            close_quietly(conn)
            conn = None
            log("connection_lost", error=str(exc).strip(), retry_in_s=None if once else backoff)
            if once:
                status = 1
                break
            stop.wait(backoff)
            backoff = min(backoff * 2, BACKOFF_CAP_S)
            continue
        except psycopg.Error as exc:
            log("iteration_failed", sqlstate=exc.sqlstate, error=str(exc).strip())
            if not conn.closed:
                conn.rollback()
            if once:
                status = 1
                break
        if once:
            break
        stop.wait(seconds_to_next_minute())
    close_quietly(conn)
    if reader is not None:
        with contextlib.suppress(psycopg.Error):
            reader.close()
    log("scheduler_stopped", status=status)
    return status
