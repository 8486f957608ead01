"""Report snapshots read on a hot standby (NIGHTCAP_READ_URL), stored on the primary.

api.generate_report reads and writes in one transaction on the primary. For
the report runs of `nightcap scheduler` with NIGHTCAP_READ_URL set, the work
is split in three:

1. on the primary, api.prepare_report_read(organization) writes what the read
   needs (the organization's system templates and analytics salt; once per
   organization, a no-op after) and commits; then the primary's WAL insert
   position is taken (queries/reader_primary_lsn.sql): every commit visible
   on the primary at that moment lies before it;
2. on the standby, once pg_last_wal_replay_lsn() has reached that position,
   every snapshot of the run is read by api.compute_report_snapshot (STABLE:
   it cannot write) in one REPEATABLE READ READ ONLY transaction, so the
   run's reports see one state of the data, never older than the primary's
   at the request;
3. on the primary, api.store_report_snapshot stores each one (the same checks
   as api.generate_report, skips of empty periods included) and the run is
   completed, all in one transaction.

The freshness rule is the LSN, not a time: a standby that replays slower
than the primary commits is still used once it has caught up with the
request, and a standby a second behind a primary that changed nothing since
is good enough. The reader waits up to `max_wait_seconds` for it, then falls
back: the snapshots are read on the primary, by the same function. It also
falls back when the standby cannot be reached, is not in recovery (a
promoted standby is another primary now) or fails the read (a recovery
conflict, say). Each fallback is said twice: a JSON log line
(`read_fallback`, with the reason) and, in every snapshot stored,
`read_from` = {"source": "primary", "reason": ...} (and the generation row's
`read_from` column). A standby read says {"source": "standby"} the same way.
"""

import time
from dataclasses import asdict, dataclass, field

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from renderer import db, queries
from renderer.logs import log


@dataclass
class ReadFrom:
    """Where a run's snapshots were read, and why there."""

    source: str  # "standby" or "primary"
    reason: str | None
    primary_lsn: str
    standby_lsn: str | None = None
    waited_ms: float = 0.0

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class ReportReader:
    """Reads report snapshots on `read_url` (a hot standby), falling back to the primary."""

    read_url: str
    max_wait_seconds: float = 5.0
    poll_seconds: float = 0.05
    connect_timeout_seconds: int = 2
    _conn: psycopg.Connection | None = field(default=None, init=False, repr=False)

    def standby(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed:
            self._conn = db.connect(
                _with_connect_timeout(self.read_url, self.connect_timeout_seconds), on_notice=None
            )
            self._conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            self._conn.read_only = True
        return self._conn

    def close(self) -> None:
        if self._conn is not None and not self._conn.closed:
            self._conn.close()
        self._conn = None

    def primary_position(self, primary: psycopg.Connection, requests: list[dict]) -> str:
        """Prepare each organization on the primary, commit, and return the WAL position after."""
        for organization_id in sorted({str(r["organization_id"]) for r in requests}):
            _one(primary, "reader_prepare", {"organization_id": organization_id})
        primary.commit()
        lsn = _one(primary, "reader_primary_lsn", {})["lsn"]
        primary.commit()
        return lsn

    def wait_for_standby(self, lsn: str) -> ReadFrom:
        """Wait (bounded) until the standby has replayed past `lsn`; where to read, and why."""
        started = time.monotonic()

        def waited() -> float:
            return round((time.monotonic() - started) * 1000, 1)

        try:
            conn = self.standby()
            while True:
                row = _one(conn, "reader_standby_position", {"lsn": lsn})
                conn.rollback()
                if not row["in_recovery"]:
                    return ReadFrom(
                        "primary",
                        "not_a_standby: NIGHTCAP_READ_URL is not in recovery",
                        lsn,
                        None,
                        waited(),
                    )
                if row["caught_up"]:
                    return ReadFrom("standby", None, lsn, row["replay_lsn"], waited())
                if time.monotonic() - started >= self.max_wait_seconds:
                    paused = " (replay paused)" if row["replay_paused"] else ""
                    return ReadFrom(
                        "primary",
                        f"lagging: the standby replayed to {row['replay_lsn']}{paused}, "
                        f"the request needs {lsn}; waited {self.max_wait_seconds:g} s",
                        lsn,
                        row["replay_lsn"],
                        waited(),
                    )
                time.sleep(self.poll_seconds)
        except psycopg.OperationalError as exc:
            self.close()
            return ReadFrom("primary", f"unreachable: {_first_line(exc)}", lsn, None, waited())

    def read(
        self, primary: psycopg.Connection, requests: list[dict]
    ) -> tuple[list[dict], ReadFrom]:
        """The snapshots of `requests`, read on the standby if fresh enough, else on the primary.

        Leaves the primary inside a transaction when it read there (the caller
        stores and commits in it).
        """
        read_from = self.wait_for_standby(self.primary_position(primary, requests))
        if read_from.source == "standby":
            conn = self.standby()
            try:
                snapshots = [_one(conn, "reader_compute", _params(r))["snapshot"] for r in requests]
                conn.rollback()
                return snapshots, read_from
            except psycopg.Error as exc:
                if isinstance(exc, psycopg.OperationalError):
                    self.close()
                else:
                    conn.rollback()
                state = f" [{exc.sqlstate}]" if exc.sqlstate else ""
                read_from = ReadFrom(
                    "primary",
                    f"standby_failed{state}: {_first_line(exc)}",
                    read_from.primary_lsn,
                    read_from.standby_lsn,
                    read_from.waited_ms,
                )
        snapshots = [_one(primary, "reader_compute", _params(r))["snapshot"] for r in requests]
        return snapshots, read_from

    def generate(self, primary: psycopg.Connection, requests: list[dict], **context) -> list[int]:
        """Read `requests` (standby first) and store them on the primary; not committed.

        Each request: template_key, organization_id, period_start, period_end,
        filters, and optionally formats, priority, job_id, run_id. Logs where
        they were read (`read_on_standby` or `read_fallback` with the reason).
        """
        snapshots, read_from = self.read(primary, requests)
        log(
            "read_on_standby" if read_from.source == "standby" else "read_fallback",
            **context,
            reports=len(requests),
            **read_from.as_json(),
        )
        ids = []
        for request, snapshot in zip(requests, snapshots, strict=True):
            snapshot["read_from"] = read_from.as_json()
            params = _params(request) | {
                "priority": request.get("priority") or "normal",
                "job_id": request.get("job_id"),
                "run_id": request.get("run_id"),
                "snapshot": Jsonb(snapshot),
            }
            ids.append(_one(primary, "reader_store", params)["generation_id"])
        return ids


def _one(conn: psycopg.Connection, query: str, params: dict) -> dict:
    """The one row of renderer/queries/<query>.sql, as a dict whatever the connection's rows."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(queries.load(query), params).fetchone()


def _params(request: dict) -> dict:
    return {
        "template_key": request["template_key"],
        "organization_id": request["organization_id"],
        "period_start": request["period_start"],
        "period_end": request["period_end"],
        "filters": Jsonb(request.get("filters") or {}),
        "formats": request.get("formats"),
    }


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _with_connect_timeout(url: str, seconds: int) -> str:
    """`url` with a connect_timeout unless it has one: a standby that is down must not stall."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    if "connect_timeout" in conninfo_to_dict(url):
        return url
    return make_conninfo(url, connect_timeout=seconds)


def comparable_snapshot(snapshot: dict) -> dict:
    """A snapshot without what differs between two reads of the same data."""
    return {
        k: v for k, v in snapshot.items() if k not in ("generated_at", "durations_ms", "read_from")
    }
