"""Benchmark: claim + complete of no-op runs, nightcap against procrastinate and pgqueuer.

Every system gets its own fresh database on the same cluster (created again at
the start of each invocation, owned by the `nightcap` role, which every worker
connects as) and, before every run, the same queue: --jobs queued no-op jobs,
loaded in one statement, then VACUUM ANALYZE and a CHECKPOINT. --workers
worker processes (multiprocessing, spawn), each with its own connection(s),
set themselves up, wait at a barrier and are released together; the clock runs
from the release until the last completion is committed, which empties the
queue, and jobs/s = jobs / seconds. Each run measures every figure once, in
turn (each run starting from the next figure), so that the machine's noise
falls on all of them; medians of --runs.

The figures (each worker process holds its own connections):
  nightcap, one at a time
      api.claim_jobs(worker, NULL, 1, lease, done => the run it just finished):
      each call reports the previous run done and claims the next, autocommit:
      one round trip and one commit a run.
  nightcap, one at a time, two calls
      api.claim_jobs(worker, NULL, 1), then api.complete_job(run, NULL, worker):
      two round trips and two commits a run, as the peers do it.
  procrastinate, one at a time
      its own worker, App.run_worker_async(concurrency=1, wait=False,
      listen_notify=False: the queue is full), an async no-op task, over a pool of
      two autocommit connections with no check on checkout (App.open_async(pool)):
      two round trips a job, as nightcap's. Its own connector's pool adds an
      empty-query check and a COMMIT to each, six in all. Finished jobs are kept,
      as nightcap keeps its ledger.
  nightcap, batched
      api.claim_jobs(worker, NULL, --batch, lease, done => the previous batch):
      one call a batch, completing the last batch (set-based, api.complete_jobs)
      and claiming the next.
  pgqueuer, batched
      its QueueManager over one asyncpg connection, as its own benchmark runs it,
      batch_size=--batch, drain mode, an async no-op entrypoint. It records
      completions in batches too: a buffer flushed at --batch jobs or every 0.1 s.
The asyncio peers run on uvloop, as pgqueuer's benchmark does.

Every claim and completion ends in a WAL flush, and the disk is shared: each run
line also shows how long such a commit took just before it. Needs the local
cluster (`nightcap db up`): the databases are made as its superuser. Prints a
table and writes bench/results.json.

    .venv/bin/python -m bench.claim [--runs 3] [--jobs 20000] [--workers 2] [--batch 50]
                                    [--databases nightcap_bench_claim]

--databases names the three databases (NAME, NAME_procrastinate, NAME_pgqueuer),
so that two checkouts can measure on one cluster without dropping each
other's; they are dropped again at the end unless --keep.
"""

import argparse
import asyncio
import logging
import multiprocessing as mp
import statistics
import time
import traceback
from collections.abc import Callable
from importlib.metadata import version

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from bench.results import record
from renderer import db
from renderer.migrate import migrate

OWNER = "nightcap"
DATABASES = {"nightcap": "", "procrastinate": "_procrastinate", "pgqueuer": "_pgqueuer"}
BARRIER_TIMEOUT = 120  # seconds: a worker that cannot set itself up fails the run

# -- nightcap ------------------------------------------------------------------

# A disabled job whose runs are only ever claimed and completed: nothing runs its SQL.
NIGHTCAP_JOB = """
INSERT INTO reporting.scheduled_jobs
       (name, job_type, payload, cron_expression, timezone, enabled)
VALUES ('bench-noop', 'sql', '{"sql": "SELECT 1"}', '0 0 1 1 *', 'UTC', false)
RETURNING job_id
"""

# One run per second of 2026, all due: the same queue a backlog of ticks leaves.
NIGHTCAP_RUNS = """
INSERT INTO reporting.job_runs (job_id, job_type, priority, scheduled_for, run_after)
SELECT %(job_id)s, 'sql', 2, t, t
  FROM generate_series(timestamptz '2026-01-01Z',
                       timestamptz '2026-01-01Z' + (%(jobs)s - 1) * interval '1 second',
                       interval '1 second') AS t
"""

