"""Load test: 1,000 reports due in the same minute, ticked, generated, rendered and mailed.

In a database of its own (made afresh each run), --organizations groups of
clubs, --reports clubs in all, each with a few nights of generated history
(api.generate_demo_data, aggregated). Each club has --recipients managers
subscribed to its own Daily Summary (filters {"venue_id": n}) on a daily cron
of the current minute (UTC), so subscriptions make one report job per club
(internal.sync_report_jobs). The jobs are set due at that minute, as if made
a day ago, and then the whole path runs as in production, on loopback only:

  one api.tick(that minute)       enqueues every run, in one statement;
  --workers sessions of api.work  generate the snapshots in PostgreSQL (each
                                  call bounded by --work-seconds, so snapshots
                                  commit, NOTIFY and flow as they are made);
  --daemons `nightcap renderer`   (subprocesses, --concurrency each, started
                                  before the tick as they run all the time)
                                  claim, render PDF + XLSX + HTML and send each
                                  delivery by SMTP to a local sink (aiosmtpd).

Printed: time from the tick to the last delivery, reports per second, per
report p50 / p95 / p99 from the tick to its delivery (so including the queue
behind the others) and of its own work (snapshot + render + send; seed 002:
standard reports under 3 s), peak memory (each daemon's peak RSS; the sum of
the daemons' RSS and the database's backends' private memory at the worst
instant; seed 002: under 2 GB), and the proof that every report was delivered
exactly once: every job ran once, every report rendered and every (club,
recipient) pair sent once — counted in report_delivery_history and in what
the sink received, with no Message-ID, delivery or idempotency key twice,
nothing failed and nothing left queued.

Bounded: past --deadline seconds from the tick it stops the workers and the
daemons and fails, saying how far it got. Figures go to bench/results.json
under "load". tests/test_load.py runs the same code with 30 reports.

    .venv/bin/python -m bench.load [--reports 1000] [--organizations 10] [--daemons 2]
"""

import argparse
import contextlib
import datetime as dt
import os
import secrets
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from bench.clubs import create_clubs, generate
from bench.process_memory import KIB, MemorySampler, status_kb
from bench.renderer import daemon, percentile
from bench.results import record
from bench.smtp_sink import HOST, Received, SmtpSink
from renderer import db
from renderer.bootstrap import bootstrap
from renderer.migrate import migrate

LOAD_DATABASE = "nightcap_bench_load"
# Settings of the daemons' environment that could send mail elsewhere: dropped.
MAIL_SETTINGS = ("RESEND_", "SENDGRID_", "NIGHTCAP_SMTP_", "NIGHTCAP_OUTBOX_DIR", "NIGHTCAP_LISTEN")

