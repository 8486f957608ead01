"""Local storage (atomic writes, keys kept inside the root), signed links, the link server."""

import base64
import errno
import hashlib
import hmac
import http.client
import os
import stat
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from renderer import signed_links, storage
from renderer.link_server import LinkServer, start_link_server
from renderer.signed_links import (
    ExpiredLinkError,
    MalformedLinkError,
    TamperedLinkError,
    link_secret,
    sign,
    verify,
)
from renderer.storage import LocalStorage, NotFoundError, StorageError, UnsafeKeyError, report_key

SECRET = b"a-test-secret-of-at-least-32-bytes!"
KEY = "backroom-leeds/daily_summary/2026-11-21/daily_summary-2026-11-21-g42.pdf"
EXPIRES = 1_800_000_000  # 2027-01-15 08:00 UTC; every verify() below passes its own now


def all_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# -- storage ------------------------------------------------------------------


def test_report_key_lays_files_out_by_organization_template_and_period() -> None:
    assert report_key("backroom-leeds", "daily_summary", "2026-11-21", "2026-11-21", 42, "pdf") == (
        "backroom-leeds/daily_summary/2026-11-21/daily_summary-2026-11-21-g42.pdf"
    )
    assert report_key(
        "The Backroom Leeds", "weekly_summary", date(2026, 11, 16), date(2026, 11, 22), 7, ".XLSX"
    ) == (
        "the-backroom-leeds/weekly_summary/2026-11-16_2026-11-22/"
        "weekly_summary-2026-11-16_2026-11-22-g7.xlsx"
    )
    with pytest.raises(ValueError):
        report_key("org", "daily_summary", "21/11/2026", "2026-11-21", 1, "pdf")
    with pytest.raises(ValueError):
        report_key("org", "daily_summary", "2026-11-21", "2026-11-21", 1, "p/df")


def test_put_writes_the_bytes_atomically_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    stored = store.put(KEY, b"hello", "application/pdf")
    assert (tmp_path / KEY).read_bytes() == b"hello"
    assert all_files(tmp_path) == [KEY]  # no .tmp beside it
    assert stored.key == KEY
    assert stored.bytes == 5
    assert stored.sha256 == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    assert stored.path == str(tmp_path / KEY)
    assert stored.uri == (tmp_path / KEY).as_uri()
    assert stored.content_type == "application/pdf"
    assert stat.S_IMODE((tmp_path / KEY).stat().st_mode) == 0o644
    store.put(KEY, b"second version", "application/pdf")
    assert store.open(KEY) == b"second version"
    assert store.exists(KEY)
    assert all_files(tmp_path) == [KEY]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalStorage(tmp_path)
    store.put(KEY, b"old", "application/pdf")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", disk_full)
    with pytest.raises(StorageError, match="No space left on device"):
        store.put(KEY, b"new and longer", "application/pdf")
    monkeypatch.undo()
    assert store.open(KEY) == b"old"
    assert all_files(tmp_path) == [KEY]


@pytest.mark.parametrize(
    "key",
    [
        "../outside.pdf",
        "org/../../outside.pdf",
        "/etc/passwd",
        "org//file.pdf",
        "org/./file.pdf",
        ".hidden",
        "org/.file.pdf.abc.tmp",
        "org\\..\\file.pdf",
        "org/file\x00.pdf",
        "",
    ],
)
def test_keys_that_could_leave_the_root_are_refused(tmp_path: Path, key: str) -> None:
    store = LocalStorage(tmp_path / "root")
    with pytest.raises(UnsafeKeyError):
        store.put(key, b"x", "text/plain")
    with pytest.raises(UnsafeKeyError):
        store.open(key)
    assert not (tmp_path / "outside.pdf").exists()


def test_a_symlink_out_of_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("not yours")
    (root / "org").symlink_to(tmp_path)
    store = LocalStorage(root)
    with pytest.raises(UnsafeKeyError):
        store.open("org/secret.txt")


