"""The project's own PostgreSQL cluster: one per checkout, never on port 5432.

State (port, data directory, generated passwords) is kept in
.nightcap/cluster.json, so `nightcap db up` is idempotent and keeps its data.
PostgreSQL refuses to run as root: as root the cluster lives under
/var/lib/postgresql/nightcap/ and runs as the `postgres` user; as anyone else
it lives in .nightcap/pgdata and runs as that user.
"""

import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote

from renderer import settings
from renderer.bootstrap import bootstrap

STATE_FILE = settings.STATE_DIR / "cluster.json"


class ClusterError(RuntimeError):
    """The local cluster cannot be created, started or found."""


def server_bindir() -> Path:
    """Where initdb and pg_ctl are (not on PATH on Debian)."""
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True)
        candidate = Path(out.stdout.strip())
        if out.returncode == 0 and (candidate / "initdb").exists():
            return candidate
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    raise ClusterError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql-15 "
        "(`make demo` does), or set DATABASE_URL to an existing server."
    )


def pg_config(option: str) -> str:
    """What the server's own pg_config says for `option` (--pkglibdir, --configure, ...)."""
    return subprocess.run(
        [str(server_bindir() / "pg_config"), option], capture_output=True, text=True
    ).stdout.strip()


def port_is_free(port: int) -> bool:
    """Whether a server could listen on `port` now.

    SO_REUSEADDR, as PostgreSQL sets it: connections the old server closed sit
    in TIME_WAIT on the port for a minute after a restart, and do not stop a
    new server from listening there.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A loopback port nobody listens on now (the kernel's pick)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_root() -> bool:
    return os.geteuid() == 0


def as_postgres(*cmd: str) -> list[str]:
    """The server refuses to run as root: as root, run `cmd` as the `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *cmd] if is_root() else list(cmd)


@dataclass
class LocalCluster:
    port: int
    datadir: str
    superuser_password: str
    owner_password: str

    # -- state ---------------------------------------------------------------

    @classmethod
    def load(cls) -> "LocalCluster":
        if not STATE_FILE.exists():
            raise ClusterError(
                "no local cluster for this checkout yet: run `nightcap db up` "
                "(or set DATABASE_URL to use an existing server)"
            )
        return cls(**json.loads(STATE_FILE.read_text()))

    @classmethod
    def load_or_new(cls) -> "LocalCluster":
        wanted = os.environ.get("NIGHTCAP_PG_PORT")
        if STATE_FILE.exists():
            cluster = cls.load()
            if wanted and int(wanted) != cluster.port:
                cluster.port = int(wanted)
                cluster.save()
            return cluster
        port = (
            int(wanted)
            if wanted
            else next(
                p
                for p in range(settings.DEFAULT_PORT, settings.DEFAULT_PORT + 100)
                if port_is_free(p)
            )
        )
        if port == 5432:
            raise ClusterError("port 5432 belongs to the system's PostgreSQL: pick another")
        if is_root():
            state = settings.STATE_DIR.resolve()
            tag = hashlib.sha256(str(state).encode()).hexdigest()[:10]
            datadir = f"/var/lib/postgresql/nightcap/{state.parent.name}-{tag}"
        else:
            datadir = str(settings.STATE_DIR / "pgdata")
        cluster = cls(port, datadir, secrets.token_urlsafe(18), secrets.token_urlsafe(18))
        cluster.save()
        return cluster

    def save(self) -> None:
        settings.STATE_DIR.mkdir(parents=True, exist_ok=True)
        STATE_FILE.touch(mode=0o600)
        STATE_FILE.write_text(json.dumps(asdict(self), indent=2) + "\n")

    # -- addresses -----------------------------------------------------------

    def url(self, dbname: str = settings.LOCAL_DATABASE) -> str:
        """The owner's URL: what the daemon, migrations and psql use."""
        return (
            f"postgresql://{settings.LOCAL_OWNER}:{quote(self.owner_password, safe='')}"
            f"@127.0.0.1:{self.port}/{dbname}"
        )

    def admin_conninfo(self) -> str:
        return (
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres "
            f"password={self.superuser_password}"
        )

    # -- processes -----------------------------------------------------------

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = as_postgres(str(server_bindir() / args[0]), *args[1:])
        done = subprocess.run(cmd, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise ClusterError(f"{args[0]} failed:\n{done.stdout}{done.stderr}{self.log_tail()}")
        return done

    def log_tail(self, lines: int = 20) -> str:
        log = Path(self.datadir) / "log" / "server.log"
        try:
            return "\n".join(log.read_text().splitlines()[-lines:])
        except OSError:
            return ""

    def is_initialised(self) -> bool:
        return (Path(self.datadir) / "PG_VERSION").exists()

    def is_running(self) -> bool:
        return self._run("pg_ctl", "-D", self.datadir, "status", check=False).returncode == 0

    def initdb(self) -> None:
        datadir = Path(self.datadir)
        datadir.parent.mkdir(parents=True, exist_ok=True)
        pwfile = datadir.parent / f".{datadir.name}.pw"
        pwfile.write_text(self.superuser_password + "\n")
        pwfile.chmod(0o600)
        if is_root():
            shutil.chown(datadir.parent, "postgres", "postgres")
            shutil.chown(pwfile, "postgres", "postgres")
        try:
            self._run(
                "initdb",
                "-D",
                self.datadir,
                "-U",
                "postgres",
                "--pwfile",
                str(pwfile),
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            )
        finally:
            pwfile.unlink()
        with open(datadir / "postgresql.conf", "a") as conf:
            conf.write("\ninclude_if_exists = 'nightcap.conf'\n")

    def write_config(self) -> None:
        """Settings owned by nightcap, rewritten on every `db up` (e.g. a new port)."""
        settings_lines = [
            f"port = {self.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.datadir}'",
            "timezone = 'UTC'",
            "max_worker_processes = 20",
            # Sized for bulk loads and rebuilds of tens of millions of rows on
            # a small machine: a 128 MB buffer pool and 1 GB of WAL between
            # checkpoints made index maintenance and full-page writes dominate.
            "shared_buffers = '1GB'",
            "work_mem = '64MB'",
            "maintenance_work_mem = '512MB'",
            "max_wal_size = '8GB'",
            "checkpoint_timeout = '30min'",
            # A bulk load writes WAL at about 100 MB/s. With the default 16 MB
            # of WAL buffers and the WAL writer waking every 200 ms, the
            # loading backends found the buffers full 240,000 times in a
            # million-booking load and wrote the WAL themselves, each waiting
            # for the other's write; pglz compressing full-page images took
            # 1.5% of a load. With these three the generator benchmark went
            # from 54 s to 43 s.
            "wal_buffers = '128MB'",
            "wal_writer_delay = '20ms'",
            f"wal_compression = {'lz4' if self.has_lz4() else 'on'}",
            # The run ledger is a queue: it is vacuumed after every 1,000 dead
            # rows (migration 0010), and autovacuum should look that often.
            "autovacuum_naptime = '10s'",
        ]
        if self.has_pg_cron():
            settings_lines += [
                "shared_preload_libraries = 'pg_cron'",
                f"cron.database_name = '{settings.LOCAL_DATABASE}'",
                "cron.use_background_workers = on",
                "cron.max_running_jobs = 8",
            ]
        path = Path(self.datadir) / "nightcap.conf"
        path.write_text("# written by `nightcap db up`\n" + "\n".join(settings_lines) + "\n")
        if is_root():
            shutil.chown(path, "postgres", "postgres")

    def has_lz4(self) -> bool:
        """Whether the server was built with lz4 (Debian's is): WAL compression's cheaper choice."""
        return "--with-lz4" in pg_config("--configure")

    def has_pg_cron(self) -> bool:
        libdir = pg_config("--pkglibdir")
        return bool(libdir) and (Path(libdir) / "pg_cron.so").exists()

    def start(self) -> None:
        (Path(self.datadir) / "log").mkdir(exist_ok=True)
        if is_root():
            shutil.chown(Path(self.datadir) / "log", "postgres", "postgres")
        if not port_is_free(self.port):
            raise ClusterError(
                f"port {self.port} is taken by another program: set NIGHTCAP_PG_PORT to a free port"
            )
        self._run(
            "pg_ctl",
            "-D",
            self.datadir,
            "-l",
            f"{self.datadir}/log/server.log",
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        if self.is_running():
            self._run("pg_ctl", "-D", self.datadir, "-m", "fast", "-w", "stop")

    def up(self) -> str:
        """Create (first time) and start the cluster, then bootstrap the database."""
        if not self.is_initialised():
            self.initdb()
        running = self.is_running()
        config_path = Path(self.datadir) / "nightcap.conf"
        before = config_path.read_text() if config_path.exists() else None
        self.write_config()
        if running and before != config_path.read_text():
            self.stop()
            running = False
        if not running:
            self.start()
        return bootstrap(
            self.admin_conninfo(),
            settings.LOCAL_DATABASE,
            settings.LOCAL_OWNER,
            self.owner_password,
        )
