"""The dashboard: read-only pages served by the renderer's HTTP server (renderer/link_server.py).

    /dashboard/sign-in?user=&expires=&signature=   opens a session (renderer/dashboard_auth.py)
    /dashboard/sign-out                            closes it
    /dashboard/                                    the first page the user's role allows
    /dashboard/live?venue=<id>                     a venue's live figures, kept current by
    /dashboard/live/stream?venue=<id>              server-sent events, fed by LISTEN (live_hub.py)
    /dashboard/reports                             scheduled reports: next run, last status
    /dashboard/history?template=&status=&from=&to= execution history and each run's files
    /dashboard/deliveries?status=                  delivery status per recipient
    /dashboard/monitoring                          the monitoring views, with small charts
    /dashboard/me                                  a staff member's own shifts
    /dashboard/static/dashboard.js                 the little JavaScript the live page needs

Every page reads the database as the signed-in user under row-level
security (dashboard_access.as_user): a manager sees their organizations'
figures and nothing else; a page their role may not see answers 403. Files
are linked through signed download links on this same server.
"""

import json
import queue
import threading
import time
from datetime import date, datetime
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import jinja2
import psycopg

from renderer import dashboard_auth, live_view, monitoring_view, signed_links
from renderer.alert_messages import alert_title
from renderer.dashboard_access import Viewer, as_user
from renderer.formatting import format_count, format_ratio
from renderer.live_hub import LiveHub, channel_for
from renderer.logs import log
from renderer.queries import load
from renderer.signed_links import LinkError

PREFIX = "/dashboard"
STATIC_DIR = Path(__file__).parent / "static"
# Pages: our own script and same-origin requests only; the styles are inline.
POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline';"
    " img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
