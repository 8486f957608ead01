"""What the webhook and Slack senders share: one JSON POST, and the report file they link.

post_json() sends one request and never raises for an answer: it returns the
status, headers and the start of the body, or raises TransportError for a
timeout, a refused connection, a TLS or DNS failure (all retried later by the
caller). Redirects are not followed: a receiver that moved answers 3xx, and
the delivery fails with its Location so the URL can be fixed.
"""

import email.utils
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from renderer import signed_links
from renderer.delivery_types import Delivery, Outcome

USER_AGENT = "nightcap-delivery/1 (+scheduled reports)"
SNIPPET_BYTES = 300
MAX_ANSWER_BYTES = 64 * 1024
# Retry-After values past this are capped: the delivery's own retry delays still apply.
MAX_RETRY_AFTER_S = 24 * 3600.0


class TransportError(Exception):
    """No HTTP answer: timeout, connection refused or reset, DNS, TLS."""


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def snippet(self) -> str:
        text = self.body[:SNIPPET_BYTES].decode("utf-8", errors="replace")
        return " ".join(text.split())


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201
        return None  # urllib then hands the 3xx back as an HTTPError: an answer like any other


_OPENER = urllib.request.build_opener(_NoRedirects())


def post_json(url: str, body: bytes, headers: dict[str, str], timeout_s: float) -> HttpAnswer:
    """POSTs `body` (JSON) to an http(s) URL; the answer, whatever its status."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("only http(s) URLs are posted to")
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json; charset=utf-8")
    request.add_header("User-Agent", USER_AGENT)
    for name, value in headers.items():
        request.add_header(name, value)
    try:
        with _OPENER.open(request, timeout=timeout_s) as response:
            return HttpAnswer(
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(MAX_ANSWER_BYTES),
            )
    except urllib.error.HTTPError as exc:
        with exc:
            try:
                data = exc.read(MAX_ANSWER_BYTES)
            except OSError:
                data = b""
        return HttpAnswer(exc.code, {k.lower(): v for k, v in (exc.headers or {}).items()}, data)
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TransportError(f"{type(reason).__name__}: {reason}") from exc


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds (delay-seconds or an HTTP-date), capped at a day; None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when is None or when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def common_outcome(
    answer: HttpAnswer, now: float, details: dict, provider: str, receiver: str, limited: str
) -> tuple[dict, Outcome | None]:
    """What any receiver's answer means alike: the details to record (status, the start of
    the body), and the outcome of a 2xx (sent), 429 (deferred, honouring Retry-After:
    `limited` says who limited) or 5xx (deferred); None for the rest, which each
    receiver reads its own way."""
    status = answer.status
    details = {**details, "status": status}
    if answer.snippet:
        details["body"] = answer.snippet
    if 200 <= status < 300:
        return details, Outcome("sent", provider, details=details)
    if status == 429:
        wait = retry_after_seconds(answer.headers.get("retry-after"), now)
        return details, Outcome(
            "deferred", provider, error=f"429 {limited}", retry_after_s=wait, details=details
        )
    if status >= 500:
        return details, Outcome(
            "deferred", provider, error=f"{status} from {receiver}", details=details
        )
    return details, None


def report_file(delivery: Delivery) -> dict | None:
    """The file a message links: the delivery's first format, else the PDF, else the first."""
    files = [f for f in delivery.report.get("files") or [] if f.get("key")]
    by_format = {f.get("format"): f for f in files}
    for wanted in [*delivery.formats, "pdf"]:
        if wanted in by_format:
            return by_format[wanted]
    return files[0] if files else None


def file_link(
    file: dict, secret: bytes, link_base_url: str, now: float | None = None
) -> tuple[str, int]:
    """A signed download link to the file, valid for 7 days, and its expiry (Unix seconds)."""
    expires_at = int(time.time() if now is None else now) + signed_links.DEFAULT_TTL_S
    return link_base_url.rstrip("/") + signed_links.sign(
        file["key"], expires_at, secret
    ), expires_at


def human_size(size: int | float | None) -> str:
    """1.2 MB, 850 KB, 312 bytes (decimal units, as mail clients and Slack show them)."""
    if size is None:
        return "unknown"
    size = float(size)
    if size < 1000:
        return f"{int(size)} bytes" if size != 1 else "1 byte"
    for unit in ("KB", "MB", "GB"):
        size /= 1000
        if size < 1000 or unit == "GB":
            return f"{size:.1f} {unit}" if size < 10 else f"{size:.0f} {unit}"
    raise AssertionError("unreachable")
