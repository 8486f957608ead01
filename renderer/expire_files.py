"""Deleting the stored files the database marked expired (retention, erasure).

The database decides what goes (internal.apply_retention: older than the
organization's retention_days; api.erase_customer: the report named a
customer who was erased) and marks the report's files expired; files live in
the renderer's storage, so a daemon deletes them: it claims a batch
(api.claim_expired_files, under a lease, FOR UPDATE SKIP LOCKED), deletes each
file by its key (Storage.delete, which leaves a tombstone so the link server
answers 410 Gone) and records it (api.files_deleted). Deleting is idempotent:
a daemon that dies mid-batch leaves the reports to the next claim, which
deletes again. A file already gone is counted as deleted, and logged.
"""

import psycopg

from renderer import queries
from renderer.logs import log
from renderer.storage import Storage, StorageError

DEFAULT_BATCH = 50
DEFAULT_LEASE_SECONDS = 300.0


def delete_expired_files(
    conn: psycopg.Connection,
    storage: Storage,
    worker: str,
    *,
    batch: int = DEFAULT_BATCH,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
) -> int:
    """Deletes every claimable expired file, batch by batch; returns how many reports were done.

    `conn` is an autocommit connection with dict rows. A report whose file cannot be
    deleted (a storage error) is logged and left to a later run (its lease ends).
    """
    done = 0
    while True:
        claimed = conn.execute(
            queries.load("files_claim_expired"),
            {"worker": worker, "limit": batch, "lease": f"{lease_seconds} seconds"},
        ).fetchall()
        failed = 0
        for report in claimed:
            if delete_report_files(conn, storage, worker, report):
                done += 1
            else:
                failed += 1
        if len(claimed) < batch or failed == len(claimed):
            return done


def delete_report_files(
    conn: psycopg.Connection, storage: Storage, worker: str, report: dict
) -> bool:
    context = {
        "generation_id": report["generation_id"],
        "reason": report["reason"],
        "worker": worker,
    }
    removed, already_gone = [], []
    try:
        for f in report["files"] or []:
            key = f.get("key")
            if not key:
                continue
            (removed if storage.delete(key) else already_gone).append(key)
    except StorageError as exc:
        log("files_delete_failed", **context, error=str(exc))
        return False
    try:
        conn.execute(
            queries.load("files_deleted"),
            {"generation_id": report["generation_id"], "worker": worker},
        )
    except psycopg.errors.ObjectNotInPrerequisiteState as exc:
        # Our lease ran out and another daemon holds the report: it deletes and records.
        log("files_lease_lost", **context, error=str(exc).strip())
        return False
    log("files_deleted", **context, deleted=len(removed), already_gone=already_gone)
    return True