CLAIM = "SELECT run_id FROM api.claim_jobs(%s, NULL, %s)"
COMPLETE = "SELECT api.complete_job(%s, NULL, %s)"
CLAIM_REPORTING = "SELECT run_id FROM api.claim_jobs(%s, NULL, %s, '30 seconds', %s)"


def nightcap_reset(url: str, jobs: int) -> None:
    # Quiet: the TRUNCATE's cascade to the attempt history and alert events is expected.
    with db.connect(url, on_notice=None) as conn:
        conn.execute("TRUNCATE reporting.job_runs CASCADE")
        # The seeded system jobs stay disabled: only the bench's runs are in the queue.
        conn.execute("UPDATE reporting.scheduled_jobs SET enabled = false WHERE enabled")
        job = conn.execute(
            "SELECT job_id FROM reporting.scheduled_jobs WHERE name = 'bench-noop'"
        ).fetchone()
        if job is None:
            job = conn.execute(NIGHTCAP_JOB).fetchone()
        conn.execute(NIGHTCAP_RUNS, {"job_id": job["job_id"], "jobs": jobs})
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE reporting.job_runs")


def nightcap_left(url: str) -> tuple[int, int]:
    """(runs succeeded, runs not succeeded) after a run."""
    with db.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE status = 'succeeded') AS done,"
            " count(*) FILTER (WHERE status <> 'succeeded') AS left"
            " FROM reporting.job_runs"
        ).fetchone()
    return row["done"], row["left"]


def nightcap_worker(url: str, limit: int, name: str, go) -> float:
    """Claim `limit` at a time, reporting the previous claim done in the same call,
    until nothing is due; the time the last runs were completed."""
    with db.connect(url, autocommit=True) as conn:
        conn.execute("SELECT 1")
        go()
        done: list[int] = []
        while True:
            rows = conn.execute(CLAIM_REPORTING, (name, limit, done)).fetchall()
            if not rows:
                return time.monotonic()
            done = [r["run_id"] for r in rows]


def nightcap_worker_two_calls(url: str, name: str, go) -> float:
    """Claim one run, then complete it in a second call, until nothing is due."""
    last = 0.0
    with db.connect(url, autocommit=True) as conn:
        conn.execute("SELECT 1")
        go()
        while rows := conn.execute(CLAIM, (name, 1)).fetchall():
            conn.execute(COMPLETE, (rows[0]["run_id"], name))
            last = time.monotonic()
    return last


# -- procrastinate -------------------------------------------------------------

PROCRASTINATE_RESET = """
TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_workers,
         procrastinate_periodic_defers RESTART IDENTITY CASCADE
"""

# What `noop.defer()` inserts, --jobs times (the triggers add the events).
PROCRASTINATE_JOBS = """
INSERT INTO procrastinate_jobs (queue_name, task_name, args)
SELECT 'default', 'noop', '{}' FROM generate_series(1, %(jobs)s)
"""


def procrastinate_app(url: str):
    import procrastinate

    # Quiet, including its warning about an App made in __main__: the tasks are
    # registered by name in every process, nothing is imported by path.
    logging.getLogger("procrastinate").setLevel(logging.ERROR)
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))

    @app.task(name="noop")
    async def noop() -> None:
        return None

    return app


def procrastinate_install(url: str) -> None:
    async def install() -> None:
        async with procrastinate_app(url).open_async() as app:
            await app.schema_manager.apply_schema_async()

    asyncio.run(install())


def procrastinate_reset(url: str, jobs: int) -> None:
    with db.connect(url) as conn:
        conn.execute(PROCRASTINATE_RESET)
        conn.execute(PROCRASTINATE_JOBS, {"jobs": jobs})
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE procrastinate_jobs, procrastinate_events")


