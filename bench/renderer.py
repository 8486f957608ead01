"""Benchmark: the renderer daemon, NOTIFY-to-claim latency and rendering throughput.

On the benchmark database (bench/dataset.py):

latency   one idle daemon (`nightcap renderer`, polling only every 60 s, so a
          claim can only come from the NOTIFY); --samples reports generated one
          at a time, each in its own transaction whose last statement reads
          clock_timestamp(); latency = the report's render_started_at (set by
          api.claim_reports) minus that instant, so it covers the commit, the
          NOTIFY, the wake-up and the claim. p50 / p99. Seed 002's target: 50 ms.
throughput --reports Daily Summaries (PDF + XLSX + HTML; one venue each, different
          nights, so none comes from the cache) generated first, then rendered by
          one `nightcap renderer --once` per core started together; reports per
          minute from the first claim to the last completion, per report p50 / p95
          of the daemon's own total render time, and each daemon's peak RSS
          (api.complete_report's peak_memory_kb). Aim: 120 reports a minute per
          core, under 500 MB per daemon.

Files go to a temporary directory. The generated reports are deleted afterwards.

    .venv/bin/python -m bench.renderer [--reports 1000] [--daemons 2] [--samples 100]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import IO

import psycopg
from psycopg.rows import dict_row

from bench.dataset import bench_url
from bench.results import record

PICK_NIGHTS = """
SELECT a.organization_id, a.venue_id, a.business_date
  FROM reporting.daily_aggregations a
 WHERE a.gross_revenue > 0
 ORDER BY a.business_date DESC, a.organization_id, a.venue_id
 LIMIT %s
