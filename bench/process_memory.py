"""Memory of local processes, read from /proc: the renderer daemons and PostgreSQL backends.

Linux only; where /proc or a process is not readable, figures are None and
nothing fails. Backends are counted by their private memory (RssAnon): their
resident size also counts the shared buffers they touched, which every
backend shares and the cluster holds whether or not anyone reports.
"""

import threading
from pathlib import Path

import psycopg

KIB = 1024


def status_kb(pid: int, field: str) -> int | None:
    """A `kB` field of /proc/<pid>/status (VmRSS, VmHWM, RssAnon), or None."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def backend_pids(conn: psycopg.Connection) -> list[int]:
    """Server processes of this database, when the server runs on this machine."""
    if conn.info.host not in ("127.0.0.1", "localhost", "::1") and not conn.info.host.startswith(
        "/"
    ):
        return []
    rows = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
    ).fetchall()
    return [r[0] for r in rows]


class MemorySampler:
    """Samples, every `interval` s, the daemons' RSS and the database's backends' private memory.

    peak_kb: the highest sum of both seen at one instant; backends_peak_kb the
    highest for the backends alone. Runs in a thread for the `with` block.
    """

    def __init__(self, url: str, pids: list[int], interval: float = 0.5) -> None:
        self.url = url
        self.pids = pids
        self.interval = interval
        self.peak_kb: int | None = None
        self.backends_peak_kb: int | None = None
        self.backends_seen = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory", daemon=True)

    def _sample(self, conn: psycopg.Connection) -> None:
        daemons = [status_kb(p, "VmRSS") for p in self.pids]
        pids = backend_pids(conn)
        backends = [b for b in (status_kb(p, "RssAnon") for p in pids) if b is not None]
        self.backends_seen = max(self.backends_seen, len(backends))
        if backends:
            self.backends_peak_kb = max(self.backends_peak_kb or 0, sum(backends))
        if None not in daemons:
            self.peak_kb = max(self.peak_kb or 0, sum(daemons) + sum(backends))

    def _run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self._stop.is_set():
                self._sample(conn)
                self._stop.wait(self.interval)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
