"""Expiring, signed download links: `/files/<key>?expires=<unix time>&signature=<hmac>`.

The signature is HMAC-SHA256, under the server's secret, of
"nightcap-link-v1\\n<key>\\n<expires>", in URL-safe base64 without padding, so
changing the key, the expiry or the signature makes the link fail. verify()
checks the signature (in constant time) before the expiry, so a tampered link
is reported as tampered even when also out of date.

The secret: NIGHTCAP_LINK_SECRET when set (at least 32 characters), else a
random one made once and kept in .nightcap/link_secret (mode 0600), so links
outlive a daemon restart and every daemon of the checkout signs alike.
"""

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from renderer import settings

PREFIX = "/files/"
VERSION = b"nightcap-link-v1"
SECRET_FILE_NAME = "link_secret"
MIN_SECRET_LENGTH = 32
DEFAULT_TTL_S = 7 * 24 * 3600


class LinkError(Exception):
    """A download link that must be refused."""


class MalformedLinkError(LinkError):
    """Not a download link: wrong path, missing or repeated parameters."""


class TamperedLinkError(LinkError):
    """The signature does not match the key and expiry."""


class ExpiredLinkError(LinkError):
    """A genuine link whose time is up."""


def hmac_signature(version: bytes, subject: str, expires_at: int, secret: bytes) -> str:
    """HMAC-SHA256 of "<version>\\n<subject>\\n<expires>", URL-safe base64 without padding.

    The version string keeps each kind of link (download, unsubscribe) from
    being replayed as another.
    """
    message = b"\n".join([version, subject.encode("utf-8"), str(expires_at).encode()])
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _signature(key: str, expires_at: int, secret: bytes) -> str:
    return hmac_signature(VERSION, key, expires_at, secret)


def query_values(query: str, names: set[str], what: str) -> dict[str, str]:
    """Exactly one of each of `names` in a link's query, else MalformedLinkError."""
    try:
        parsed = parse_qs(query, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise MalformedLinkError("the link's query cannot be read") from exc
    if set(parsed) != names or any(len(v) != 1 for v in parsed.values()):
        raise MalformedLinkError(f"{what} has exactly one {', '.join(sorted(names))}")
    return {k: v[0] for k, v in parsed.items()}


def check_signature(
    given: str, expected: str, expires_at: int, now: float | None, what: str
) -> None:
    """Signature first (constant time; TamperedLinkError), then expiry (ExpiredLinkError)."""
    try:
        given_bytes = base64.urlsafe_b64decode(given + "=" * (-len(given) % 4))
    except (binascii.Error, ValueError) as exc:
        raise TamperedLinkError("the link's signature is not valid base64") from exc
    expected_bytes = base64.urlsafe_b64decode(expected + "=")
    if not hmac.compare_digest(given_bytes, expected_bytes):
        raise TamperedLinkError("the link's signature does not match: it was altered")
    if (time.time() if now is None else now) >= expires_at:
        raise ExpiredLinkError(f"{what} expired at {expires_at} (Unix time)")


def sign(key: str, expires_at: int, secret: bytes) -> str:
    """The path and query of a link to `key`, valid until `expires_at` (Unix seconds)."""
    if not secret:
        raise ValueError("a link secret must not be empty")
    expires_at = int(expires_at)
    signature = _signature(key, expires_at, secret)
    return f"{PREFIX}{quote(key, safe='/')}?expires={expires_at}&signature={signature}"


def verify(path_and_query: str, secret: bytes, now: float | None = None) -> str:
    """The key a link names, when its signature is right and it has not expired."""
    parts = urlsplit(path_and_query)
    if parts.scheme or parts.netloc or not parts.path.startswith(PREFIX):
        raise MalformedLinkError(
            f"not a download link (expected {PREFIX}<file>?expires=&signature=)"
        )
    try:
        key = unquote(parts.path[len(PREFIX) :], errors="strict")
    except UnicodeDecodeError as exc:
        raise MalformedLinkError("the link's file name is not UTF-8") from exc
    query = query_values(parts.query, {"expires", "signature"}, "a download link")
    expires_text = query["expires"]
    if not key or not expires_text.isascii() or not expires_text.isdigit():
        raise MalformedLinkError("the link's file or expiry is missing or not a number")
    expires_at = int(expires_text)
    check_signature(
        query["signature"], _signature(key, expires_at, secret), expires_at, now, "the link"
    )
    return key


def signed_url(
    key: str, secret: bytes, ttl_s: int = DEFAULT_TTL_S, base_url: str | None = None
) -> str:
    """A full link, valid for `ttl_s` seconds, on the link server's base URL."""
    base = (base_url or link_base_url()).rstrip("/")
    return base + sign(key, int(time.time()) + ttl_s, secret)


def link_host() -> str:
    return os.environ.get("NIGHTCAP_LINK_HOST", "127.0.0.1")


def link_port() -> int:
    value = os.environ.get("NIGHTCAP_LINK_PORT", "8765")
    if not value.isdigit() or not 0 <= int(value) <= 65535:
        raise ValueError(f"NIGHTCAP_LINK_PORT must be a port number (0-65535), not {value!r}")
    return int(value)


def link_base_url() -> str:
    """Where recipients reach the link server (NIGHTCAP_LINK_BASE_URL behind a proxy)."""
    return os.environ.get("NIGHTCAP_LINK_BASE_URL") or f"http://{link_host()}:{link_port()}"


def link_secret(state_dir: Path | None = None) -> bytes:
    """NIGHTCAP_LINK_SECRET, else the checkout's own secret in .nightcap/link_secret."""
    from_env = os.environ.get("NIGHTCAP_LINK_SECRET")
    if from_env is not None:
        if len(from_env) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"NIGHTCAP_LINK_SECRET must be at least {MIN_SECRET_LENGTH} characters "
                "(e.g. `python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
            )
        return from_env.encode("utf-8")
    directory = state_dir or settings.STATE_DIR
    path = directory / SECRET_FILE_NAME
    directory.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written whole to a private temporary file, then hard-linked into place:
        # the link fails when another daemon got there first, and nobody ever
        # reads a half-written secret.
        tmp = directory / f".{SECRET_FILE_NAME}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, (secrets.token_urlsafe(48) + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    secret = path.read_text().strip()
    if len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(f"{path} holds a secret shorter than {MIN_SECRET_LENGTH} characters")
    return secret.encode("utf-8")
