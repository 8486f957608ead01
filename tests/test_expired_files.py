"""Retention's files: the daemon deletes what the database expired, and links answer 410.

A Daily Summary is generated and rendered by the daemon (`--once`) into a temporary
storage directory; its download link works. The organization's retention period then
passes (internal.apply_retention run as of three days later, retention_days 1): the
report's files are marked expired, the next daemon run deletes them and records it
(api.files_deleted), and the same link answers 410 Gone, while a file that never
existed still answers 404. A report within the period keeps its files.
"""

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from renderer.link_server import start_link_server
from renderer.signed_links import sign
from renderer.storage import GoneError, LocalStorage, NotFoundError

ORG = "00000000-0000-4000-8000-0000000e0901"
SECRET = b"expired-files-test-secret"
SETUP = f"""
INSERT INTO venue.organizations (organization_id, name, slug, retention_days)
VALUES ('{ORG}', 'Expiry Club Ltd', 'expiry-club', 1);
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity)
VALUES ('{ORG}', 950001, 'The Crypt', 'the-crypt', 400);
INSERT INTO reporting.daily_aggregations (
  organization_id, venue_id, business_date, gross_revenue, refunds, net_revenue, deposits,
  bar_revenue, table_revenue, ticket_revenue, check_ins, bookings_total, bookings_completed,
  bookings_cancelled, bookings_no_show, covers, peak_occupancy, occupancy_rate)
SELECT '{ORG}', 950001, d, 12480, 480, 12000, 1480, 7000, 3000, 1000, 300, 80, 66, 6, 8, 240, 280,
       0.7
  FROM generate_series(date '2026-05-01', date '2026-05-03', interval '1 day') d;
"""


def run_renderer(url: str, out: Path) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "renderer.cli", "renderer", "--once", "--no-deliver"],
        env={**os.environ, "DATABASE_URL": url, "NIGHTCAP_STORAGE_DIR": str(out)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]


def status_of(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def files_of(conn: psycopg.Connection, generation_id: int) -> list[str]:
    files = conn.execute(
        "SELECT files FROM reporting.report_generation_history WHERE generation_id = %s",
        (generation_id,),
    ).fetchone()[0]
    return sorted(f["key"] for f in files)


@pytest.fixture
def club(migrated_db: str) -> str:
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute(SETUP)
    return migrated_db


def test_the_daemon_deletes_expired_files_and_their_links_answer_410(club, tmp_path):
    out = tmp_path / "reports"
    store = LocalStorage(out)
    with psycopg.connect(club, autocommit=True) as conn:
        old, kept = (
            conn.execute(
                "SELECT api.generate_report('daily_summary', %s, %s::date, %s::date, '{}',"
                " '{html,pdf}')",
                (ORG, day, day),
            ).fetchone()[0]
            for day in ("2026-05-01", "2026-05-02")
        )
        run_renderer(club, out)
        old_keys, kept_keys = files_of(conn, old), files_of(conn, kept)
        assert len(old_keys) == 2 and all(store.exists(k) for k in old_keys + kept_keys)

        server = start_link_server(store, SECRET, "127.0.0.1", 0)
        try:
            link = sign(old_keys[0], int(time.time()) + 600, SECRET)
            assert status_of(server.port, link) == 200

            # Three days on, the first report is past the organization's one day; the
            # second was requested "later" (moved forward), so it is within it.
            conn.execute(
                "UPDATE reporting.report_generation_history"
                " SET requested_at = requested_at + interval '3 days' WHERE generation_id = %s",
                (kept,),
            )
            result = conn.execute(
                "SELECT internal.apply_retention(%s, now() + interval '3 days')", (ORG,)
            ).fetchone()[0]
            assert result["reports_expired"] == 1 and result["files_expired"] == 2

            logs = run_renderer(club, out)
            deleted = [e for e in logs if e["event"] == "files_deleted"]
            assert [(e["generation_id"], e["deleted"], e["reason"]) for e in deleted] == [
                (old, 2, "retention")
            ]

            assert status_of(server.port, link) == 410
            assert status_of(server.port, sign(old_keys[1], int(time.time()) + 600, SECRET)) == 410
            never = old_keys[0].replace(f"-g{old}.", "-g999999.")
            assert status_of(server.port, sign(never, int(time.time()) + 600, SECRET)) == 404
            kept_link = sign(kept_keys[0], int(time.time()) + 600, SECRET)
            assert status_of(server.port, kept_link) == 200
        finally:
            server.stop()

        row = conn.execute(
            "SELECT status, snapshot IS NULL, files_deleted_at IS NOT NULL,"
            " files_worker IS NOT NULL"
            " FROM reporting.report_generation_history WHERE generation_id = %s",
            (old,),
        ).fetchone()
        assert row == ("completed", True, True, True)
        # Nothing left to claim: a further run deletes nothing.
        assert not [e for e in run_renderer(club, out) if e["event"] == "files_deleted"]

    for key in old_keys:
        assert not store.exists(key)
        with pytest.raises(GoneError):
            store.open(key)
    assert all(store.exists(k) for k in kept_keys)


def test_a_deleted_key_stored_again_is_served_again(tmp_path):
    store = LocalStorage(tmp_path)
    key = "club/daily_summary/2026-05-01/daily_summary-2026-05-01-g7.html"
    assert store.delete(key) is False  # never stored: only the tombstone
    with pytest.raises(GoneError):
        store.open(key)
    store.put(key, b"<p>again</p>")
    assert store.open(key) == b"<p>again</p>"
    assert store.delete(key) is True
    with pytest.raises(NotFoundError):
        store.open(key)
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [
        ".daily_summary-2026-05-01-g7.html.gone"
    ]