def procrastinate_left(url: str) -> tuple[int, int]:
    with db.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE status = 'succeeded') AS done,"
            " count(*) FILTER (WHERE status <> 'succeeded') AS left"
            " FROM procrastinate_jobs"
        ).fetchone()
    return row["done"], row["left"]


def procrastinate_worker(url: str, name: str, go) -> float:
    import psycopg_pool
    import uvloop

    last = [0.0]

    async def work() -> None:
        app = procrastinate_app(url)
        finish = app.job_manager.finish_job

        async def timed_finish(*args, **kwargs) -> None:
            await finish(*args, **kwargs)
            last[0] = time.monotonic()

        app.job_manager.finish_job = timed_finish
        # Its best configuration: a pool of our own (App.open_async(pool)) in
        # autocommit and without a check on every checkout, so a job costs two
        # round trips (fetch, finish) as nightcap's does; its own connector's
        # pool adds an empty-query check and a COMMIT to each, six in all.
        # Two connections: the worker's loop and its heartbeat and abort polls.
        async with psycopg_pool.AsyncConnectionPool(
            url, min_size=2, max_size=2, open=False, kwargs={"autocommit": True}
        ) as pool:
            await pool.wait()
            async with app.open_async(pool):
                await app.check_connection_async()
                go()
                await app.run_worker_async(
                    name=name,
                    concurrency=1,
                    wait=False,
                    listen_notify=False,
                    install_signal_handlers=False,
                )

    uvloop.run(work())
    return last[0]


# -- pgqueuer ------------------------------------------------------------------


def pgqueuer_queries(conn):
    from pgqueuer.db import AsyncpgDriver
    from pgqueuer.queries import Queries

    return Queries(AsyncpgDriver(conn))


def pgqueuer_run(url: str, step: Callable) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(dsn=url)
        try:
            await step(pgqueuer_queries(conn))
        finally:
            await conn.close()

    asyncio.run(run())


def pgqueuer_install(url: str) -> None:
    pgqueuer_run(url, lambda q: q.install())


def pgqueuer_reset(url: str, jobs: int) -> None:
    async def load(q) -> None:
        await q.clear_queue()
        await q.clear_queue_log()
        await q.clear_statistics_log()
        await q.enqueue(["noop"] * jobs, [None] * jobs, [0] * jobs)

    pgqueuer_run(url, load)
    with db.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE pgqueuer, pgqueuer_log")


def pgqueuer_left(url: str) -> tuple[int, int]:
    with db.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM pgqueuer_log WHERE status = 'successful') AS done,"
            " (SELECT count(*) FROM pgqueuer) AS left"
        ).fetchone()
    return row["done"], row["left"]


def pgqueuer_worker(url: str, batch: int, go) -> float:
    import asyncpg
    import uvloop
    from pgqueuer.qm import QueueManager
    from pgqueuer.types import QueueExecutionMode

    last = [0.0]

    async def work() -> None:
        conn = await asyncpg.connect(dsn=url)
        queries = pgqueuer_queries(conn)
        log_jobs = queries.log_jobs

        async def timed_log_jobs(*args, **kwargs) -> None:
            await log_jobs(*args, **kwargs)
            last[0] = time.monotonic()

        queries.log_jobs = timed_log_jobs
        qm = QueueManager(queries)

        @qm.entrypoint("noop")
        async def noop(job) -> None:
            return None

        await qm.verify_structure()
        go()
        await qm.run(batch_size=batch, mode=QueueExecutionMode.drain)
        await conn.close()

    logging.getLogger("pgqueuer").setLevel(logging.WARNING)
    uvloop.run(work())
    return last[0]


# -- the harness ---------------------------------------------------------------

# Each figure and the system (database) it runs on, in the order they are measured.
FIGURES = {
    "nightcap, one at a time": "nightcap",
    "procrastinate, one at a time": "procrastinate",
    "nightcap, one at a time, two calls": "nightcap",
    "nightcap, batched": "nightcap",
    "pgqueuer, batched": "pgqueuer",
}

