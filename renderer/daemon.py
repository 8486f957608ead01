"""`nightcap renderer`: the daemon that turns generated reports into files.

NOTIFY on `nightcap_reports` only wakes it; the work is claimed from the
database (api.claim_reports: FOR UPDATE SKIP LOCKED, a lease per report), so a
daemon started late, or woken by nobody, still finds every report: it polls
every --poll seconds too. Each claimed report is rendered in every format it
asks for (renderer.render_report), its files stored (renderer.storage) and
the report completed with, per file, format, URI, bytes, sha256 and pages,
per-format durations and the daemon's peak memory (api.complete_report).

Leases are renewed by a heartbeat thread while a report renders. A daemon
killed with SIGKILL loses nothing: its leases expire and the next claim, by
any daemon, takes the reports back. SIGTERM or SIGINT stops claiming, lets
the reports under way finish within --grace seconds and hands the others back
(api.release_report), then exits 0. A report that cannot be rendered (a
template error, a snapshot that does not fit, a full disk) is recorded failed
for that attempt with the message (api.fail_report) and retried after the
job engine's back-off, then failed for good: it never stops the daemon.

Every --expire-files seconds (and once at the end of --once) it also
deletes the stored files the database marked expired, by retention or by a
customer's erasure (renderer.expire_files), so their links answer 410 Gone.

Several daemons on one database never render the same report twice: only the
holder of a report's lease may complete it (55000 otherwise, and the late
daemon drops its attempt). Logs are JSON lines on stderr naming report,
attempt and durations; --metrics-port serves Prometheus metrics.
"""

import contextlib
import os
import resource
import socket
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg
from psycopg.types.json import Jsonb

from renderer import db, metrics, queries
from renderer.expire_files import delete_expired_files
from renderer.logs import log, stop_on_signals, wait_for_notify
from renderer.render_report import freeze_long_lived_objects, render_all
from renderer.storage import Storage, default_storage, report_key

LISTEN_CHANNEL = "nightcap_reports"


@dataclass
class DaemonOptions:
    url: str
    listen_url: str | None = None
    # Unique per daemon start: containers share hostnames and PID 1.
    worker: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    )
    concurrency: int = 1
    lease_seconds: float = 60.0
    poll_seconds: float = 5.0
    grace_seconds: float = 30.0
    once: bool = False
    deliver: bool = True
    # A send may wait on each email provider in turn (20 s each by default):
    # the lease must outlast the whole failover, or another sender could
    # take the delivery back and send it again.
    delivery_lease_seconds: float = 180.0
    # How often expired files (retention, erasure) are deleted from storage.
    expire_files_seconds: float = 60.0


