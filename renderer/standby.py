"""A hot standby of a PostgreSQL cluster, for NIGHTCAP_READ_URL: built, run, removed.

`Standby(admin_conninfo).build()` takes `pg_basebackup -R -X stream` of the
cluster the superuser conninfo names (wal_level = replica and max_wal_senders
are PostgreSQL's defaults; the cluster's pg_hba.conf must allow replication
from 127.0.0.1, as initdb's and pg_virtualenv's do), into a temporary
directory with a postgresql.conf and pg_hba.conf of its own (Debian keeps a
cluster's under /etc, and nightcap's own cluster includes a nightcap.conf with
its port and pg_cron, neither of which a standby wants); `start()` runs it on
a free port with pg_ctl, as the `postgres` user when we are root (the server
refuses root); `remove()` stops it and deletes it. The read-replica test
(`tests/test_read_replica.py`, the throwaway cluster of `make test`) and its
full-size benchmark (`bench/replica.py`, the benchmark dataset's cluster) use
it; it suits anyone who wants a local standby to try NIGHTCAP_READ_URL on.
"""

import contextlib
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

from renderer import queries
from renderer.cluster import as_postgres, free_port, is_root

# Settings a standby must have at least as high as its primary's, and those
# that make reads on it cost what they cost on the primary: copied over.
COPIED_SETTINGS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
    "shared_buffers",
    "work_mem",
    "max_parallel_workers_per_gather",
)


class Standby:
    def __init__(self, admin_conninfo: str):
        with psycopg.connect(admin_conninfo) as conn:
            version = conn.execute("SHOW server_version_num").fetchone()[0]
            self.settings = {
                name: f"'{value}'"
                for name, value in conn.execute(
                    "SELECT name, current_setting(name) FROM unnest(%s::text[]) AS name",
                    (list(COPIED_SETTINGS),),
                ).fetchall()
            }
        self.primary = admin_conninfo
        self.bindir = Path(f"/usr/lib/postgresql/{int(version) // 10000}/bin")
        self.root = Path(tempfile.mkdtemp(prefix="replica_standby_"))
        self.data = self.root / "data"
        self.port = free_port()
        self.admin = make_conninfo(admin_conninfo, host="127.0.0.1", port=self.port)

    def build(self, timeout: float = 60) -> None:
        # As the superuser; -R writes this conninfo into the standby's primary_conninfo.
        subprocess.run(
            [str(self.bindir / "pg_basebackup"), "-D", str(self.data), "-R", "-X", "stream"]
            + ["-c", "fast", "-d", make_conninfo(self.primary, host="127.0.0.1")],
            check=True,
            capture_output=True,
            timeout=timeout,
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
        if is_root():
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
            lsn = primary.execute(queries.load("reader_primary_lsn")).fetchone()[0]
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

    def pause_replay(self, primary_url: str, timeout: float = 30) -> None:
        """Pause replay, for certain, and commit on the primary past it.

        pg_wal_replay_pause() takes effect at the next record the standby
        replays, so a commit made just after the call can still be replayed:
        commit on the primary until the standby says it is paused, then once
        more. That last commit is one the standby has not seen.
        """
        with (
            psycopg.connect(self.admin, dbname="postgres", autocommit=True) as standby,
            psycopg.connect(primary_url, autocommit=True) as primary,
        ):
            standby.execute("SELECT pg_wal_replay_pause()")
            deadline = time.monotonic() + timeout
            while (
                standby.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] != "paused"
            ):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the standby did not pause its replay in {timeout} s")
                primary.execute("SELECT pg_current_xact_id()")  # a commit: WAL to pause at
                time.sleep(0.05)
            primary.execute("SELECT pg_current_xact_id()")

    def resume_replay(self) -> None:
        with psycopg.connect(self.admin, dbname="postgres", autocommit=True) as standby:
            standby.execute("SELECT pg_wal_replay_resume()")

    def remove(self) -> None:
        if self.running():
            with contextlib.suppress(subprocess.SubprocessError):
                self.pg_ctl("-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