FILE_LINK_TTL_S = 3600
KEEPALIVE_S = 15.0
# A stream reads the venue's figures at most this often: a door scanner that
# commits every scan, watched on N screens, costs N reads a half-second, not
# N reads a scan. Changes within the window are answered by one read.
LIVE_MIN_INTERVAL_S = 0.5
DEFAULT_ZONE = "Europe/London"

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("renderer", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def _when(value: Any, zone: str | None = None) -> str:
    """A time as the venue's clock shows it: 'Wed 25 Nov 22:00'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(ZoneInfo(zone or DEFAULT_ZONE))
        return local.strftime("%a %d %b %H:%M")
    if isinstance(value, date):
        return value.strftime("%a %d %b %Y")
    return str(value)


def _cell(value: Any, kind: str = "text") -> str:
    """A monitoring view's value as a table shows it: rates as percentages, numbers grouped."""
    if value is None:
        return ""
    if kind == "rate":
        return format_ratio(float(value))
    if isinstance(value, datetime | date):
        return _when(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return format_count(float(value) if not isinstance(value, int) else value)
    return str(value)


_ENV.filters["when"] = _when
_ENV.filters["cell"] = _cell


def render(template: str, **context: Any) -> bytes:
    return _ENV.get_template(f"dashboard/{template}").render(**context).encode("utf-8")


def _one(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name) or [""]
    return values[0].strip() or None


class Dashboard:
    """The dashboard's routes, for a LinkServer that has a database."""

    def __init__(self, database_url: str, listen_url: str, secret: bytes) -> None:
        self.database_url = database_url
        self.secret = secret
        self.hub = LiveHub(listen_url)
        self.stopping = threading.Event()

    def start(self) -> "Dashboard":
        self.hub.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.hub.stop()

    # -- responses ---------------------------------------------------------

    def reply(
        self,
        handler,
        status: HTTPStatus,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        send_body: bool = True,
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Cache-Control", "no-store")
        handler.send_header("X-Content-Type-Options", "nosniff")
        handler.send_header("Referrer-Policy", "same-origin")
        handler.send_header("Content-Security-Policy", POLICY)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        log("dashboard", path=urlsplit(handler.path).path, status=int(status))
        if send_body:
            handler.wfile.write(body)

    def message(
        self, handler, status: HTTPStatus, title: str, text: str, viewer=None, send_body=True
    ) -> None:
        page = render("message.html.j2", title=title, message=text, viewer=viewer, here="")
        self.reply(handler, status, page, send_body=send_body)

    def redirect(self, handler, location: str, headers: dict[str, str] | None = None) -> None:
        self.reply(
            handler,
            HTTPStatus.SEE_OTHER,
            b"",
            "text/plain; charset=utf-8",
            {"Location": location, **(headers or {})},
        )

    # -- routing -----------------------------------------------------------

    def handle(self, handler, send_body: bool) -> None:
        parts = urlsplit(handler.path)
        path = parts.path.removeprefix(PREFIX).strip("/")
        query = parse_qs(parts.query, keep_blank_values=True)
        if path == "sign-in":
            self.sign_in(handler, parts.query)
            return
        if path == "sign-out":
            page = render(
                "message.html.j2",
                title="Signed out",
                message="You are signed out. Use a new sign-in link to come back.",
                viewer=None,
                here="",
            )
            self.reply(
                handler,
                HTTPStatus.OK,
                page,
                headers={"Set-Cookie": dashboard_auth.clear_cookie()},
                send_body=send_body,
            )
            return
        if path == "static/dashboard.js":
            body = (STATIC_DIR / "dashboard.js").read_bytes()
            self.reply(handler, HTTPStatus.OK, body, "text/javascript; charset=utf-8")
            return
        user = dashboard_auth.session_user(handler.headers.get("Cookie"), self.secret)
        if user is None:
            self.message(
                handler,
                HTTPStatus.UNAUTHORIZED,
                "Please sign in",
                "Open the sign-in link you were given (it works for 15 minutes).",
                send_body=send_body,
            )
            return
        if path == "live/stream":
            self.stream(handler, user, query)
            return
        try:
            with as_user(self.database_url, user) as (conn, viewer):
                self.page(handler, conn, viewer, path, query, send_body)
        except psycopg.Error as exc:
            log("dashboard_failed", path=parts.path, error=str(exc).strip())
            self.message(
                handler,
                HTTPStatus.SERVICE_UNAVAILABLE,
                "Please try again",
                "The database could not answer just now.",
                send_body=send_body,
            )
        except Exception as exc:  # a page's bug: a 500 and a log line, not a dropped connection
            log("dashboard_error", path=parts.path, error=repr(exc))
            self.message(
                handler,
                HTTPStatus.INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "This page could not be shown; the error is in the server's log.",
                send_body=send_body,
            )

    def sign_in(self, handler, query: str) -> None:
        try:
            user = dashboard_auth.verify_sign_in(query, self.secret)
        except LinkError as exc:
            log("dashboard_sign_in_refused", reason=type(exc).__name__)
            self.message(
                handler,
                HTTPStatus.FORBIDDEN,
                "This sign-in link does not work",
                "It has expired or was changed. Ask for a new one.",
            )
            return
        log("dashboard_signed_in", user_id=user)
        self.redirect(
            handler, f"{PREFIX}/", {"Set-Cookie": dashboard_auth.session_cookie(user, self.secret)}
        )

    def page(
        self,
        handler,
        conn: psycopg.Connection,
        viewer: Viewer | None,
        path: str,
        query: dict[str, list[str]],
        send_body: bool,
    ) -> None:
        if viewer is None:
            self.message(
                handler,
                HTTPStatus.FORBIDDEN,
                "No organization",
                "You are signed in, but you are not a member of any organization.",
                send_body=send_body,
            )
            return
        if path == "":
            self.redirect(handler, f"{PREFIX}/{viewer.pages[0].path}")
            return
        builders = {
            "live": self.live,
            "reports": self.reports,
            "history": self.history,
            "deliveries": self.deliveries,
            "monitoring": self.monitoring,
            "me": self.me,
        }
        build = builders.get(path)
        if build is None:
            self.message(
                handler,
                HTTPStatus.NOT_FOUND,
                "Not found",
                "There is no such page.",
                viewer,
                send_body,
            )
            return
        if not viewer.may_see(path):
            log("dashboard_refused", user_id=viewer.user_id, role=viewer.role, page=path)
            self.message(
                handler,
                HTTPStatus.FORBIDDEN,
                "Not for your role",
                f"Your role ({viewer.role}) cannot see this page.",
                viewer,
                send_body,
            )
            return
        status, body = build(conn, viewer, query)
        self.reply(handler, status, body, send_body=send_body)

    # -- pages -------------------------------------------------------------

    def live(self, conn, viewer: Viewer, query) -> tuple[HTTPStatus, bytes]:
        venues = conn.execute(load("dashboard_venues")).fetchall()
        if not venues:
            return HTTPStatus.OK, render(
                "message.html.j2", title="Live", message="No venue yet.", viewer=viewer, here="live"
            )
        chosen = _one(query, "venue")
        venue = next((v for v in venues if str(v["venue_id"]) == chosen), venues[0])
        kpis = conn.execute(load("dashboard_live"), {"venue_id": venue["venue_id"]}).fetchone()[
            "kpis"
        ]
        return HTTPStatus.OK, render(
            "live.html.j2",
            title=f"Live · {venue['name']}",
            viewer=viewer,
            here="live",
            venues=venues,
            venue=venue,
            cards=live_view.cards(kpis),
            hours=live_view.hours(kpis),
            as_of=_when(datetime.now().astimezone(), venue["timezone"]),
        )

    def reports(self, conn, viewer: Viewer, query) -> tuple[HTTPStatus, bytes]:
        rows = conn.execute(load("dashboard_scheduled_reports")).fetchall()
        return HTTPStatus.OK, render(
            "reports.html.j2", title="Scheduled reports", viewer=viewer, here="reports", rows=rows
        )

    def history(self, conn, viewer: Viewer, query) -> tuple[HTTPStatus, bytes]:
        chosen = {k: _one(query, k) for k in ("template", "status", "from", "to")}
        for key in ("from", "to"):
            if chosen[key] is not None:
                try:
                    date.fromisoformat(chosen[key])
                except ValueError:
                    chosen[key] = None
        rows = conn.execute(load("dashboard_history"), chosen).fetchall()
        filters = conn.execute(load("dashboard_history_filters")).fetchone()
        expires = int(time.time()) + FILE_LINK_TTL_S
        for row in rows:
            row["links"] = [
                {
                    "format": f.get("format") or f.get("extension"),
                    "name": f["key"].rsplit("/", 1)[-1],
                    "url": signed_links.sign(f["key"], expires, self.secret),
                }
                for f in (row["files"] or [])
                if f.get("key")
            ]
        return HTTPStatus.OK, render(
            "history.html.j2",
            title="Execution history",
            viewer=viewer,
            here="history",
            rows=rows,
            filters={
                "templates": filters["templates"] or [],
                "statuses": filters["statuses"] or [],
            },
            chosen=chosen,
        )

    def deliveries(self, conn, viewer: Viewer, query) -> tuple[HTTPStatus, bytes]:
        status = _one(query, "status")
        rows = [
            {**row, "report": alert_title(row["alert"]) if row["alert"] else row["report"]}
            for row in conn.execute(load("dashboard_deliveries"), {"status": status})
        ]
        statuses = sorted(
            {"queued", "sending", "sent", "delivered", "deferred", "bounced", "complained"}
            | {"failed", "skipped"}
        )
        return HTTPStatus.OK, render(
            "deliveries.html.j2",
            title="Deliveries",
            viewer=viewer,
            here="deliveries",
            rows=rows,
            statuses=statuses,
            chosen=status,
        )

    def monitoring(self, conn, viewer: Viewer, query) -> tuple[HTTPStatus, bytes]:
        return HTTPStatus.OK, render(
            "monitoring.html.j2",
            title="Monitoring",
            viewer=viewer,
            here="monitoring",
            panels=monitoring_view.panels(
                conn, {str(o["organization_id"]): o["name"] for o in viewer.organizations}
            ),
        )

    def me(self, conn, viewer: Viewer, query) -> tuple[HTTPStatus, bytes]:
        rows = conn.execute(load("dashboard_my_shifts")).fetchall()
        return HTTPStatus.OK, render(
            "me.html.j2", title="My shifts", viewer=viewer, here="me", rows=rows
        )

    # -- the live stream ---------------------------------------------------

    def live_event(self, user: str, venue_id: int) -> bytes | None:
        """A server-sent event of the venue's cards, read as `user`; None when not allowed."""
        with as_user(self.database_url, user) as (conn, viewer):
            if viewer is None or not viewer.may_see("live"):
                return None
            try:
                with conn.transaction():  # a savepoint: the refusal leaves the rest usable
                    row = conn.execute(load("dashboard_live"), {"venue_id": venue_id}).fetchone()
                kpis = row["kpis"]
            except psycopg.errors.NoDataFound:
                return None  # a venue the user's policies do not show
        fragment = render(
            "live_cards.html.j2", cards=live_view.cards(kpis), hours=live_view.hours(kpis)
        )
        message = {
            "html": fragment.decode("utf-8"),
            "as_of": _when(datetime.now().astimezone(), kpis["timezone"]),
        }
        return f"data: {json.dumps(message)}\n\n".encode()

    def stream(self, handler, user: str, query: dict[str, list[str]]) -> None:
        venue = _one(query, "venue")
        if venue is None or not venue.isdigit():
            self.message(
                handler, HTTPStatus.BAD_REQUEST, "Which venue?", "Name a venue: ?venue=<id>."
            )
            return
        venue_id = int(venue)
        channel = channel_for(venue_id)
        # Listening first, then the first read: no change can fall between the two.
        inbox = self.hub.subscribe(channel)
        try:
            first = self.live_event(user, venue_id)
        except psycopg.Error as exc:
            first = b""
            log("dashboard_stream_failed", venue_id=venue_id, error=str(exc).strip())
        if not first:
            self.hub.unsubscribe(channel, inbox)
            if first is None:
                self.message(handler, HTTPStatus.FORBIDDEN, "Not for you", "You cannot watch this.")
            else:
                self.message(handler, HTTPStatus.SERVICE_UNAVAILABLE, "Try again", "No database.")
            return
        handler.close_connection = True
        handler.send_response(HTTPStatus.OK)
        handler.send_header("Content-Type", "text/event-stream; charset=utf-8")
        handler.send_header("Cache-Control", "no-store")
        handler.send_header("X-Accel-Buffering", "no")
        handler.send_header("Connection", "close")
        handler.end_headers()
        log("dashboard_stream_opened", user_id=user, venue_id=venue_id)
        why = "server stopping"
        try:
            handler.wfile.write(b"retry: 2000\n\n" + first)
            handler.wfile.flush()
            last_read = time.monotonic()
            while not self.stopping.is_set():
                try:
                    inbox.get(timeout=KEEPALIVE_S)
                except queue.Empty:
                    handler.wfile.write(b": keepalive\n\n")
                    handler.wfile.flush()
                    continue
                # Several transactions in a burst: one read answers them all,
                # and never sooner than LIVE_MIN_INTERVAL_S after the last.
                pause = last_read + LIVE_MIN_INTERVAL_S - time.monotonic()
                if pause > 0 and self.stopping.wait(pause):
                    break
                while True:
                    try:
                        inbox.get_nowait()
                    except queue.Empty:
                        break
                event = self.live_event(user, venue_id)
                last_read = time.monotonic()
                if event is None:
                    why = "no longer allowed"
                    break
                handler.wfile.write(event)
                handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            why = "the browser went away"
        except psycopg.Error as exc:
            why = "database error"
            log("dashboard_stream_failed", venue_id=venue_id, error=str(exc).strip())
        finally:
            self.hub.unsubscribe(channel, inbox)
            log("dashboard_stream_closed", user_id=user, venue_id=venue_id, reason=why)