SUBSCRIBE = """
WITH people AS (
  SELECT *
    FROM unnest(%(orgs)s::uuid[], %(venues)s::bigint[], %(emails)s::text[], %(names)s::text[])
         AS p (organization_id, venue_id, email, name)
), recipients AS (
  INSERT INTO reporting.report_recipients
         (organization_id, name, email, role, preferred_channels, preferred_formats,
          consent_given_at, verified_at)
  SELECT organization_id, name, email, 'manager', '{email}', '{pdf}', now(), now() FROM people
  RETURNING organization_id, recipient_id, email
)
INSERT INTO reporting.report_subscriptions
       (organization_id, recipient_id, template_id, cron_expression, timezone, filters,
        delivery_channels)
SELECT r.organization_id, r.recipient_id, t.template_id, %(cron)s, 'UTC',
       jsonb_build_object('venue_id', p.venue_id), '{email}'
  FROM recipients r
  JOIN people p USING (organization_id, email)
  JOIN reporting.report_templates t
    ON t.organization_id = r.organization_id AND t.template_key = 'daily_summary'
   AND t.status = 'active'
"""
# As if the jobs had been made a day ago: due now, at `minute` (README: next_run_at set back).
DUE_AT = """
UPDATE reporting.scheduled_jobs SET next_run_at = %(minute)s
 WHERE organization_id = ANY (%(orgs)s) AND job_type = 'report' AND enabled
RETURNING job_id
"""
PROGRESS = """
SELECT (SELECT count(*) FROM reporting.job_runs r
         WHERE r.job_id = ANY (%(jobs)s) AND r.status IN ('waiting', 'queued', 'running'))
         AS runs_open,
       (SELECT count(*) FROM reporting.report_generation_history g
         WHERE g.job_id = ANY (%(jobs)s) AND g.status = 'completed') AS rendered,
       (SELECT count(*) FROM reporting.report_generation_history g
         WHERE g.job_id = ANY (%(jobs)s) AND g.status IN ('queued', 'data_ready', 'rendering'))
         AS reports_open,
       count(*) FILTER (WHERE d.status = 'sent') AS sent,
       count(*) FILTER (WHERE d.status IN ('queued', 'sending', 'deferred')) AS deliveries_open,
       count(*) AS deliveries
  FROM reporting.report_delivery_history d
  JOIN reporting.report_generation_history g USING (organization_id, generation_id)
 WHERE g.job_id = ANY (%(jobs)s)
"""
RUNS = """
SELECT job_id, scheduled_for, status, attempt FROM reporting.job_runs WHERE job_id = ANY (%(jobs)s)
"""
REPORTS = """
SELECT generation_id, job_id, venue_id, status, render_attempts, render_worker,
       generation_ms::float8 AS generation_ms, (render_ms ->> 'total')::float8 AS render_ms,
       data_ready_at, render_started_at, completed_at, peak_memory_kb
  FROM reporting.report_generation_history WHERE job_id = ANY (%(jobs)s)
"""
DELIVERIES = """
SELECT d.delivery_id, d.generation_id, d.channel, d.destination, d.status, d.attempts,
       d.message_id, d.idempotency_key::text AS idempotency_key, d.sending_at, d.sent_at
  FROM reporting.report_delivery_history d
  JOIN reporting.report_generation_history g USING (organization_id, generation_id)
 WHERE g.job_id = ANY (%(jobs)s)
"""
RENDER_ATTEMPTS = """
SELECT a.status, count(*) AS n, max(a.peak_memory_kb) AS peak_kb
  FROM reporting.report_render_attempts a
  JOIN reporting.report_generation_history g USING (organization_id, generation_id)
 WHERE g.job_id = ANY (%(jobs)s) GROUP BY a.status
"""


class LoadFailure(AssertionError):
    """The load test did not deliver every report exactly once, or ran out of time."""


@dataclass
class LoadOptions:
    reports: int = 1000
    organizations: int = 10
    recipients: int = 1  # per report
    days: int = 8  # of generated history per club
    bookings_per_night: int = 40
    daemons: int = 2
    concurrency: int = 1  # reports at a time per daemon
    workers: int = 2  # api.work sessions
    work_seconds: float = 1.0  # each api.work call's p_max_seconds
    deadline: float = 900.0  # seconds from the tick


@dataclass
class Plan:
    """What the set-up made: the minute the jobs are due and who must get what."""

    minute: dt.datetime
    organizations: list[str]
    jobs: list[int]
    expected: Counter  # (venue_id, email) -> 1
    setup_s: float = 0.0


@dataclass
class Outcome:
    figures: dict
    proof: dict
    plan: Plan = field(repr=False)


def recipient_email(org_slug: str, venue_slug: str, n: int) -> str:
    return f"manager{n}.{venue_slug}@{org_slug}.example"