def peak_memory_kb() -> int:
    """This process's peak resident set size so far, in KiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Renderer:
    """The daemon's state: in-flight reports, their leases, one connection per thread."""

    def __init__(self, options: DaemonOptions, storage: Storage, stop: threading.Event):
        self.options = options
        self.storage = storage
        self.stop = stop
        self.in_flight: dict[int, Future] = {}
        self.lost: set[int] = set()
        self.lock = threading.Lock()
        self.local = threading.local()
        self.pool = ThreadPoolExecutor(options.concurrency, thread_name_prefix="render")

    def connection(self) -> psycopg.Connection:
        """This thread's own autocommit connection (psycopg connections are not shared)."""
        conn = getattr(self.local, "conn", None)
        if conn is None or conn.closed:
            conn = db.connect(self.options.url, autocommit=True, on_notice=None)
            self.local.conn = conn
        return conn

    def claim(self, limit: int) -> list[dict]:
        rows = (
            self.connection()
            .execute(
                queries.load("renderer_claim"),
                {
                    "worker": self.options.worker,
                    "limit": limit,
                    "lease": f"{self.options.lease_seconds} seconds",
                },
            )
            .fetchall()
        )
        for row in rows:
            log(
                "claimed",
                generation_id=row["generation_id"],
                attempt=row["attempt"],
                template=row["template_key"],
                formats=row["formats"],
                worker=self.options.worker,
            )
        return rows

    def render(self, report: dict) -> None:
        """Render, store and complete one report; a failure is recorded, never raised."""
        generation_id = report["generation_id"]
        started = time.perf_counter()
        context = {
            "generation_id": generation_id,
            "attempt": report["attempt"],
            "worker": self.options.worker,
        }
        try:
            rendered = render_all(report["snapshot"], report["formats"])
            files = []
            for f in rendered:
                key = report_key(
                    report["organization_slug"],
                    report["template_key"],
                    report["period_start"],
                    report["period_end"],
                    generation_id,
                    f.extension,
                )
                stored = self.storage.put(key, f.data, f.content_type)
                files.append(
                    {
                        "format": f.format,
                        "extension": f.extension,
                        "uri": stored.uri,
                        "key": key,
                        "path": str(stored.path),
                        "bytes": stored.bytes,
                        "sha256": stored.sha256,
                        "pages": f.pages,
                        "content_type": f.content_type,
                    }
                )
            render_ms = {f.format: round(f.milliseconds, 1) for f in rendered}
            render_ms["total"] = round((time.perf_counter() - started) * 1000, 1)
            if generation_id in self.lost:
                raise LeaseLost(generation_id)
            peak = peak_memory_kb()
            self.connection().execute(
                queries.load("renderer_complete"),
                {
                    "generation_id": generation_id,
                    "worker": self.options.worker,
                    "files": Jsonb(files),
                    "render_ms": Jsonb(render_ms),
                    "peak_memory_kb": peak,
                },
            )
            metrics.record_render("completed", render_ms, files)
            log("completed", **context, render_ms=render_ms, peak_memory_kb=peak)
        except (LeaseLost, psycopg.errors.ObjectNotInPrerequisiteState) as exc:
            # Another daemon holds it now (our lease expired): drop this attempt.
            metrics.record_render("lease_lost", {}, [])
            log("lease_lost", **context, error=str(exc).strip())
        except psycopg.OperationalError as exc:
            # The database went away: the lease will expire and the report come back.
            metrics.record_render("abandoned", {}, [])
            log("connection_lost", **context, error=str(exc).strip())
            self.local.conn = None
        except Exception as exc:  # noqa: BLE001 - a poison report must not stop the daemon
            message = f"{type(exc).__name__}: {exc}"[:2000]
            metrics.record_render("failed", {}, [])
            try:
                status = (
                    self.connection()
                    .execute(
                        queries.load("renderer_fail"),
                        {
                            "generation_id": generation_id,
                            "worker": self.options.worker,
                            "message": message,
                        },
                    )
                    .fetchone()["status"]
                )
            except psycopg.Error as db_exc:
                status = f"not recorded ({db_exc.sqlstate})"
            log("render_failed", **context, error=message, status=status)
        finally:
            with self.lock:
                self.in_flight.pop(generation_id, None)
                self.lost.discard(generation_id)

    def heartbeat(self) -> None:
        """Renew the lease of every report under way, every third of the lease."""
        conn: psycopg.Connection | None = None
        while not self.stop.wait(self.options.lease_seconds / 3) or self.in_flight:
            with self.lock:
                ids = list(self.in_flight)
            for generation_id in ids:
                try:
                    if conn is None or conn.closed:
                        conn = db.connect(self.options.url, autocommit=True, on_notice=None)
                    conn.execute(
                        queries.load("renderer_heartbeat"),
                        {
                            "generation_id": generation_id,
                            "worker": self.options.worker,
                            "lease": f"{self.options.lease_seconds} seconds",
                        },
                    )
                except psycopg.errors.ObjectNotInPrerequisiteState:
                    with self.lock:
                        self.lost.add(generation_id)
                except psycopg.Error as exc:
                    log("heartbeat_failed", generation_id=generation_id, error=str(exc).strip())
                    with contextlib.suppress(psycopg.Error):
                        if conn is not None:
                            conn.close()
                    conn = None
            if self.stop.is_set() and not self.in_flight:
                break
        if conn is not None:
            conn.close()

    def release_unfinished(self) -> None:
        """After the grace period: hand back what is still under way."""
        with self.lock:
            ids = list(self.in_flight)
        for generation_id in ids:
            with contextlib.suppress(psycopg.Error):
                self.connection().execute(
                    queries.load("renderer_release"),
                    {"generation_id": generation_id, "worker": self.options.worker},
                )
                self.lost.add(generation_id)
                log("released", generation_id=generation_id, worker=self.options.worker)

    def expire_files(self) -> None:
        """Delete the files the database marked expired; a failure is logged, never raised."""
        try:
            done = delete_expired_files(self.connection(), self.storage, self.options.worker)
        except psycopg.OperationalError as exc:
            log("connection_lost", worker=self.options.worker, error=str(exc).strip())
            self.local.conn = None
            return
        except psycopg.Error as exc:
            log("files_expiry_failed", worker=self.options.worker, error=str(exc).strip())
            return
        if done:
            log("expired_files_deleted", worker=self.options.worker, reports=done)