def test_open_of_a_missing_file_is_not_found(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    with pytest.raises(NotFoundError):
        store.open("org/missing.pdf")
    assert not store.exists("org/missing.pdf")


# -- signed links -------------------------------------------------------------


def test_sign_makes_an_hmac_sha256_link_and_verify_returns_its_key() -> None:
    link = sign(KEY, EXPIRES, SECRET)
    message = f"nightcap-link-v1\n{KEY}\n{EXPIRES}".encode()
    digest = hmac.new(SECRET, message, hashlib.sha256).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert link == f"/files/{KEY}?expires={EXPIRES}&signature={expected}"
    assert verify(link, SECRET, now=EXPIRES - 1) == KEY


def test_keys_with_spaces_and_non_ascii_survive_the_url() -> None:
    key = "org/café reports/a?b#c.pdf"
    link = sign(key, EXPIRES, SECRET)
    assert " " not in link and "#" not in link
    assert verify(link, SECRET, now=0) == key


def test_an_expired_link_is_refused() -> None:
    link = sign(KEY, EXPIRES, SECRET)
    assert verify(link, SECRET, now=EXPIRES - 0.5) == KEY
    for now in (EXPIRES, EXPIRES + 86400):
        with pytest.raises(ExpiredLinkError):
            verify(link, SECRET, now=now)
    with pytest.raises(ExpiredLinkError):
        verify(sign(KEY, int(time.time()) - 1, SECRET), SECRET)  # now: the clock


def test_altered_links_are_refused() -> None:
    link = sign(KEY, EXPIRES, SECRET)
    path, query = link.split("?")
    signature = query.split("signature=")[1]
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    altered = [
        link.replace(signature, flipped),  # the signature
        link.replace("g42.pdf", "g43.pdf"),  # the key
        link.replace(f"expires={EXPIRES}", f"expires={EXPIRES + 3600}"),  # the expiry
        link.replace(signature, signature[:-2]),  # a shorter signature
        link.replace(signature, "!!!not-base64!!!"),
    ]
    for candidate in altered:
        with pytest.raises(TamperedLinkError):
            verify(candidate, SECRET, now=EXPIRES - 1)
    with pytest.raises(TamperedLinkError):
        verify(link, b"another-secret-of-at-least-32-bytes", now=EXPIRES - 1)


def test_malformed_links_are_refused() -> None:
    link = sign(KEY, EXPIRES, SECRET)
    path, query = link.split("?")
    for candidate in [
        path,  # no query
        f"{path}?expires={EXPIRES}",
        f"{path}?{query}&expires={EXPIRES}",  # repeated parameter
        f"{path}?{query}&extra=1",
        link.replace("/files/", "/other/"),
        link.replace(f"expires={EXPIRES}", "expires=-5"),
        "http://elsewhere.example" + link,
    ]:
        with pytest.raises(MalformedLinkError):
            verify(candidate, SECRET, now=0)


def test_link_secret_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NIGHTCAP_LINK_SECRET", "s" * 40)
    assert link_secret(tmp_path) == b"s" * 40
    assert not (tmp_path / "link_secret").exists()
    monkeypatch.setenv("NIGHTCAP_LINK_SECRET", "short")
    with pytest.raises(ValueError, match="at least 32"):
        link_secret(tmp_path)


def test_link_secret_is_made_once_and_kept_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NIGHTCAP_LINK_SECRET", raising=False)
    first = link_secret(tmp_path / "state")
    path = tmp_path / "state" / "link_secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert link_secret(tmp_path / "state") == first
    assert os.listdir(tmp_path / "state") == ["link_secret"]


# -- the link server ------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LinkServer]:
    store = LocalStorage(tmp_path / "files")
    store.put(KEY, b"%PDF-1.7 test", "application/pdf")
    store.put("org/t/2026-11-21/report.csv", b"a,b\r\n1,2\r\n", "text/csv")
    (tmp_path / "outside.txt").write_text("not to be served")
    running = start_link_server(store, SECRET, "127.0.0.1", 0)
    yield running
    running.stop()


def get(server: LinkServer, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_server_serves_a_valid_link(server: LinkServer) -> None:
    status, headers, body = get(server, sign(KEY, int(time.time()) + 60, SECRET))
    assert status == 200
    assert body == b"%PDF-1.7 test"
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Length"] == "13"
    assert headers["Content-Disposition"].startswith(
        'inline; filename="daily_summary-2026-11-21-g42.pdf"'
    )
    status, headers, body = get(server, sign(KEY, int(time.time()) + 60, SECRET), "HEAD")
    assert (status, body, headers["Content-Length"]) == (200, b"", "13")
    status, headers, body = get(
        server, sign("org/t/2026-11-21/report.csv", int(time.time()) + 60, SECRET)
    )
    assert status == 200 and body == b"a,b\r\n1,2\r\n"
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    assert headers["Content-Disposition"].startswith('attachment; filename="report.csv"')


def test_server_refuses_expired_and_altered_links_with_403(server: LinkServer) -> None:
    expired = sign(KEY, int(time.time()) - 1, SECRET)
    valid = sign(KEY, int(time.time()) + 60, SECRET)
    for path in [
        expired,
        valid.replace("g42.pdf", "g43.pdf"),
        valid.replace("signature=", "signature=A"),
        sign(KEY, int(time.time()) + 60, b"someone-elses-secret-32-bytes-long"),
        valid.split("?")[0],
    ]:
        status, _, body = get(server, path)
        assert status == 403, path
        assert b"PDF" not in body


def test_server_answers_404_for_missing_files_and_other_paths(server: LinkServer) -> None:
    soon = int(time.time()) + 60
    assert get(server, sign("org/missing.pdf", soon, SECRET))[0] == 404
    assert get(server, "/")[0] == 404
    assert get(server, "/metrics")[0] == 404
    # Even a correctly signed key that climbs out of the root is not served.
    status, _, body = get(server, sign("../outside.txt", soon, SECRET))
    assert status == 404
    assert b"not to be served" not in body


def test_server_stops_and_frees_its_port(tmp_path: Path) -> None:
    running = start_link_server(LocalStorage(tmp_path), SECRET, "127.0.0.1", 0)
    port = running.port
    running.stop()
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")


def test_link_server_settings_default_to_localhost_8765(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NIGHTCAP_LINK_PORT", raising=False)
    monkeypatch.delenv("NIGHTCAP_LINK_HOST", raising=False)
    monkeypatch.delenv("NIGHTCAP_LINK_BASE_URL", raising=False)
    assert signed_links.link_base_url() == "http://127.0.0.1:8765"
    monkeypatch.setenv("NIGHTCAP_LINK_PORT", "9001")
    assert signed_links.link_port() == 9001