RESET = {
    "nightcap": nightcap_reset,
    "procrastinate": procrastinate_reset,
    "pgqueuer": pgqueuer_reset,
}
LEFT = {"nightcap": nightcap_left, "procrastinate": procrastinate_left, "pgqueuer": pgqueuer_left}


def worker_main(figure: str, url: str, batch: int, index: int, barrier, results) -> None:
    """One worker process: set up, wait at the barrier, work, report its last completion."""

    def go() -> None:
        barrier.wait(BARRIER_TIMEOUT)

    name = f"bench-{index}"
    try:
        if figure == "nightcap, one at a time":
            last = nightcap_worker(url, 1, name, go)
        elif figure == "nightcap, one at a time, two calls":
            last = nightcap_worker_two_calls(url, name, go)
        elif figure == "nightcap, batched":
            last = nightcap_worker(url, batch, name, go)
        elif figure == "procrastinate, one at a time":
            last = procrastinate_worker(url, name, go)
        elif figure == "pgqueuer, batched":
            last = pgqueuer_worker(url, batch, go)
        else:
            raise ValueError(figure)
        results.put((index, last, None))
    except BaseException:
        barrier.abort()
        results.put((index, 0.0, traceback.format_exc()))


def commit_ms(url: str, commits: int = 50) -> float:
    """Median time of a commit that flushes WAL (one small WAL record each), in ms.

    Every claim and every completion of every system here ends in such a flush,
    and the disk is shared: when another cluster user writes a lot of WAL this
    grows from ~0.1 ms to several, and the one-at-a-time figures fall with it.
    """
    times = []
    with db.connect(url, autocommit=True) as conn:
        for _ in range(commits):
            started = time.perf_counter()
            conn.execute("SELECT pg_logical_emit_message(true, 'nightcap-bench', '')")
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def one_run(
    ctx, figure: str, url: str, admin: str, jobs: int, workers: int, batch: int
) -> tuple[float, float]:
    """Load the queue, drain it with `workers` processes; (seconds, commit ms just before)."""
    system = FIGURES[figure]
    RESET[system](url, jobs)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
    commit = commit_ms(url)

    barrier = ctx.Barrier(workers + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=worker_main, args=(figure, url, batch, i, barrier, results))
        for i in range(1, workers + 1)
    ]
    for p in procs:
        p.start()
    try:
        barrier.wait(BARRIER_TIMEOUT)
        started = time.monotonic()
    except Exception:
        started = None
    reports = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    errors = [err for _, _, err in reports if err]
    if errors or started is None:
        raise SystemExit(f"{figure}: a worker failed:\n" + "\n".join(errors))
    # CLOCK_MONOTONIC is one clock for every process on the machine.
    seconds = max(last for _, last, _ in reports) - started
    done, left = LEFT[system](url)
    if done != jobs or left:
        raise SystemExit(f"{figure}: {done:,} jobs completed, {left:,} left, of {jobs:,}")
    return seconds, commit


def database_names(base: str) -> dict[str, str]:
    """Each system's database, named after `base`."""
    return {system: base + suffix for system, suffix in DATABASES.items()}