def split(total: int, parts: int) -> list[int]:
    """`total` as `parts` near-equal whole numbers, larger first."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def populate(url: str, opts: LoadOptions, say: Callable[[str], None] = print) -> Plan:
    """Organizations, clubs with history, recipients and subscriptions; every job due now."""
    if opts.organizations < 1 or opts.reports < opts.organizations:
        raise ValueError("need at least one organization and one report per organization")
    started = time.perf_counter()
    orgs: list[str] = []
    with db.connect(url, autocommit=True, on_notice=None) as conn:
        for i, venues in enumerate(split(opts.reports, opts.organizations), start=1):
            with conn.transaction():
                org = create_clubs(conn, f"Load Leisure {i}", f"load-{i}", venues)
                generate(conn, org, opts.days, opts.bookings_per_night, i, until=None)
            orgs.append(org)
        say(f"{len(orgs)} organizations, {opts.reports} clubs, {opts.days} nights each generated")
        conn.execute("SELECT api.process_hourly_aggregations()")
        conn.execute("ANALYZE")
        clubs = conn.execute(
            "SELECT v.organization_id::text AS org, v.venue_id, v.name, v.slug, o.slug AS org_slug"
            "  FROM venue.venues v JOIN venue.organizations o USING (organization_id)"
            " WHERE v.organization_id = ANY (%s) ORDER BY 1, 2",
            (orgs,),
        ).fetchall()
        people = [
            (c["org"], c["venue_id"], recipient_email(c["org_slug"], c["slug"], n), c["name"], n)
            for c in clubs
            for n in range(1, opts.recipients + 1)
        ]
        minute = conn.execute("SELECT date_trunc('minute', now()) AS m").fetchone()["m"]
        minute = minute.astimezone(dt.UTC)
        with conn.transaction():
            conn.execute(
                SUBSCRIBE,
                {
                    "orgs": [p[0] for p in people],
                    "venues": [p[1] for p in people],
                    "emails": [p[2] for p in people],
                    "names": [f"Manager {p[4]}, {p[3]}" for p in people],
                    "cron": f"{minute.minute} {minute.hour} * * *",
                },
            )
            jobs = [r["job_id"] for r in conn.execute(DUE_AT, {"minute": minute, "orgs": orgs})]
    if len(jobs) != opts.reports:
        raise LoadFailure(f"the subscriptions made {len(jobs)} report jobs, not {opts.reports}")
    expected = Counter((p[1], p[2]) for p in people)
    plan = Plan(minute, orgs, sorted(jobs), expected, time.perf_counter() - started)
    say(f"set up in {plan.setup_s:.0f} s: {len(jobs)} report jobs due at {minute:%H:%M} UTC")
    return plan


def daemon_env(smtp_port: int) -> dict:
    """Ours, without other mail settings, sending by SMTP to the sink."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(MAIL_SETTINGS)}
    return {
        **env,
        "NIGHTCAP_SMTP_HOST": HOST,
        "NIGHTCAP_SMTP_PORT": str(smtp_port),
        "NIGHTCAP_SMTP_TLS": "none",
        "NIGHTCAP_LINK_SECRET": secrets.token_hex(16),
    }


@contextlib.contextmanager
def daemons(url: str, out: Path, opts: LoadOptions, smtp_port: int) -> Iterator[list]:
    """--daemons `nightcap renderer` processes, logging to out/daemon-N.log; stopped by SIGTERM."""
    env = daemon_env(smtp_port)
    logs = [(out / f"daemon-{i}.log").open("w") for i in range(1, opts.daemons + 1)]
    procs = [
        daemon(
            url,
            str(out / "reports"),
            "--concurrency",
            str(opts.concurrency),
            "--poll",
            "1",
            "--expire-files",
            "3600",
            env=env,
            log=log,
        )
        for log in logs
    ]
    try:
        yield procs
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for log in logs:
            log.close()


def wait_started(out: Path, procs: list, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    for i, p in enumerate(procs, start=1):
        log = out / f"daemon-{i}.log"
        while '"renderer_started"' not in log.read_text():
            if p.poll() is not None or time.monotonic() > deadline:
                raise LoadFailure(f"renderer {i} did not start:\n{tail(log)}")
            time.sleep(0.1)


def tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text().splitlines()[-lines:])


def tick(url: str, plan: Plan) -> dt.datetime:
    """api.tick at the jobs' minute; the database's clock just before it."""
    with db.connect(url, autocommit=True, on_notice=None) as conn:
        at = conn.execute("SELECT clock_timestamp() AS at").fetchone()["at"]
        conn.execute("SELECT count(*) FROM api.tick(%s)", (plan.minute,))
        enqueued = conn.execute(
            "SELECT count(*) AS n FROM reporting.job_runs WHERE job_id = ANY (%s)", (plan.jobs,)
        ).fetchone()["n"]
    if enqueued != len(plan.jobs):
        raise LoadFailure(f"the tick enqueued {enqueued} report runs, not {len(plan.jobs)}")
    return at


class Workers:
    """--workers sessions calling api.work(--work-seconds) until stopped."""

    def __init__(self, url: str, opts: LoadOptions) -> None:
        self.url = url
        self.seconds = opts.work_seconds
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.attempts: Counter = Counter()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._work, name=f"work-{i}", daemon=True)
            for i in range(opts.workers)
        ]

    def _work(self) -> None:
        try:
            with db.connect(self.url, autocommit=True, on_notice=None) as conn:
                while not self.stop.is_set():
                    rows = conn.execute(
                        "SELECT status FROM api.work(%s::numeric)", (self.seconds,)
                    ).fetchall()
                    with self._lock:
                        self.attempts.update(r["status"] for r in rows)
                    if not rows:
                        self.stop.wait(0.2)
        except psycopg.Error as exc:
            self.errors.append(f"api.work: {exc}".strip())

    def __enter__(self) -> "Workers":
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self._threads:
            t.join(timeout=self.seconds + 120)


