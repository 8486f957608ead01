"""Benchmark: reports read on a hot standby of the benchmark cluster, at full size.

Builds a streaming standby of the cluster holding the benchmark dataset
(`pg_basebackup`, renderer/standby.py), then, for every organization of the
dataset and every active template, a week's report (--week-start, seven
days):

- reads the batch on the standby through renderer/report_reader.py (stored on
  the primary), --runs times, and generates the same reports on the primary
  the way api.generate_report does, uncached; every standby snapshot must
  equal its primary twin (the script fails otherwise);
- pauses the standby's replay and asks for one report: the reader waits its
  bounded time (--max-wait) and reads on the primary, and says why;
- stops the standby and asks again: the reader falls back at once.

Prints each figure and records them under "replica". The standby is removed
at the end whatever happens. Needs the local cluster (its superuser) or
NIGHTCAP_BENCH_ADMIN_URL beside NIGHTCAP_BENCH_URL.

    .venv/bin/python -m bench.replica [--runs 3] [--week-start 2026-06-22] [--max-wait 1]
"""

import argparse
import datetime
import os
import statistics
import time

import psycopg
from psycopg.conninfo import conninfo_to_dict

from bench.dataset import bench_url
from bench.renderer import clear
from bench.results import record
from renderer import db
from renderer.report_reader import ReportReader, comparable_snapshot
from renderer.standby import Standby

STORED = "SELECT snapshot FROM reporting.report_generation_history WHERE generation_id = %s"
# The database's own path, uncached, as api.generate_report takes it.
ON_PRIMARY = (
    "SELECT internal.generate_report(%s, %s, %s::date, %s::date, '{}', NULL,"
    " 'normal', NULL, NULL, false) AS id"
)


def admin_url() -> str:
    if os.environ.get("NIGHTCAP_BENCH_ADMIN_URL"):
        return os.environ["NIGHTCAP_BENCH_ADMIN_URL"]
    from renderer.cluster import LocalCluster

    return LocalCluster.load().admin_conninfo()


def week_requests(conn: psycopg.Connection, start: datetime.date) -> list[dict]:
    """Every active template of every organization, for the week from `start`."""
    rows = conn.execute(
        "SELECT organization_id::text AS organization_id, template_key"
        "  FROM reporting.report_templates"
        " WHERE status = 'active' AND organization_id IS NOT NULL"
        " ORDER BY organization_id, template_key"
    ).fetchall()
    end = start + datetime.timedelta(days=6)
    return [
        {
            "template_key": r["template_key"],
            "organization_id": r["organization_id"],
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "filters": {},
        }
        for r in rows
    ]


# Every report this benchmark stores: removed at the end, so no later step (or
# run) finds them in the render queue ahead of its own.
MADE: list[int] = []


def snapshot(conn: psycopg.Connection, generation_id: int) -> dict:
    return conn.execute(STORED, (generation_id,)).fetchone()["snapshot"]


def on_standby(url: str, standby_url: str, asked: list[dict], max_wait: float) -> tuple:
    """Seconds to read and store the batch, where it was read, and the snapshots."""
    reader = ReportReader(standby_url, max_wait_seconds=max_wait)
    try:
        with db.connect(url) as conn:
            started = time.perf_counter()
            ids = reader.generate(conn, asked)
            conn.commit()
            MADE.extend(ids)
            seconds = time.perf_counter() - started
            snaps = [snapshot(conn, i) for i in ids]
    finally:
        reader.close()
    return seconds, snaps[0]["read_from"], snaps


def on_primary(url: str, asked: list[dict]) -> tuple[float, list[dict]]:
    with db.connect(url) as conn:
        started = time.perf_counter()
        ids = [
            conn.execute(
                ON_PRIMARY,
                (r["template_key"], r["organization_id"], r["period_start"], r["period_end"]),
            ).fetchone()["id"]
            for r in asked
        ]
        conn.commit()
        seconds = time.perf_counter() - started
        MADE.extend(ids)
        return seconds, [snapshot(conn, i) for i in ids]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--week-start", type=datetime.date.fromisoformat, default="2026-06-22")
    parser.add_argument("--max-wait", type=float, default=1.0)
    args = parser.parse_args()

    url = bench_url()
    dbname = conninfo_to_dict(url)["dbname"]
    node = Standby(admin_url())
    figures: dict = {}
    try:
        started = time.perf_counter()
        node.build(timeout=1800)
        node.start()
        node.wait_for_replay(url, dbname, timeout=120)
        figures["standby_built_seconds"] = time.perf_counter() - started
        with psycopg.connect(node.admin, dbname="postgres") as conn:
            figures["cluster_bytes"] = conn.execute(
                "SELECT sum(pg_database_size(oid)) FROM pg_database"
            ).fetchone()[0]
        print(
            f"standby of {figures['cluster_bytes'] / 2**30:.1f} GiB built and caught up"
            f" in {figures['standby_built_seconds']:.0f} s",
            flush=True,
        )
        standby_url = node.url(url)
        with db.connect(url) as conn:
            asked = week_requests(conn, args.week_start)
        standby_s, primary_s = [], []
        for run in range(1, args.runs + 1):
            s, read_from, read = on_standby(url, standby_url, asked, max_wait=30)
            if read_from["source"] != "standby":
                raise SystemExit(
                    f"replica bench: read on the primary, not the standby: {read_from}"
                )
            p, generated = on_primary(url, asked)
            for request, a, b in zip(asked, read, generated, strict=True):
                if comparable_snapshot(a) != comparable_snapshot(b):
                    raise SystemExit(f"replica bench: the standby's report differs: {request}")
            standby_s.append(s)
            primary_s.append(p)
            print(
                f"run {run}: {len(asked)} reports read on the standby in {s:.2f} s,"
                f" generated on the primary in {p:.2f} s; all equal",
                flush=True,
            )
        figures |= {
            "reports": len(asked),
            "runs": args.runs,
            "standby_median_seconds": statistics.median(standby_s),
            "primary_median_seconds": statistics.median(primary_s),
            "equal": True,
        }

        # Lagging: replay paused, then a commit on the primary the standby has not seen.
        node.pause_replay(url)
        s, read_from, _ = on_standby(url, standby_url, asked[:1], max_wait=args.max_wait)
        node.resume_replay()
        if read_from["source"] != "primary" or not read_from["reason"].startswith("lagging:"):
            raise SystemExit(
                f"replica bench: a paused standby was not fallen back from: {read_from}"
            )
        figures["lagging_fallback_seconds"] = s
        print(f"standby paused: fell back to the primary in {s:.2f} s ({read_from['reason']})")

        # Down: the standby stopped.
        node.stop()
        s, read_from, _ = on_standby(url, standby_url, asked[:1], max_wait=args.max_wait)
        if read_from["source"] != "primary" or not read_from["reason"].startswith("unreachable:"):
            raise SystemExit(
                f"replica bench: a stopped standby was not fallen back from: {read_from}"
            )
        figures["down_fallback_seconds"] = s
        print(f"standby stopped: fell back to the primary in {s:.2f} s")
    finally:
        node.remove()
        with db.connect(url, autocommit=True) as conn:
            clear(conn, MADE)
    print(
        f"{figures['reports']} reports: standby {figures['standby_median_seconds']:.2f} s,"
        f" primary {figures['primary_median_seconds']:.2f} s (medians of {args.runs})"
    )
    record("replica", figures)


if __name__ == "__main__":
    main()