"""
GENERATE = (
    "SELECT api.generate_report('daily_summary', %s, %s, %s, jsonb_build_object('venue_id', %s),"
    " '{pdf,xlsx,html}')"
)


def daemon(
    url: str, out: str, *args: str, env: dict | None = None, log: IO | None = None
) -> subprocess.Popen:
    """`nightcap renderer ARGS` storing under `out`, with `env` (else ours), logging to `log`."""
    return subprocess.Popen(
        [sys.executable, "-m", "renderer.cli", "renderer", *args],
        env={
            **(os.environ if env is None else env),
            "DATABASE_URL": url,
            "NIGHTCAP_STORAGE_DIR": out,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if log is None else log,
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def clear(conn: psycopg.Connection, ids: list[int]) -> None:
    conn.execute(
        "DELETE FROM reporting.report_render_attempts WHERE generation_id = ANY(%s)", (ids,)
    )
    conn.execute(
        "DELETE FROM reporting.report_generation_history WHERE generation_id = ANY(%s)", (ids,)
    )


def measure_latency(url: str, out: str, nights: list[dict], samples: int) -> dict:
    idle = daemon(url, out, "--poll", "60")
    ids = []
    latencies = []
    try:
        time.sleep(2)  # started and listening
        with psycopg.connect(url, row_factory=dict_row) as conn:
            for night in nights[:samples]:
                generation_id = conn.execute(
                    GENERATE,
                    (
                        night["organization_id"],
                        night["business_date"],
                        night["business_date"],
                        night["venue_id"],
                    ),
                ).fetchone()["generate_report"]
                committed_at = conn.execute("SELECT clock_timestamp() AS at").fetchone()["at"]
                conn.commit()
                ids.append(generation_id)
                deadline = time.monotonic() + 30
                while True:
                    row = conn.execute(
                        "SELECT render_started_at FROM reporting.report_generation_history"
                        " WHERE generation_id = %s",
                        (generation_id,),
                    ).fetchone()
                    conn.commit()
                    if row["render_started_at"] is not None:
                        break
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"report {generation_id} was never claimed")
                    time.sleep(0.005)
                latencies.append((row["render_started_at"] - committed_at).total_seconds() * 1000)
                # Let the daemon finish and go idle again before the next sample.
                while conn.execute(
                    "SELECT status = 'rendering' FROM reporting.report_generation_history"
                    " WHERE generation_id = %s",
                    (generation_id,),
                ).fetchone()["?column?"]:
                    conn.commit()
                    time.sleep(0.01)
                conn.commit()
                time.sleep(0.2)
    finally:
        idle.terminate()
        idle.wait(timeout=60)
    with psycopg.connect(url, autocommit=True) as conn:
        clear(conn, ids)
    return {
        "samples": len(latencies),
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies),
    }


def measure_throughput(url: str, out: str, nights: list[dict], daemons: int) -> dict:
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        started = time.perf_counter()
        ids = [
            conn.execute(
                GENERATE,
                (n["organization_id"], n["business_date"], n["business_date"], n["venue_id"]),
            ).fetchone()["generate_report"]
            for n in nights
        ]
        generation_s = time.perf_counter() - started
        print(f"generated {len(ids)} Daily Summaries in {generation_s:.1f} s", flush=True)
        procs = [daemon(url, out, "--once") for _ in range(daemons)]
        for p in procs:
            p.wait(timeout=3600)
        stats = conn.execute(
            "SELECT min(render_started_at) AS first, max(completed_at) AS last,"
            "       count(*) FILTER (WHERE status = 'completed') AS completed,"
            "       percentile_cont(0.5) WITHIN GROUP (ORDER BY (render_ms ->> 'total')::numeric)"
            "         AS p50_ms,"
            "       percentile_cont(0.95) WITHIN GROUP (ORDER BY (render_ms ->> 'total')::numeric)"
            "         AS p95_ms"
            "  FROM reporting.report_generation_history WHERE generation_id = ANY(%s)",
            (ids,),
        ).fetchone()
        outcomes = conn.execute(
            "SELECT a.status, count(*) AS n FROM reporting.report_render_attempts a"
            " WHERE a.generation_id = ANY(%s) GROUP BY 1 ORDER BY 1",
            (ids,),
        ).fetchall()
        rss = conn.execute(
            "SELECT a.worker, max(a.peak_memory_kb) AS peak_kb"
            "  FROM reporting.report_render_attempts a"
            " WHERE a.generation_id = ANY(%s) GROUP BY a.worker ORDER BY 1",
            (ids,),
        ).fetchall()
        clear(conn, ids)
    seconds = (stats["last"] - stats["first"]).total_seconds()
    per_minute = stats["completed"] / seconds * 60
    return {
        "reports": len(ids),
        "completed": stats["completed"],
        "daemons": daemons,
        "seconds": seconds,
        "reports_per_minute": per_minute,
        "reports_per_minute_per_daemon": per_minute / daemons,
        "p50_ms": float(stats["p50_ms"]),
        "p95_ms": float(stats["p95_ms"]),
        "peak_rss_mb": {r["worker"]: (r["peak_kb"] or 0) / 1024 for r in rss},
        "attempts": {r["status"]: r["n"] for r in outcomes},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--daemons", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    url = bench_url()
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        nights = conn.execute(PICK_NIGHTS, (args.reports + args.samples,)).fetchall()
    with tempfile.TemporaryDirectory(prefix="nightcap-bench-") as out:
        latency = measure_latency(url, out, nights[args.reports :], args.samples)
        print(
            f"NOTIFY to claim, idle daemon: p50 {latency['p50_ms']:.1f} ms,"
            f" p99 {latency['p99_ms']:.1f} ms over {latency['samples']} (target p99 < 50 ms)",
            flush=True,
        )
        throughput = measure_throughput(url, out, nights[: args.reports], args.daemons)
    print(
        f"{throughput['completed']} Daily Summaries (PDF + XLSX + HTML) with"
        f" {throughput['daemons']} daemons in {throughput['seconds']:.1f} s:"
        f" {throughput['reports_per_minute']:.0f} a minute,"
        f" {throughput['reports_per_minute_per_daemon']:.0f} a minute per daemon"
        " (aim 120 per core);"
        f" per report p50 {throughput['p50_ms']:.0f} ms, p95 {throughput['p95_ms']:.0f} ms;"
        f" peak RSS {', '.join(f'{v:.0f} MB' for v in throughput['peak_rss_mb'].values())}"
        f" (aim < 500 MB); render attempts {throughput['attempts']}"
    )
    record("renderer", {"latency": latency, "throughput": throughput})


if __name__ == "__main__":
    main()