def wait_done(
    url: str,
    plan: Plan,
    opts: LoadOptions,
    procs: list,
    workers: Workers,
    out: Path,
    say: Callable[[str], None],
) -> None:
    """Until nothing of ours is queued, rendering or sending; LoadFailure past the deadline."""
    started = time.monotonic()
    deadline = started + opts.deadline
    next_say = started + 10
    expected = sum(plan.expected.values())
    with db.connect(url, autocommit=True, on_notice=None) as conn:
        while True:
            state = conn.execute(PROGRESS, {"jobs": plan.jobs}).fetchone()
            if state["runs_open"] == state["reports_open"] == state["deliveries_open"] == 0:
                return
            now = time.monotonic()
            where = (
                f"after {now - started:.0f} s: {len(plan.jobs) - state['runs_open']} of"
                f" {len(plan.jobs)} runs done, {state['rendered']} reports rendered,"
                f" {state['sent']} of {expected} deliveries sent"
            )
            if workers.errors:
                raise LoadFailure(f"{where}; {workers.errors[0]}")
            for i, p in enumerate(procs, start=1):
                if p.poll() is not None:
                    log = tail(out / f"daemon-{i}.log")
                    raise LoadFailure(f"{where}; renderer {i} exited with {p.returncode}:\n{log}")
            if now > deadline:
                raise LoadFailure(f"deadline of {opts.deadline:.0f} s passed {where}")
            if now >= next_say:
                say(where)
                next_say = now + 10
            time.sleep(0.25)


def read(url: str, plan: Plan, query: str) -> list[dict]:
    with db.connect(url, autocommit=True, on_notice=None) as conn:
        return conn.execute(query, {"jobs": plan.jobs}).fetchall()


def bare(message_id: str | None) -> str | None:
    return message_id.strip().strip("<>") if message_id else message_id


def prove_exactly_once(
    plan: Plan,
    runs: list[dict],
    reports: list[dict],
    deliveries: list[dict],
    received: list[Received],
) -> dict:
    """Every job ran once, every report was rendered and each (club, recipient) sent once.

    Counts from the database and from what the SMTP sink received; raises
    LoadFailure naming every breach, else returns the counts.
    """
    problems = []
    jobs = set(plan.jobs)
    per_job = Counter(r["job_id"] for r in runs)
    if set(per_job) != jobs or set(per_job.values()) != {1}:
        problems.append(f"runs per job: {sorted(Counter(per_job.values()).items())}, want 1 each")
    if any(r["scheduled_for"] != plan.minute for r in runs):
        problems.append("a run is not for the scheduled minute")
    statuses = Counter(r["status"] for r in runs)
    if statuses != Counter(succeeded=len(jobs)):
        problems.append(f"runs: {dict(statuses)}, want all succeeded")
    per_job = Counter(g["job_id"] for g in reports)
    if set(per_job) != jobs or set(per_job.values()) != {1}:
        problems.append(f"reports per job: {sorted(Counter(per_job.values()).items())}")
    statuses = Counter(g["status"] for g in reports)
    if statuses != Counter(completed=len(jobs)):
        problems.append(f"reports: {dict(statuses)}, want all completed")

    venue_of = {g["generation_id"]: g["venue_id"] for g in reports}
    statuses = Counter(d["status"] for d in deliveries)
    if statuses != Counter(sent=len(deliveries)):
        problems.append(f"deliveries: {dict(statuses)}, want all sent")
    logged = Counter((venue_of.get(d["generation_id"]), d["destination"]) for d in deliveries)
    if logged != plan.expected:
        problems.append(
            f"report_delivery_history: {len(logged - plan.expected)} (club, recipient) pairs"
            f" too many, {len(plan.expected - logged)} missing"
        )
    by_id = {str(d["delivery_id"]): d for d in deliveries}
    sunk = Counter()
    for m in received:
        d = by_id.get(m.delivery_id)
        if d is None:
            problems.append(f"the sink got a message of no delivery of ours: {m.delivery_id}")
            continue
        if (
            m.rcpt_tos != (d["destination"],)
            or bare(m.message_id) != bare(d["message_id"])
            or m.idempotency_key != d["idempotency_key"]
        ):
            problems.append(f"delivery {m.delivery_id}: the message differs from its log row")
        sunk[(venue_of.get(d["generation_id"]), m.rcpt_tos[0] if m.rcpt_tos else None)] += 1
    if sunk != plan.expected:
        problems.append(
            f"SMTP sink: {sum((sunk - plan.expected).values())} messages too many,"
            f" {sum((plan.expected - sunk).values())} missing"
        )
    for name, key in (
        ("Message-ID", lambda m: bare(m.message_id)),
        ("X-Nightcap-Delivery", lambda m: m.delivery_id),
        ("X-Nightcap-Idempotency-Key", lambda m: m.idempotency_key),
    ):
        twice = [k for k, n in Counter(map(key, received)).items() if n > 1]
        if twice:
            problems.append(f"{len(twice)} {name} values received more than once")
    if problems:
        raise LoadFailure("not exactly once:\n  " + "\n  ".join(problems))
    return {
        "jobs": len(jobs),
        "runs_succeeded": len(runs),
        "reports_completed": len(reports),
        "deliveries_sent": len(deliveries),
        "delivery_attempts": sum(d["attempts"] for d in deliveries),
        "messages_received": len(received),
        "distinct_message_ids": len({bare(m.message_id) for m in received}),
        "expected_pairs": sum(plan.expected.values()),
    }


