"""Reports read on a hot standby of the throwaway cluster, stored on the primary.

The standby is built here, once for the module: `pg_basebackup -R` of the
cluster `make test` runs (pg_virtualenv already allows replication
connections from 127.0.0.1 for its superuser, and wal_level = replica and
max_wal_senders = 10 are the defaults), into a temporary directory with its
own postgresql.conf and pg_hba.conf (Debian keeps the primary's under /etc, so
pg_basebackup copies none), started on a free port with pg_ctl as the
`postgres` user when the tests run as root (the server refuses root). It is
stopped and removed at the end, whatever happened.

Then, on a small demo organization (a few nights of generated facts, so the
top-customer rows carry pseudonymous keys, whose salt only the primary can
create):
- a report read on the standby equals the one the database generates on the
  primary, section by section, for every system template;
- with the standby's replay paused and the data changed on the primary, the
  reader waits its bounded time, reads on the primary and says so (log line,
  snapshot read_from, the row's read_from column), and the report has the
  new figure;
- with the standby stopped, `nightcap scheduler --once` with
  NIGHTCAP_READ_URL still works a report run (falling back, and saying so),
  and `nightcap renderer --once` renders it.
"""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from renderer.report_reader import ReportReader, comparable_snapshot
from renderer.standby import Standby

PERIOD = ("2026-04-20", "2026-04-26")


@pytest.fixture(scope="module")
def standby(admin_conninfo: str) -> Iterator[Standby]:
    node = Standby(admin_conninfo)
    try:
        try:
            node.build()
            node.start()
        except subprocess.CalledProcessError as exc:
            log = node.root / "server.log"
            detail = log.read_text()[-2000:] if log.exists() else ""
            raise AssertionError(f"{exc.cmd}: {exc.stderr}\n{detail}") from exc
        yield node
    finally:
        node.remove()


@pytest.fixture
def club(migrated_db: str) -> tuple[str, str]:
    """A demo organization with a week of facts, aggregated; (its URL, its id)."""
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        org = conn.execute(
            "SELECT api.create_organization('Replica Club', 'replica-club')"
        ).fetchone()[0]
        conn.execute("SELECT api.create_venue(%s, 'The Vault', 'the-vault', 400)", (org,))
        conn.execute("SELECT api.generate_demo_data(%s, 10, 25, 11, %s::date)", (org, PERIOD[1]))
        conn.execute("SELECT api.process_hourly_aggregations()")
    return migrated_db, str(org)


def stored(conn: psycopg.Connection, generation_id: int) -> tuple:
    return conn.execute(
        "SELECT snapshot, read_from, status, data_version FROM reporting.report_generation_history"
        " WHERE generation_id = %s",
        (generation_id,),
    ).fetchone()


def requests(conn: psycopg.Connection, org: str) -> list[dict]:
    keys = conn.execute(
        "SELECT template_key FROM reporting.report_templates"
        " WHERE organization_id = %s AND status = 'active' ORDER BY template_key",
        (org,),
    ).fetchall()
    return [
        {
            "template_key": key,
            "organization_id": org,
            "period_start": PERIOD[0],
            "period_end": PERIOD[1],
            "filters": {},
        }
        for (key,) in keys
    ]