class LeaseLost(RuntimeError):
    def __init__(self, generation_id: int):
        super().__init__(f"report {generation_id}: lease lost to another renderer")


def run(
    options: DaemonOptions,
    *,
    storage: Storage | None = None,
    stop: threading.Event | None = None,
    channels: dict | None = None,
) -> int:
    """The daemon's loop; returns the exit status. Without `stop`, SIGTERM and SIGINT end it.

    With options.deliver, a sender (renderer.sender) sends the deliveries of
    completed reports: beside the renderer in a thread, or after it with --once.
    """
    stop = stop_on_signals() if stop is None else stop
    storage = storage or default_storage()
    daemon = Renderer(options, storage, stop)
    sender = None
    if options.deliver:
        from renderer.sender import Sender, default_channels

        sender = Sender(
            options.url,
            options.worker,
            channels if channels is not None else default_channels(storage),
            stop,
            listen_url=options.listen_url,
            lease_seconds=options.delivery_lease_seconds,
            poll_seconds=options.poll_seconds,
            once=options.once,
        )
        if not options.once:
            threading.Thread(target=sender.run, name="sender", daemon=True).start()
    freeze_long_lived_objects()
    log(
        "renderer_started",
        worker=options.worker,
        concurrency=options.concurrency,
        once=options.once,
        storage=str(getattr(storage, "root", storage)),
    )
    listener = db.connect(options.listen_url or options.url, autocommit=True, on_notice=None)
    listener.execute(f"LISTEN {LISTEN_CHANNEL}")
    beat = threading.Thread(target=daemon.heartbeat, name="heartbeat", daemon=True)
    beat.start()
    status = 0
    next_gauge = 0.0
    next_expiry = 0.0
    try:
        while not stop.is_set():
            if not options.once and time.monotonic() >= next_expiry:
                daemon.expire_files()
                next_expiry = time.monotonic() + options.expire_files_seconds
            free = options.concurrency - len(daemon.in_flight)
            claimed: list[dict] = []
            if free > 0:
                try:
                    claimed = daemon.claim(free)
                except psycopg.OperationalError as exc:
                    log("connection_lost", error=str(exc).strip(), retry_in_s=options.poll_seconds)
                    daemon.local.conn = None
                    if options.once:
                        status = 1
                        break
                    stop.wait(options.poll_seconds)
                    continue
                for report in claimed:
                    with daemon.lock:
                        daemon.in_flight[report["generation_id"]] = daemon.pool.submit(
                            daemon.render, report
                        )
            metrics.set_in_flight(len(daemon.in_flight))
            if not claimed and time.monotonic() >= next_gauge:
                with contextlib.suppress(psycopg.Error):
                    depth = daemon.connection().execute(queries.load("renderer_queue_depth"))
                    metrics.set_queue(**depth.fetchone())
                next_gauge = time.monotonic() + options.poll_seconds
            if options.once and not claimed and not daemon.in_flight:
                break
            if claimed and len(claimed) == free:
                continue  # the queue may hold more: claim again once a slot frees
            # Idle or full: wait for a wake-up, a finished report, or the poll interval.
            wait_for_notify(listener, 0.05 if daemon.in_flight else options.poll_seconds, stop)
    finally:
        daemon.pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + options.grace_seconds
        while daemon.in_flight and time.monotonic() < deadline:
            time.sleep(0.05)
        daemon.release_unfinished()
        if sender is not None and options.once and status == 0 and not stop.is_set():
            sender.run()  # --once: send what the reports just rendered made due
        if options.once and status == 0 and not stop.is_set():
            daemon.expire_files()
        stop.set()
        listener.close()
        log("renderer_stopped", worker=options.worker, status=status)
    return status