def spread(values: list[float]) -> dict:
    return {
        "p50": statistics.median(values),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values),
    }


def measure(
    plan: Plan,
    tick_at: dt.datetime,
    reports: list[dict],
    deliveries: list[dict],
    attempts: list[dict],
) -> dict:
    """Time to the last delivery, per report spreads, memory the daemons reported."""
    sent = {}
    send_ms = Counter()
    for d in deliveries:
        g = d["generation_id"]
        sent[g] = max(sent.get(g, d["sent_at"]), d["sent_at"])
        send_ms[g] += (d["sent_at"] - d["sending_at"]).total_seconds() * 1000
    last = max(sent.values())
    seconds = (last - tick_at).total_seconds()
    since_tick = [(sent[g["generation_id"]] - tick_at).total_seconds() for g in reports]
    own_work = [
        (g["generation_ms"] + g["render_ms"] + send_ms[g["generation_id"]]) / 1000 for g in reports
    ]
    workers = Counter(g["render_worker"] for g in reports)
    return {
        "reports": len(reports),
        "deliveries": len(deliveries),
        "time_to_last_delivery_s": seconds,
        "time_to_first_delivery_s": (min(sent.values()) - tick_at).total_seconds(),
        "reports_per_second": len(reports) / seconds,
        "per_report_since_tick_s": spread(since_tick),
        "per_report_own_work_s": spread(own_work),
        "snapshot_ms": spread([g["generation_ms"] for g in reports]),
        "render_ms": spread([g["render_ms"] for g in reports]),
        "send_ms": spread(list(send_ms.values())),
        "reports_per_daemon": dict(workers),
        "render_attempts": {a["status"]: a["n"] for a in attempts},
        "daemon_reported_peak_rss_mb": max(a["peak_kb"] or 0 for a in attempts) / KIB,
    }


def run(url: str, opts: LoadOptions, out: Path, say: Callable[[str], None] = print) -> Outcome:
    """Set up in `url` (a fresh migrated database), run the whole path, measure and prove it."""
    plan = populate(url, opts, say)
    out.mkdir(parents=True, exist_ok=True)
    with SmtpSink() as sink, daemons(url, out, opts, sink.port) as procs:
        wait_started(out, procs)
        with MemorySampler(url, [p.pid for p in procs]) as memory:
            tick_at = tick(url, plan)
            with Workers(url, opts) as workers:
                wait_done(url, plan, opts, procs, workers, out, say)
            peaks = [status_kb(p.pid, "VmHWM") for p in procs]
        received = sink.received
    exits = [p.returncode for p in procs]
    reports = read(url, plan, REPORTS)
    deliveries = read(url, plan, DELIVERIES)
    proof = prove_exactly_once(plan, read(url, plan, RUNS), reports, deliveries, received)
    if exits != [0] * len(procs):
        raise LoadFailure(f"the renderers exited with {exits}")
    figures = measure(plan, tick_at, reports, deliveries, read(url, plan, RENDER_ATTEMPTS))
    # With any system job (hourly aggregation...) that fell due by the tick: it runs too.
    figures["api_work_attempts"] = dict(workers.attempts)
    figures["memory"] = {
        "daemon_peak_rss_mb": [None if k is None else k / KIB for k in peaks],
        "backends_peak_private_mb": None
        if memory.backends_peak_kb is None
        else memory.backends_peak_kb / KIB,
        "backends_seen": memory.backends_seen,
        "peak_total_mb": None if memory.peak_kb is None else memory.peak_kb / KIB,
    }
    figures["setup_s"] = plan.setup_s
    # The machine is shared: how busy it was over the run (1, 5 and 15 minutes).
    figures["load_average"] = os.getloadavg()
    return Outcome(figures, proof, plan)


