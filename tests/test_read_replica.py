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

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from renderer.report_reader import ReportReader

PERIOD = ("2026-04-20", "2026-04-26")
REPLICATION_SETTINGS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(*cmd: str) -> list[str]:
    """The server refuses to run as root: switch to `postgres` when we are root."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)


class Standby:
    def __init__(self, admin_conninfo: str):
        with psycopg.connect(admin_conninfo) as conn:
            version = conn.execute("SHOW server_version_num").fetchone()[0]
            self.settings = {
                name: conn.execute(f"SHOW {name}").fetchone()[0] for name in REPLICATION_SETTINGS
            }
        self.bindir = Path(f"/usr/lib/postgresql/{int(version) // 10000}/bin")
        self.root = Path(tempfile.mkdtemp(prefix="replica_standby_"))
        self.data = self.root / "data"
        self.port = free_port()
        self.admin = make_conninfo(admin_conninfo, host="127.0.0.1", port=self.port)

    def build(self) -> None:
        # pg_basebackup connects with the libpq environment: the superuser.
        subprocess.run(
            [str(self.bindir / "pg_basebackup"), "-D", str(self.data), "-R", "-X", "stream"]
            + ["-c", "fast", "-h", "127.0.0.1"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        settings = {
            "port": self.port,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.root}'",
            "hot_standby": "on",
            "max_standby_streaming_delay": "'30s'",
            **self.settings,
        }
        (self.data / "postgresql.conf").write_text(
            "".join(f"{k} = {v}\n" for k, v in settings.items())
        )
        (self.data / "pg_hba.conf").write_text("host all all 127.0.0.1/32 scram-sha-256\n")
        (self.data / "pg_ident.conf").write_text("")
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            subprocess.run(["chown", "-R", "postgres:postgres", str(self.data)], check=True)
        self.data.chmod(0o700)

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            as_postgres(str(self.bindir / "pg_ctl"), "-D", str(self.data), *args),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        self.pg_ctl("-l", str(self.root / "server.log"), "-w", "-t", "30", "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, primary_url: str) -> str:
        """`primary_url` (a database and its login) on the standby."""
        return make_conninfo(primary_url, host="127.0.0.1", port=self.port)

    def wait_for_replay(self, primary_url: str, dbname: str, timeout: float = 20) -> None:
        with psycopg.connect(primary_url, autocommit=True) as primary:
            lsn = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(psycopg.OperationalError):
                admin = make_conninfo(self.admin, dbname=dbname)
                with psycopg.connect(admin, autocommit=True, connect_timeout=2) as conn:
                    row = conn.execute("SELECT pg_last_wal_replay_lsn() >= %s", (lsn,)).fetchone()
                    if row[0]:
                        return
            if time.monotonic() > deadline:
                raise AssertionError(f"the standby did not replay up to {lsn} in {timeout} s")
            time.sleep(0.05)

    def remove(self) -> None:
        if self.running():
            with contextlib.suppress(subprocess.SubprocessError):
                self.pg_ctl("-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


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


def comparable(snapshot: dict) -> dict:
    """A snapshot without what differs between two reads of the same data."""
    return {
        k: v for k, v in snapshot.items() if k not in ("generated_at", "durations_ms", "read_from")
    }


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
                assert comparable(read) == comparable(generated), request["template_key"]
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
    with psycopg.connect(standby.admin, autocommit=True) as admin:
        admin.execute("SELECT pg_wal_replay_pause()")
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
        with psycopg.connect(standby.admin, autocommit=True) as admin:
            admin.execute("SELECT pg_wal_replay_resume()")
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