def drop_databases(cluster, names: dict[str, str]) -> None:
    with psycopg.connect(cluster.admin_conninfo(), autocommit=True) as conn:
        for name in names.values():
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def fresh_databases(cluster, names: dict[str, str]) -> dict[str, str]:
    """Drop and create the three databases, install each system's schema; their owner URLs."""
    admin = cluster.admin_conninfo()
    drop_databases(cluster, names)
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names.values():
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0").format(
                    sql.Identifier(name), sql.Identifier(OWNER)
                )
            )
    urls = {system: cluster.url(name) for system, name in names.items()}
    migrate(urls["nightcap"])
    procrastinate_install(urls["procrastinate"])
    pgqueuer_install(urls["pgqueuer"])
    # Leave autovacuum nothing to do in the new databases during the first run
    # (as the superuser: the owner may not vacuum the shared catalogs).
    for name in names.values():
        with psycopg.connect(make_conninfo(admin, dbname=name), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument(
        "--only",
        action="append",
        choices=list(FIGURES),
        help="measure only these figures (bench/results.json is then left alone)",
    )
    parser.add_argument(
        "--databases",
        default="nightcap_bench_claim",
        help="name of nightcap's database; the peers' get _procrastinate and _pgqueuer after it",
    )
    parser.add_argument("--keep", action="store_true", help="leave the databases in place")
    args = parser.parse_args()

    from renderer.cluster import LocalCluster

    cluster = LocalCluster.load()
    names = database_names(args.databases)
    try:
        measure(args, cluster, fresh_databases(cluster, names))
    finally:
        if not args.keep:
            drop_databases(cluster, names)


def measure(args: argparse.Namespace, cluster, urls: dict[str, str]) -> None:
    """Every figure --runs times; prints the table and writes bench/results.json."""
    admin = cluster.admin_conninfo()
    versions = {p: version(p) for p in ("procrastinate", "pgqueuer", "asyncpg", "psycopg")}
    print(
        f"{args.jobs:,} no-op jobs, {args.workers} worker processes, batch {args.batch};"
        + "".join(f" {p} {v}" for p, v in versions.items()),
        flush=True,
    )

    figures = args.only or list(FIGURES)
    ctx = mp.get_context("spawn")
    runs: dict[str, list[float]] = {f: [] for f in figures}
    commits: list[float] = []
    for run in range(1, args.runs + 1):
        # Each run starts from another figure, so no figure always follows the same one.
        start = (run - 1) % len(figures)
        for figure in figures[start:] + figures[:start]:
            url = urls[FIGURES[figure]]
            seconds, commit = one_run(ctx, figure, url, admin, args.jobs, args.workers, args.batch)
            runs[figure].append(args.jobs / seconds)
            commits.append(commit)
            print(
                f"run {run}: {figure:40s} {seconds:6.2f} s  {args.jobs / seconds:8,.0f} jobs/s"
                f"  (a commit took {commit:.2f} ms just before)",
                flush=True,
            )
    rate = {f: statistics.median(r) for f, r in runs.items()}

    print(
        f"\nmedians of {args.runs} runs, jobs/s (a WAL-flushing commit: median"
        f" {statistics.median(commits):.2f} ms over the runs):"
    )
    print(f"{'figure':40s} {'jobs/s':>8s} {'peer':>8s} {'ratio':>6s}  aim")
    comparisons = [
        ("nightcap, one at a time", "procrastinate, one at a time", 2.0),
        ("nightcap, batched", "pgqueuer, batched", 1.0),
        ("nightcap, one at a time, two calls", "procrastinate, one at a time", None),
    ]
    shown = set()
    for ours, peer, aim in comparisons:
        if ours not in rate:
            continue
        shown.add(ours)
        if peer in rate:
            shown.add(peer)
            ratio = rate[ours] / rate[peer]
            verdict = (
                f">= {aim:.0f}x {peer.split(',')[0]}: {'met' if ratio >= aim else 'NOT met'}"
                if aim
                else "(for information)"
            )
            print(f"{ours:40s} {rate[ours]:8,.0f} {rate[peer]:8,.0f} {ratio:6.2f}  {verdict}")
        else:
            print(f"{ours:40s} {rate[ours]:8,.0f}")
    for figure in figures:
        if figure not in shown:
            print(f"{figure:40s} {rate[figure]:8,.0f}")

    if args.only:
        return  # a partial run does not replace the recorded figures
    record(
        "claim",
        {
            "jobs": args.jobs,
            "workers": args.workers,
            "batch": args.batch,
            "versions": versions,
            "jobs_per_second": rate,
            "runs": runs,
            "commit_ms": commits,
        },
    )


if __name__ == "__main__":
    main()