def fresh_database(name: str = LOAD_DATABASE) -> str:
    """`name` dropped and made again, migrated: on NIGHTCAP_BENCH_URL's server, else locally."""
    if os.environ.get("NIGHTCAP_BENCH_URL"):
        # Its role must be allowed to create databases.
        url = make_conninfo(os.environ["NIGHTCAP_BENCH_URL"], dbname=name)
        with psycopg.connect(os.environ["NIGHTCAP_BENCH_URL"], autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    else:
        from renderer.cluster import LocalCluster

        cluster = LocalCluster.load()
        with psycopg.connect(cluster.admin_conninfo(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        url = bootstrap(cluster.admin_conninfo(), name, "nightcap", cluster.owner_password)
    with contextlib.redirect_stderr(open(os.devnull, "w")):  # pg_cron's "not installed" notices
        migrate(url)
    return url


def summary(outcome: Outcome, opts: LoadOptions) -> str:
    f = outcome.figures
    e2e, own, mem = f["per_report_since_tick_s"], f["per_report_own_work_s"], f["memory"]
    rss = ", ".join("?" if v is None else f"{v:.0f} MB" for v in mem["daemon_peak_rss_mb"])
    total = "?" if mem["peak_total_mb"] is None else f"{mem['peak_total_mb']:.0f} MB"
    backends = (
        "?"
        if mem["backends_peak_private_mb"] is None
        else f"{mem['backends_peak_private_mb']:.0f} MB"
    )
    p = outcome.proof
    return (
        f"{f['reports']} reports due at one minute across {opts.organizations} organizations,"
        f" {opts.daemons} renderers x {opts.concurrency}, {opts.workers} api.work sessions:\n"
        f"  tick to last delivery {f['time_to_last_delivery_s']:.1f} s"
        f" ({f['reports_per_second']:.1f} reports/s; first after"
        f" {f['time_to_first_delivery_s']:.1f} s)\n"
        f"  per report, tick to delivery: p50 {e2e['p50']:.1f} s, p95 {e2e['p95']:.1f} s,"
        f" p99 {e2e['p99']:.1f} s\n"
        f"  per report, its own work (snapshot + render + send): p50 {own['p50']:.2f} s,"
        f" p95 {own['p95']:.2f} s, p99 {own['p99']:.2f} s (target < 3 s)\n"
        f"  snapshot p50 {f['snapshot_ms']['p50']:.0f} ms, render p50 {f['render_ms']['p50']:.0f}"
        f" ms / p95 {f['render_ms']['p95']:.0f} ms, send p50 {f['send_ms']['p50']:.0f} ms\n"
        f"  peak memory: daemons {rss} RSS; backends {backends} private;"
        f" all at once {total} (target < 2 GB)\n"
        f"  exactly once: {p['runs_succeeded']} runs, {p['reports_completed']} reports,"
        f" {p['deliveries_sent']} deliveries sent in {p['delivery_attempts']} attempts,"
        f" {p['messages_received']} messages received with {p['distinct_message_ids']}"
        f" distinct Message-IDs, for {p['expected_pairs']} (club, recipient) pairs"
    )


def main() -> None:
    defaults = LoadOptions()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, value in asdict(defaults).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    opts = LoadOptions(**vars(parser.parse_args()))
    url = fresh_database()
    with tempfile.TemporaryDirectory(prefix="nightcap-load-") as out:
        try:
            outcome = run(url, opts, Path(out), say=lambda s: print(s, flush=True))
        except LoadFailure as exc:
            raise SystemExit(f"load test failed: {exc}") from exc
    print(summary(outcome, opts))
    record("load", {"options": asdict(opts), **outcome.figures, "exactly_once": outcome.proof})


if __name__ == "__main__":
    main()
