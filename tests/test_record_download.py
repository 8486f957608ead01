"""Downloads through signed links are recorded in the audit log (api.record_download).

A completed report with a PDF file is written to the database and its file to
a LocalStorage; the link server, with a database, serves the signed link and
then records report.downloaded. Without a database to write to, or with one
that cannot be reached, the file is served all the same.
"""

import http.client
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from renderer.link_server import EventsConfig, LinkServer, start_link_server
from renderer.signed_links import sign
from renderer.storage import LocalStorage, report_key

SECRET = b"a-test-link-secret-of-at-least-32-bytes"
ORG = "00000000-0000-4000-8000-0000000d0a01"
PDF = b"%PDF-1.7 the night's report"
AGENT = "Mozilla/5.0 (test; audit)"


def completed_report(url: str) -> tuple[int, str]:
    """A completed daily summary with one PDF file; its generation id and file key."""
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        conn.execute(
            "INSERT INTO venue.organizations (organization_id, name, slug) "
            "VALUES (%s, 'Download Org', 'download-org')",
            [ORG],
        )
        generation = conn.execute(
            "INSERT INTO reporting.report_generation_history (organization_id, template_id, "
            "template_key, template_version, period_start, period_end, timezone, formats, status, "
            "request_key, snapshot, requested_by) "
            "SELECT organization_id, template_id, template_key, version, '2026-05-01', "
            "'2026-05-01', 'Europe/London', '{pdf}', 'data_ready', 'test', '{}', 'test' "
            "FROM reporting.report_templates "
            "WHERE organization_id = %s AND template_key = 'daily_summary' AND status = 'active' "
            "RETURNING generation_id",
            [ORG],
        ).fetchone()["generation_id"]
        key = report_key(
            "download-org", "daily_summary", "2026-05-01", "2026-05-01", generation, "pdf"
        )
        files = [{"format": "pdf", "key": key, "uri": "file:///r.pdf", "bytes": len(PDF)}]
        conn.execute(
            "UPDATE reporting.report_generation_history "
            "SET status = 'completed', completed_at = now(), files = %s "
            "WHERE organization_id = %s AND generation_id = %s",
            [Jsonb(files), ORG, generation],
        )
    return generation, key


def downloads(url: str) -> list[dict]:
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT organization_id::text, actor, object_type, object_id, before, after, details "
            "FROM audit.events WHERE event = 'report.downloaded' ORDER BY event_id"
        ).fetchall()


def wait_for(check, timeout: float = 5.0):
    """The first truthy check() within timeout seconds (the server records after sending)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


def fetch(server: LinkServer, path: str, method: str = "GET") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path, headers={"User-Agent": AGENT})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture
def report(migrated_db: str, tmp_path: Path) -> Iterator[tuple[LinkServer, str, int, str]]:
    generation, key = completed_report(migrated_db)
    store = LocalStorage(tmp_path)
    store.put(key, PDF, "application/pdf")
    store.put("org/t/2026-05-01/notes.csv", b"a,b\r\n", "text/csv")
    server = start_link_server(
        store, SECRET, "127.0.0.1", 0, events=EventsConfig(database_url=migrated_db)
    )
    yield server, migrated_db, generation, key
    server.stop()


def test_a_served_report_file_is_recorded_as_downloaded(report) -> None:
    server, url, generation, key = report
    expires = int(time.time()) + 600
    # HEAD sends no file: nothing is downloaded, nothing recorded.
    assert fetch(server, sign(key, expires, SECRET), "HEAD") == (200, b"")
    assert fetch(server, sign(key, expires, SECRET)) == (200, PDF)
    rows = wait_for(lambda: downloads(url))
    assert len(rows) == 1
    row = rows[0]
    assert row["organization_id"] == ORG
    assert row["actor"] == "signed-link"
    assert (row["object_type"], row["object_id"]) == ("report_execution", str(generation))
    assert (row["before"], row["after"]) == (None, None)
    details = row["details"]
    assert details["format"] == "pdf"
    assert details["key"] == key
    assert details["bytes"] == len(PDF)
    # The network, not the address: the audit log outlives retention.
    assert details["client_ip"] == "127.0.0.0/24"
    assert details["user_agent"] == AGENT
    assert details["method"] == "GET"
    assert details["template_key"] == "daily_summary"
    assert details["link_expires_at"].startswith(
        time.strftime("%Y-%m-%dT%H:%M", time.gmtime(expires))
    )
    assert "forwarded_for" not in details

    # Each download is an event of its own.
    assert fetch(server, sign(key, expires, SECRET)) == (200, PDF)
    assert len(wait_for(lambda: len(downloads(url)) == 2 and downloads(url))) == 2


def test_a_file_that_is_no_report_is_served_and_not_recorded(report) -> None:
    server, url, _generation, key = report
    soon = int(time.time()) + 600
    assert fetch(server, sign("org/t/2026-05-01/notes.csv", soon, SECRET)) == (200, b"a,b\r\n")
    # A refused link records nothing either; then a real download shows the server is recording.
    assert fetch(server, sign(key, soon, b"someone-elses-secret-32-bytes-long"))[0] == 403
    assert fetch(server, sign(key, soon, SECRET)) == (200, PDF)
    rows = wait_for(lambda: downloads(url))
    assert [r["details"]["key"] for r in rows] == [key]


def test_when_the_database_cannot_record_the_file_is_served_and_the_failure_logged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = report_key("download-org", "daily_summary", "2026-05-01", "2026-05-01", 7, "pdf")
    store = LocalStorage(tmp_path)
    store.put(key, PDF, "application/pdf")
    nowhere = EventsConfig(database_url="postgresql://nightcap:x@127.0.0.1:1/nightcap")
    server = start_link_server(store, SECRET, "127.0.0.1", 0, events=nowhere)
    try:
        assert fetch(server, sign(key, int(time.time()) + 600, SECRET)) == (200, PDF)
        seen = ""

        def logged() -> bool:
            nonlocal seen
            seen += capsys.readouterr().err
            return '"event": "download_record_failed"' in seen

        assert wait_for(logged, timeout=10.0), seen
        assert '"generation_id": 7' in seen
    finally:
        server.stop()
