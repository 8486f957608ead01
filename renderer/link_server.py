"""The renderer's HTTP server: download links, email providers' events, unsubscribing.

`GET /files/<key>?expires=&signature=` serves a file from a Storage.

200 with the file, its Content-Type and Content-Disposition for a valid link;
403 for an expired, altered or malformed link; 410 Gone for a file deleted on
purpose (the organization's retention period passed, or the report named a
customer who was erased: renderer/expire_files.py); 404 for anything else (another
path, a file that is not there, a key that would leave the store). The key is
taken only from a link whose signature is right, and the store refuses keys
outside its root, so nothing else on the machine can be served.

With events enabled (start_link_server(events=True): a database to write to,
DATABASE_URL or the local cluster unless database_url is given), each report
file served by GET is also recorded, after it is sent, as report.downloaded in
the audit log (api.record_download: the report and format its key names, the
client's address and user agent); a failure to record is logged
(download_record_failed) and never keeps the file from the recipient. And:

- `POST /events/resend` and `POST /events/sendgrid`: the providers' event
  webhooks (renderer/provider_events.py checks their signatures; secrets from
  RESEND_WEBHOOK_SECRET and SENDGRID_WEBHOOK_PUBLIC_KEY). Unsigned, wrongly
  signed or stale requests get 401 and change nothing; a provider whose secret
  is not configured gets 503 (it retries later). Each tracked event goes to
  api.record_provider_event; events for messages nightcap did not send are
  acknowledged and skipped. 200 with the counts; 503 when the database cannot
  be reached, so the provider sends the batch again (applying an event twice
  changes nothing: statuses only move forward).
- `GET /unsubscribe?subscription=&expires=&signature=`: a page with a button
  (no side effect, since link scanners follow links) that POSTs to the same URL;
  `POST` there (RFC 8058 one-click, `List-Unsubscribe=One-Click`) pauses the
  subscription with api.pause_subscription. An altered, expired or malformed
  link gets 403.

Each request that needs the database opens its own short autocommit
connection, so the server holds nothing open between requests and works
through a transaction-mode pooler.

Standard library only (ThreadingHTTPServer). The daemon starts it in a
background thread with start_link_server() and stops it with .stop(); on its
own: `python -m renderer.link_server` (NIGHTCAP_LINK_HOST / NIGHTCAP_LINK_PORT,
default 127.0.0.1:8765; NIGHTCAP_STORAGE_DIR; NIGHTCAP_EVENTS=1 for the
events). One JSON log line per request on stderr, without signatures.
"""

import html
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import psycopg
from cryptography.hazmat.primitives.asymmetric import ec
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from renderer import dashboard, provider_events, settings, signed_links, unsubscribe_links
from renderer.dashboard import Dashboard
from renderer.logs import log, stop_on_signals
from renderer.provider_events import PayloadError, ProviderEvent, SignatureError
from renderer.queries import load
from renderer.signed_links import LinkError
from renderer.storage import (
    GoneError,
    NotFoundError,
    Storage,
    StorageError,
    UnsafeKeyError,
    content_type_for,
    default_storage,
    parse_report_key,
)

INLINE_EXTENSIONS = {"pdf", "html"}
# The HTML reports have inline styles and data: images, never scripts.
HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
# The unsubscribe pages: inline style, and a form that posts back here only.
PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
EVENTS_PREFIX = "/events/"
MAX_EVENT_BODY = 5 * 1024 * 1024
UNSUBSCRIBE_REASON = "one-click unsubscribe"
UNSUBSCRIBE_ACTOR = "unsubscribe-link"
# Who downloads through a signed link: the link names a file, not a person.
DOWNLOAD_ACTOR = "signed-link"


@dataclass(frozen=True)
class EventsConfig:
    """What the events and unsubscribe endpoints need; see events_config()."""

    database_url: str
    resend_secret: str | None = None  # "whsec_<base64>"
    sendgrid_key: ec.EllipticCurvePublicKey | None = None
    tolerance_s: float = provider_events.DEFAULT_TOLERANCE_S