def log_events(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_a_report_read_on_the_standby_equals_the_one_generated_on_the_primary(
    standby, club, capsys
):
    url, org = club
    standby.wait_for_replay(url, conninfo_to_dict(url)["dbname"])
    reader = ReportReader(standby.url(url), max_wait_seconds=10)
    try:
        with psycopg.connect(url) as conn:
            asked = requests(conn, org)
            assert len(asked) == 4
            read_ids = reader.generate(conn, asked)
            conn.commit()
            # The database's own path, uncached, as api.generate_report takes it.
            primary_ids = [
                conn.execute(
                    "SELECT internal.generate_report(%s, %s, %s::date, %s::date, '{}', NULL,"
                    " 'normal', NULL, NULL, false)",
                    (r["template_key"], org, *PERIOD),
                ).fetchone()[0]
                for r in asked
            ]
            conn.commit()
            for request, read_id, primary_id in zip(asked, read_ids, primary_ids, strict=True):
                read, read_from, status, version = stored(conn, read_id)
                generated, generated_from, _, generated_version = stored(conn, primary_id)
                assert (status, read_from, generated_from) == ("data_ready", "standby", None)
                assert read["read_from"]["source"] == "standby"
                assert read["read_from"]["reason"] is None
                assert version == generated_version
                key = request["template_key"]
                assert comparable_snapshot(read) == comparable_snapshot(generated), key
            # The pseudonymous keys need the salt the primary made for the read.
            insights = stored(
                conn, read_ids[[r["template_key"] for r in asked].index("customer_insights")]
            )
            keys = [
                row.get("_customer_key")
                for section in insights[0]["sections"]
                for row in (section["data"].get("rows") or [])
                if isinstance(row, dict) and "_customer_key" in row
            ]
            assert keys and all(keys)
    finally:
        reader.close()
    (line,) = [e for e in log_events(capsys.readouterr().err) if e["event"].startswith("read_")]
    assert (line["event"], line["source"], line["reports"]) == ("read_on_standby", "standby", 4)


def test_a_lagging_standby_is_waited_for_then_the_primary_is_read_and_says_so(
    standby, club, capsys
):
    url, org = club
    standby.wait_for_replay(url, conninfo_to_dict(url)["dbname"])
    standby.pause_replay(url)
    reader = ReportReader(standby.url(url), max_wait_seconds=1)
    try:
        with psycopg.connect(url) as conn:
            conn.execute(
                "UPDATE reporting.daily_aggregations"
                " SET gross_revenue = gross_revenue + 1000, net_revenue = net_revenue + 1000"
                " WHERE organization_id = %s AND business_date = %s",
                (org, PERIOD[1]),
            )
            conn.commit()
            expected = conn.execute(
                "SELECT sum(gross_revenue) FROM reporting.daily_aggregations"
                " WHERE organization_id = %s AND business_date BETWEEN %s AND %s",
                (org, *PERIOD),
            ).fetchone()[0]
            started = time.monotonic()
            (daily,) = [r for r in requests(conn, org) if r["template_key"] == "daily_summary"]
            (generation_id,) = reader.generate(conn, [daily], run_id=None)
            conn.commit()
            waited = time.monotonic() - started
            snapshot, read_from, status, _ = stored(conn, generation_id)
    finally:
        reader.close()
        standby.resume_replay()
    assert 1 <= waited < 10
    assert (status, read_from, snapshot["read_from"]["source"]) == (
        "data_ready",
        "primary",
        "primary",
    )
    assert snapshot["read_from"]["reason"].startswith("lagging:")
    assert "replay paused" in snapshot["read_from"]["reason"]
    # Read on the primary: the change the standby has not replayed is in.
    assert float(snapshot["summary"]["gross_revenue"]) == float(expected)
    (line,) = [e for e in log_events(capsys.readouterr().err) if e["event"].startswith("read_")]
    assert line["event"] == "read_fallback" and line["reason"].startswith("lagging:")


def test_with_the_standby_down_the_scheduler_falls_back_and_the_renderer_renders(
    standby, club, tmp_path
):
    url, org = club
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO reporting.report_recipients"
            " (organization_id, recipient_id, name, email, role)"
            " VALUES (%s, 920001, 'Owner', 'owner@vault.example', 'owner')",
            (org,),
        )
        conn.execute(
            "INSERT INTO reporting.report_subscriptions (recipient_id, template_id)"
            " SELECT 920001, template_id FROM reporting.report_templates"
            " WHERE organization_id = %s AND template_key = 'daily_summary'",
            (org,),
        )
        (run_id,) = conn.execute(
            "SELECT api.enqueue_run(job_id, '2026-04-26 21:00Z') FROM reporting.scheduled_jobs"
            " WHERE organization_id = %s AND name = 'report:daily_summary'",
            (org,),
        ).fetchone()
    standby.stop()
    env = {**os.environ, "DATABASE_URL": url, "NIGHTCAP_READ_URL": standby.url(url)}
    sched = subprocess.run(
        [sys.executable, "-m", "renderer.cli", "scheduler", "--once", "--read-max-wait", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sched.returncode == 0, sched.stderr
    log = log_events(sched.stderr)
    (fallback,) = [e for e in log if e["event"] == "read_fallback"]
    assert fallback["run_id"] == run_id and fallback["reason"].startswith("unreachable:")
    (worked,) = [e for e in log if e["event"] == "worked" and e["run_id"] == run_id]
    assert worked["status"] == "succeeded", worked
    with psycopg.connect(url, autocommit=True) as conn:
        (generation_id, read_from, reason, run_status) = conn.execute(
            "SELECT h.generation_id, h.read_from, h.snapshot -> 'read_from' ->> 'reason', r.status"
            "  FROM reporting.report_generation_history h JOIN reporting.job_runs r USING (run_id)"
            " WHERE h.run_id = %s",
            (run_id,),
        ).fetchone()
        assert (read_from, run_status) == ("primary", "succeeded")
        assert reason.startswith("unreachable:")
        render = subprocess.run(
            [sys.executable, "-m", "renderer.cli", "renderer", "--once", "--no-deliver"],
            env={**env, "NIGHTCAP_STORAGE_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert render.returncode == 0, render.stderr
        (status,) = conn.execute(
            "SELECT status FROM reporting.report_generation_history WHERE generation_id = %s",
            (generation_id,),
        ).fetchone()
    assert status == "completed"
    assert any(tmp_path.rglob("*.html"))