def events_config(database_url: str | None = None) -> EventsConfig:
    """From the environment: RESEND_WEBHOOK_SECRET, SENDGRID_WEBHOOK_PUBLIC_KEY (either may be
    unset: that provider's endpoint then answers 503), and the database (DATABASE_URL or the
    local cluster, unless given). A secret that is set but unreadable raises ValueError."""
    resend = os.environ.get("RESEND_WEBHOOK_SECRET") or None
    if resend is not None:
        provider_events.svix_key(resend)  # fail at start, not at the first event
    sendgrid = os.environ.get("SENDGRID_WEBHOOK_PUBLIC_KEY") or None
    return EventsConfig(
        database_url=database_url or settings.database_url(),
        resend_secret=resend,
        sendgrid_key=provider_events.load_sendgrid_key(sendgrid) if sendgrid else None,
    )


def unsubscribe_page(title: str, message: str, form_action: str | None = None) -> bytes:
    button = ""
    if form_action is not None:
        button = (
            f'<form method="post" action="{html.escape(form_action, quote=True)}">'
            '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
            '<button type="submit">Unsubscribe</button></form>'
        )
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;"
        "padding:0 1rem;color:#1a202c}button{font-size:1rem;padding:.5rem 1.25rem}</style>"
        f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>{button}"
        "</body></html>"
    )
    return page.encode("utf-8")


def content_disposition(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    kind = "inline" if name.rsplit(".", 1)[-1].lower() in INLINE_EXTENSIONS else "attachment"
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name
    )
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


class LinkServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        storage: Storage,
        secret: bytes,
        events: EventsConfig | None = None,
    ) -> None:
        super().__init__(address, LinkHandler)
        self.storage = storage
        self.secret = secret
        self.events = events
        self.dashboard: Dashboard | None = None
        self._thread: threading.Thread | None = None

    def connect(self) -> psycopg.Connection:
        """A short autocommit connection for one request."""
        assert self.events is not None
        return psycopg.connect(
            self.events.database_url,
            autocommit=True,
            row_factory=dict_row,
            connect_timeout=5,
            application_name="nightcap-events",
        )

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.server_address[0]}:{self.port}"

    def start(self) -> "LinkServer":
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="link-server",
            daemon=True,
        )
        self._thread.start()
        log("link_server_started", url=self.base_url)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stops accepting, lets the thread end, and closes the socket."""
        if self.dashboard is not None:
            self.dashboard.stop()
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout)
            self._thread = None
        self.server_close()
        log("link_server_stopped", url=self.base_url)


class LinkHandler(BaseHTTPRequestHandler):
    server: LinkServer
    server_version = "nightcap"
    protocol_version = "HTTP/1.1"
    route = ""  # the path of a POST, without its query (which may hold a signature)

    def do_GET(self) -> None:
        self.respond(send_body=True)

    def do_HEAD(self) -> None:
        self.respond(send_body=False)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        routes: dict[str, Callable[[bytes], None]] = {
            "/events/resend": self.resend_events,
            "/events/sendgrid": self.sendgrid_events,
            unsubscribe_links.PATH: self.unsubscribe,
        }
        self.route = path
        handler = routes.get(path) if self.server.events is not None else None
        if handler is None:
            self.close_connection = True
            self.fail(HTTPStatus.NOT_FOUND, "not found", path, True)
            return
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self.fail(HTTPStatus.LENGTH_REQUIRED, "send a Content-Length", path, True)
            return
        length = self.headers.get("Content-Length", "0")
        if not length.isdigit() or int(length) > MAX_EVENT_BODY:
            self.close_connection = True
            self.fail(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body too large or unreadable", path, True
            )
            return
        handler(self.rfile.read(int(length)))

    def respond(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        if self.server.dashboard is not None and (
            path == dashboard.PREFIX or path.startswith(dashboard.PREFIX + "/")
        ):
            self.server.dashboard.handle(self, send_body)
            return
        if path == unsubscribe_links.PATH and self.server.events is not None:
            self.unsubscribe_form(send_body)
            return
        if not path.startswith(signed_links.PREFIX):
            self.fail(HTTPStatus.NOT_FOUND, "not found", path, send_body)
            return
        try:
            key = signed_links.verify(self.path, self.server.secret)
            data = self.server.storage.open(key)
        except LinkError as exc:
            self.fail(HTTPStatus.FORBIDDEN, str(exc), path, send_body, reason=type(exc).__name__)
            return
        except GoneError:
            self.fail(HTTPStatus.GONE, "this report file has been deleted", path, send_body)
            return
        except (NotFoundError, UnsafeKeyError):
            self.fail(HTTPStatus.NOT_FOUND, "no such file", path, send_body)
            return
        except StorageError as exc:
            self.fail(HTTPStatus.INTERNAL_SERVER_ERROR, "cannot read the file", path, send_body)
            log("link_read_failed", path=path, error=str(exc))
            return
        self.send_response(HTTPStatus.OK)
        content_type = content_type_for(key)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Content-Disposition", content_disposition(key))
        self.send_header("Cache-Control", "private, no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", HTML_POLICY)
        self.end_headers()
        log("link_served", path=path, status=200, bytes=len(data), method=self.command)
        if send_body:
            self.wfile.write(data)
            self.wfile.flush()
            self.record_download(key, path)

    def record_download(self, key: str, path: str) -> None:
        """report.downloaded through api.record_download, once the file is sent.

        Only with a database (events) and only for keys report_key() made. Any
        database error is logged, not raised: the recipient already has the file.
        """
        if self.server.events is None:
            return
        report = parse_report_key(key)
        if report is None:
            log("download_not_recorded", path=path, reason="not a report file")
            return
        generation_id, fmt = report
        expires = parse_qs(urlsplit(self.path).query).get("expires", [""])[0]
        details = {
            "key": key,
            "client_ip": self.client_address[0],
            "user_agent": self.headers.get("User-Agent"),
            # Set by whatever proxy is in front: what it claims, not checked.
            "forwarded_for": self.headers.get("X-Forwarded-For"),
            "link_expires_at": (
                datetime.fromtimestamp(int(expires), UTC).isoformat() if expires.isdigit() else None
            ),
            "method": self.command,
        }
        try:
            with self.server.connect() as conn, conn.transaction():
                conn.execute(load("events_set_actor"), {"actor": DOWNLOAD_ACTOR})
                row = conn.execute(
                    load("links_record_download"),
                    {
                        "generation_id": generation_id,
                        "format": fmt,
                        "details": Jsonb({k: v for k, v in details.items() if v is not None}),
                    },
                ).fetchone()
        except psycopg.Error as exc:
            log(
                "download_record_failed",
                path=path,
                generation_id=generation_id,
                format=fmt,
                sqlstate=exc.sqlstate,
                error=str(exc).strip(),
            )
            return
        log(
            "download_recorded",
            generation_id=generation_id,
            format=fmt,
            event_id=row["event_id"] if row else None,
        )

    def fail(
        self, status: HTTPStatus, message: str, path: str, send_body: bool, reason: str = ""
    ) -> None:
        body = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        log("link_refused", path=path, status=int(status), reason=reason or message)
        if send_body:
            self.wfile.write(body)

    def send(
        self, status: HTTPStatus, body: bytes, content_type: str, send_body: bool = True
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", PAGE_POLICY)
            self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def lower_headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.headers.items()}

    # -- provider events -------------------------------------------------------

    def resend_events(self, body: bytes) -> None:
        events = self.server.events
        assert events is not None
        if events.resend_secret is None:
            self.fail(
                HTTPStatus.SERVICE_UNAVAILABLE, "RESEND_WEBHOOK_SECRET is not set", self.route, True
            )
            return
        try:
            svix_id = provider_events.verify_svix(
                self.lower_headers(), body, events.resend_secret, tolerance_s=events.tolerance_s
            )
        except SignatureError as exc:
            self.fail(
                HTTPStatus.UNAUTHORIZED, "invalid signature", self.route, True, reason=str(exc)
            )
            return
        self.apply_events("resend", lambda: provider_events.resend_events(body, svix_id))

    def sendgrid_events(self, body: bytes) -> None:
        events = self.server.events
        assert events is not None
        if events.sendgrid_key is None:
            self.fail(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "SENDGRID_WEBHOOK_PUBLIC_KEY is not set",
                self.route,
                True,
            )
            return
        try:
            provider_events.verify_sendgrid(
                self.lower_headers(), body, events.sendgrid_key, tolerance_s=events.tolerance_s
            )
        except SignatureError as exc:
            self.fail(
                HTTPStatus.UNAUTHORIZED, "invalid signature", self.route, True, reason=str(exc)
            )
            return
        self.apply_events("sendgrid", lambda: provider_events.sendgrid_events(body))

    def apply_events(self, provider: str, read: Callable[[], list[ProviderEvent]]) -> None:
        """Each event to api.record_provider_event, in its own transaction; 200 with counts."""
        try:
            batch = read()
        except PayloadError as exc:
            self.fail(HTTPStatus.BAD_REQUEST, str(exc), self.route, True)
            return
        counts = {"applied": 0, "unknown": 0, "refused": 0}
        try:
            if batch:
                with self.server.connect() as conn:
                    for event in batch:
                        counts[self.apply_event(conn, event)] += 1
        except psycopg.OperationalError as exc:
            # The database is down or the transaction must be retried: the provider sends again.
            log("provider_events_deferred", provider=provider, error=str(exc).strip(), **counts)
            self.fail(HTTPStatus.SERVICE_UNAVAILABLE, "try again later", self.route, True)
            return
        result = {"provider": provider, "received": len(batch), **counts}
        log("provider_events", **result)
        self.send(HTTPStatus.OK, json.dumps(result).encode(), "application/json")

    def apply_event(self, conn: psycopg.Connection, event: ProviderEvent) -> str:
        try:
            row = conn.execute(
                load("events_record_provider_event"),
                {
                    "provider": event.provider,
                    "provider_message_id": event.provider_message_id,
                    "event": event.event,
                    "occurred_at": event.occurred_at,
                    "details": Jsonb(event.details),
                },
            ).fetchone()
        except psycopg.errors.NoDataFound:
            # Not a message nightcap sent (the account sends others too): acknowledged, skipped.
            return "unknown"
        except psycopg.OperationalError:
            raise
        except psycopg.Error as exc:
            log(
                "provider_event_refused",
                provider=event.provider,
                provider_message_id=event.provider_message_id,
                provider_event=event.event,
                sqlstate=exc.sqlstate,
                error=str(exc).strip(),
            )
            return "refused"
        log(
            "provider_event",
            provider=event.provider,
            provider_message_id=event.provider_message_id,
            provider_event=event.event,
            delivery_id=row["delivery_id"] if row else None,
        )
        return "applied"

    # -- unsubscribe -----------------------------------------------------------

    def verified_subscription(self, send_body: bool = True) -> int | None:
        """The subscription a valid unsubscribe link names; None after answering 403."""
        try:
            return unsubscribe_links.verify_unsubscribe(self.path, self.server.secret)
        except LinkError as exc:
            page = unsubscribe_page(
                "This unsubscribe link does not work",
                "It was altered or has expired. Use the link in a more recent report email.",
            )
            self.send(HTTPStatus.FORBIDDEN, page, "text/html; charset=utf-8", send_body)
            log("unsubscribe_refused", status=403, reason=type(exc).__name__)
            return None

    def unsubscribe_form(self, send_body: bool) -> None:
        """GET: a page whose button POSTs back; following the link changes nothing."""
        subscription_id = self.verified_subscription(send_body)
        if subscription_id is None:
            return
        page = unsubscribe_page(
            "Unsubscribe from this report?",
            "You will stop receiving this scheduled report by email. "
            "Your other reports are not affected.",
            form_action=self.path,
        )
        self.send(HTTPStatus.OK, page, "text/html; charset=utf-8", send_body)
        log("unsubscribe_form", subscription_id=subscription_id)

    def unsubscribe(self, _body: bytes) -> None:
        """POST (RFC 8058 one-click, or the page's button): pauses the subscription."""
        subscription_id = self.verified_subscription()
        if subscription_id is None:
            return
        try:
            with self.server.connect() as conn, conn.transaction():
                conn.execute(load("events_set_actor"), {"actor": UNSUBSCRIBE_ACTOR})
                conn.execute(
                    load("events_pause_subscription"),
                    {"subscription_id": subscription_id, "reason": UNSUBSCRIBE_REASON},
                )
        except psycopg.errors.NoDataFound:
            page = unsubscribe_page("Nothing to unsubscribe", "This subscription no longer exists.")
            self.send(HTTPStatus.NOT_FOUND, page, "text/html; charset=utf-8")
            log("unsubscribe_unknown", subscription_id=subscription_id, status=404)
            return
        except psycopg.Error as exc:
            page = unsubscribe_page("Please try again", "We could not unsubscribe you just now.")
            self.send(HTTPStatus.SERVICE_UNAVAILABLE, page, "text/html; charset=utf-8")
            log("unsubscribe_failed", subscription_id=subscription_id, error=str(exc).strip())
            return
        page = unsubscribe_page(
            "You are unsubscribed", "You will no longer receive this report by email."
        )
        self.send(HTTPStatus.OK, page, "text/html; charset=utf-8")
        log("unsubscribed", subscription_id=subscription_id, status=200)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: respond() logs one JSON line, without the link's signature."""


def start_link_server(
    storage: Storage | None = None,
    secret: bytes | None = None,
    host: str | None = None,
    port: int | None = None,
    *,
    events: bool | EventsConfig = False,
    database_url: str | None = None,
    dashboard: bool = False,
) -> LinkServer:
    """Serves links in a background thread; port 0 picks a free port (see .port).

    events=True adds the provider-event and unsubscribe endpoints, configured
    by events_config(database_url); or pass an EventsConfig. dashboard=True
    (with events) adds the dashboard under /dashboard/ (renderer/dashboard.py),
    reading as each signed-in user from NIGHTCAP_DASHBOARD_URL or the events'
    database, listening on NIGHTCAP_LISTEN_URL or the same.
    """
    config = events if isinstance(events, EventsConfig) else None
    if events is True:
        config = events_config(database_url)
    server = LinkServer(
        (host or signed_links.link_host(), signed_links.link_port() if port is None else port),
        storage if storage is not None else default_storage(),
        secret if secret is not None else signed_links.link_secret(),
        config,
    )
    if dashboard:
        if config is None:
            raise ValueError("the dashboard needs a database: start the link server with events")
        url = os.environ.get("NIGHTCAP_DASHBOARD_URL") or config.database_url
        listen = os.environ.get("NIGHTCAP_LISTEN_URL") or url
        server.dashboard = Dashboard(url, listen, server.secret).start()
    return server.start()


def main() -> None:
    """Serve links (and, with NIGHTCAP_EVENTS=1, provider events and the dashboard) until
    SIGTERM or SIGINT."""
    stop = stop_on_signals()
    with_database = os.environ.get("NIGHTCAP_EVENTS", "") not in ("", "0")
    server = start_link_server(events=with_database, dashboard=with_database)
    try:
        stop.wait()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
