"""The email channel against real local servers on loopback; no database.

An aiosmtpd SMTP server, and stand-ins for the Resend and SendGrid HTTP APIs
(http.server on port 0), the Resend one driven through the real `resend` SDK.
Deliveries are built by hand over small files in a LocalStorage under tmp_path.
"""

import base64
import datetime as dt
import email
import email.policy
import json
import socket
import threading
import time
import urllib.request
import uuid
from email.message import EmailMessage
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import resend
from aiosmtpd.controller import Controller

from renderer import signed_links
from renderer.cluster import free_port
from renderer.deliver_email import EmailSettings, send_email
from renderer.delivery_types import Delivery, Outcome
from renderer.email_message import MAX_ATTACHMENT_BYTES, build_email, subject_for
from renderer.email_transports import (
    FailoverTransport,
    OutboxTransport,
    ResendTransport,
    SendGridTransport,
    SmtpTransport,
    email_transport_from_env,
    retry_after_seconds,
)
from renderer.link_server import start_link_server
from renderer.signed_links import ExpiredLinkError, MalformedLinkError, TamperedLinkError
from renderer.storage import LocalStorage
from renderer.unsubscribe_links import sign_unsubscribe, verify_unsubscribe

SECRET = b"test-secret-" + b"x" * 32
NOW = dt.datetime(2026, 11, 22, 7, 30, tzinfo=dt.UTC)
SENDER = "nightcap reports <reports@nightcap.local>"
BASE_URL = "https://reports.backroom.example"
SETTINGS = EmailSettings(sender=SENDER, link_base_url=BASE_URL, secret=SECRET)
PREFIX = "backroom-leeds/daily_summary/2026-11-21/daily_summary-2026-11-21-g42"
HTML = (
    "<!DOCTYPE html><html><head><title>Daily Summary</title></head>"
    "<body><h1>Daily Summary</h1><p>Revenue £36,876</p></body></html>"
).encode()
PDF = b"%PDF-1.7\n% a small stand-in for the report's PDF\n%%EOF\n"
XLSX = b"PK\x03\x04 a small stand-in for the workbook"


# ---------------------------------------------------------------------------
# Deliveries over files in a LocalStorage


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "reports")


def put_files(storage: LocalStorage, pdf: bytes = PDF) -> list[dict]:
    files = []
    for fmt, data in (("html", HTML), ("pdf", pdf), ("xlsx", XLSX)):
        stored = storage.put(f"{PREFIX}.{fmt}", data)
        files.append(
            {
                "format": fmt,
                "extension": fmt,
                "key": stored.key,
                "uri": stored.uri,
                "path": stored.path,
                "bytes": stored.bytes,
                "sha256": stored.sha256,
                "content_type": stored.content_type,
            }
        )
    return files


def make_delivery(
    files: list[dict],
    *,
    formats: tuple[str, ...] = ("pdf", "xlsx"),
    destination: str = "owner@backroom.example",
    attempt: int = 1,
    is_stale: bool = False,
    subscription_id: int | None = 7,
    delivery_id: int = 101,
) -> Delivery:
    return Delivery(
        delivery_id=delivery_id,
        organization_id=uuid.UUID("db8ae074-db27-44db-9ad3-7f1e1cf229ec"),
        generation_id=42,
        subscription_id=subscription_id,
        recipient_id=3,
        channel="email",
        destination=destination,
        formats=list(formats),
        attempt=attempt,
        message_id=f"<report-42.sub-{subscription_id}.email@nightcap>",
        idempotency_key=uuid.UUID("6f1c2b1e-8d4e-4e53-9a55-0c8b3f9e7a21"),
        recipient_name="Olivia Owner",
        report={
            "generation_id": 42,
            "template_key": "daily_summary",
            "name": "Daily Summary",
            "organization": "The Backroom Leeds",
            "organization_slug": "backroom-leeds",
            "period_start": "2026-11-21",
            "period_end": "2026-11-21",
            "timezone": "Europe/London",
            "generated_at": "2026-11-22T06:05:00+00:00",
            "headline": "Revenue £36,876, 5% above the same night last week",
            "summary": {
                "currency": "GBP",
                "gross_revenue": 36875.83,
                "net_revenue": 36803.83,
                "bookings_total": 253,
                "check_ins": 924,
                "peak_occupancy": 761,
            },
            "is_stale": is_stale,
            "stale_reason": "The Daily Summary for 22 November could not be generated."
            if is_stale
            else None,
            "venues": [{"id": 1, "name": "The Backroom", "timezone": "Europe/London"}],
            "files": files,
        },
    )


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def attachments_of(message: EmailMessage) -> dict[str, bytes]:
    return {
        part.get_filename(): part.get_payload(decode=True) for part in message.iter_attachments()
    }


# ---------------------------------------------------------------------------
# Local servers: SMTP (aiosmtpd) and an HTTP stand-in for the provider APIs


class SmtpSink:
    """Keeps what it receives; refuses recipients whose address starts with nobody@."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("nobody@"):
            return "550 5.1.1 <nobody@backroom.example>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return f"250 2.0.0 Ok: queued as Q{len(self.received)}"


@pytest.fixture
def smtp_server():
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()


class StandIn(ThreadingHTTPServer):
    """Answers each POST with the next scripted answer (the last one repeats)."""

    daemon_threads = True

    def __init__(self, answers: list[tuple]) -> None:
        super().__init__(("127.0.0.1", 0), StandInHandler)
        self.answers = list(answers)
        self.requests: list[dict] = []
        self.accepted = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class StandInHandler(BaseHTTPRequestHandler):
    server: StandIn

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            self.server.requests.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
            )
            status, headers, answer, delay = (*self.server.answers[0], 0.0)[:4]
            if len(self.server.answers) > 1:
                self.server.answers.pop(0)
            if status < 300:
                self.server.accepted += 1
        time.sleep(delay)
        data = json.dumps(answer).encode() if answer is not None else b""
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up waiting (the timeout test)

    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture
def stand_in():
    servers: list[StandIn] = []

    def start(*answers: tuple) -> StandIn:
        server = StandIn(list(answers))
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def resend_ok(message_id: str = "re_4a1b") -> tuple:
    return (200, {}, {"id": message_id})


def resend_error(status: int, name: str, message: str, headers: dict | None = None) -> tuple:
    return (status, headers or {}, {"statusCode": status, "name": name, "message": message})


SENDGRID_OK = (202, {"X-Message-Id": "sg-msg-77"}, None)


@pytest.fixture
def resend_at(monkeypatch):
    """Points the resend SDK at a stand-in, as RESEND_API_URL would."""

    def point(server: StandIn) -> ResendTransport:
        monkeypatch.setattr(resend, "api_url", server.url)
        return ResendTransport("re_test_key", timeout=5)

    return point


def send(delivery: Delivery, storage: LocalStorage, transport) -> Outcome:
    return send_email(delivery, storage, transport, settings=SETTINGS, now=NOW)


# ---------------------------------------------------------------------------
# The message


def test_subject_names_report_venue_and_night_and_marks_a_stale_reissue(storage):
    files = put_files(storage)
    assert (
        subject_for(make_delivery(files).report)
        == "Daily Summary \u2014 The Backroom, Saturday 21 November 2026"
    )
    stale = make_delivery(files, is_stale=True)
    assert subject_for(stale.report).startswith("[Out of date] Daily Summary \u2014 The Backroom")
    message = build_email(stale, storage, sender=SENDER, link_base_url=BASE_URL, secret=SECRET)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert text.startswith("OUT OF DATE")
    assert "could not be generated" in text
    assert "OUT OF DATE" in html


def test_message_has_text_and_html_parts_attachments_and_headers(storage):
    delivery = make_delivery(put_files(storage))
    message = build_email(
        delivery, storage, sender=SENDER, link_base_url=BASE_URL, secret=SECRET, now=NOW
    )
    assert message["Message-ID"] == "<report-42.sub-7.email@nightcap>"
    assert message["To"] == "Olivia Owner <owner@backroom.example>"
    assert message["X-Nightcap-Delivery"] == "101"
    assert message["X-Nightcap-Idempotency-Key"] == "6f1c2b1e-8d4e-4e53-9a55-0c8b3f9e7a21"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Revenue £36,876, 5% above the same night last week" in text
    assert "Gross revenue   £36,875.83" in text
    assert "Check-ins       924" in text
    assert "<h1>Daily Summary</h1>" in html  # the report's own HTML file
    assert "Stop receiving this report" in html
    assert attachments_of(message) == {
        "daily_summary-2026-11-21-g42.pdf": PDF,
        "daily_summary-2026-11-21-g42.xlsx": XLSX,
    }
    # The serialised header is one unfolded, unencoded URL a mail client can use.
    raw = message.as_bytes()
    line = next(x for x in raw.split(b"\n") if x.startswith(b"List-Unsubscribe:"))
    assert line.startswith(b"List-Unsubscribe: <https://reports.backroom.example/unsubscribe?")


def test_list_unsubscribe_is_a_signed_link_to_the_subscription(storage):
    delivery = make_delivery(put_files(storage), subscription_id=7)
    message = build_email(
        delivery, storage, sender=SENDER, link_base_url=BASE_URL, secret=SECRET, now=NOW
    )
    url = str(message["List-Unsubscribe"]).strip("<>")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE_URL
    assert verify_unsubscribe(f"{parts.path}?{parts.query}", SECRET, now=NOW.timestamp()) == 7
    # Still good 89 days on; a message with no subscription has no unsubscribe header.
    later = NOW.timestamp() + 89 * 86400
    assert verify_unsubscribe(f"{parts.path}?{parts.query}", SECRET, now=later) == 7
    bare = make_delivery(put_files(storage), subscription_id=None)
    message = build_email(bare, storage, sender=SENDER, link_base_url=BASE_URL, secret=SECRET)
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None


def test_verify_unsubscribe_refuses_altered_expired_and_foreign_links():
    link = sign_unsubscribe(7, SECRET, expires_at=2_000_000_000)
    assert link.startswith("/unsubscribe?subscription=7&expires=2000000000&signature=")
    assert verify_unsubscribe(link, SECRET, now=1_900_000_000) == 7
    with pytest.raises(TamperedLinkError):
        verify_unsubscribe(link.replace("subscription=7", "subscription=8"), SECRET, now=0)
    with pytest.raises(TamperedLinkError):
        verify_unsubscribe(link, b"another-secret-" + b"y" * 32, now=0)
    with pytest.raises(ExpiredLinkError):
        verify_unsubscribe(link, SECRET, now=2_000_000_000)
    for bad in (
        "/unsubscribe?subscription=7&expires=2000000000",
        link + "&subscription=8",
        link.replace("subscription=7", "subscription=07"),
        link.replace("/unsubscribe", "/files/x"),
        "https://evil.example" + link,
    ):
        with pytest.raises(MalformedLinkError):
            verify_unsubscribe(bad, SECRET, now=0)
    # A download link's signature is not an unsubscribe signature, nor the reverse.
    signature = signed_links.sign("7", 2_000_000_000, SECRET).split("signature=")[1]
    with pytest.raises(TamperedLinkError):
        verify_unsubscribe(
            f"/unsubscribe?subscription=7&expires=2000000000&signature={signature}", SECRET, now=0
        )


def test_the_same_delivery_makes_the_same_message_on_a_retry(storage):
    files = put_files(storage, pdf=b"%PDF" + b"0" * (12 * 1024 * 1024))
    first, second = (
        build_email(
            make_delivery(files, attempt=attempt),
            storage,
            sender=SENDER,
            link_base_url=BASE_URL,
            secret=SECRET,
            now=NOW + dt.timedelta(minutes=minutes),
        )
        for attempt, minutes in ((1, 0), (2, 31))
    )
    for name in ("Message-ID", "List-Unsubscribe", "Subject"):
        assert first[name] == second[name]
    for kind in ("plain", "html"):
        assert (
            first.get_body(preferencelist=(kind,)).get_content()
            == second.get_body(preferencelist=(kind,)).get_content()
        )


def test_a_12_mb_report_goes_out_as_signed_links_not_attachments(storage):
    big_pdf = b"%PDF-1.7\n" + b"0" * (12 * 1024 * 1024)
    delivery = make_delivery(put_files(storage, pdf=big_pdf), formats=("pdf", "xlsx"))
    server = start_link_server(storage, SECRET, host="127.0.0.1", port=0)
    try:
        message = build_email(
            delivery,
            storage,
            sender=SENDER,
            link_base_url=server.base_url,
            secret=SECRET,
            now=dt.datetime.now(dt.UTC),
        )
        assert attachments_of(message) == {}
        assert len(message.as_bytes()) < 100_000
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        urls = [word for word in text.split() if word.startswith(server.base_url + "/files/")]
        assert len(urls) == 2
        for url in urls:
            assert url.replace("&", "&amp;") in html
        # The links work, and for at least 7 days.
        pdf_url = next(u for u in urls if ".pdf?" in u)
        with urllib.request.urlopen(pdf_url) as answer:
            assert answer.read() == big_pdf
        path = pdf_url[len(server.base_url) :]
        seven_days = time.time() + 7 * 86400
        assert signed_links.verify(path, SECRET, now=seven_days).endswith(".pdf")
    finally:
        server.stop()


def test_attachments_stay_under_10_mb_in_all(storage):
    # Each file is under 10 MB, but together they are not: links for both.
    half = b"0" * (MAX_ATTACHMENT_BYTES // 2 + 1)
    files = put_files(storage, pdf=half)
    storage.put(f"{PREFIX}.xlsx", half)
    for f in files:
        if f["format"] == "xlsx":
            f["bytes"] = len(half)
    message = build_email(
        make_delivery(files), storage, sender=SENDER, link_base_url=BASE_URL, secret=SECRET
    )
    assert attachments_of(message) == {}
    assert "too large to attach" in message.get_body(preferencelist=("plain",)).get_content()


def test_a_file_storage_cannot_read_fails_the_delivery_clearly(storage, tmp_path):
    files = put_files(storage)
    (tmp_path / "reports" / f"{PREFIX}.pdf").unlink()
    outcome = send(make_delivery(files), storage, OutboxTransport(tmp_path / "outbox"))
    assert outcome.outcome == "failed"
    assert "daily_summary-2026-11-21-g42.pdf" in outcome.error
    assert not (tmp_path / "outbox").exists()


def test_an_address_that_is_not_one_bounces_before_any_provider(storage, stand_in, resend_at):
    api = stand_in(resend_ok())
    for bad in ("not-an-address", "a@b.example, c@d.example", "x@y.example\r\nBcc: z@z.example"):
        outcome = send(make_delivery(put_files(storage), destination=bad), storage, resend_at(api))
        assert outcome.outcome == "bounced", bad
    assert api.requests == []


# ---------------------------------------------------------------------------
# SMTP


def test_smtp_server_receives_the_message_with_attachments_and_headers(storage, smtp_server):
    sink, port = smtp_server
    delivery = make_delivery(put_files(storage))
    outcome = send(delivery, storage, SmtpTransport("127.0.0.1", port, security="auto"))
    assert outcome.outcome == "sent", outcome.error
    assert outcome.provider == "smtp" and outcome.provider_message_id == "Q1"
    [(mail_from, rcpt_tos, raw)] = sink.received
    assert mail_from == "reports@nightcap.local"
    assert rcpt_tos == ["owner@backroom.example"]
    message = parse(raw)
    assert message["Message-ID"] == "<report-42.sub-7.email@nightcap>"
    assert message["Subject"] == "Daily Summary \u2014 The Backroom, Saturday 21 November 2026"
    assert message["List-Unsubscribe"].startswith(f"<{BASE_URL}/unsubscribe?subscription=7&")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["X-Nightcap-Delivery"] == "101"
    assert "Gross revenue" in message.get_body(preferencelist=("plain",)).get_content()
    assert "<h1>Daily Summary</h1>" in message.get_body(preferencelist=("html",)).get_content()
    assert attachments_of(message) == {
        "daily_summary-2026-11-21-g42.pdf": PDF,
        "daily_summary-2026-11-21-g42.xlsx": XLSX,
    }
    url = message["List-Unsubscribe"].strip("<>")
    assert verify_unsubscribe(url[len(BASE_URL) :], SECRET, now=NOW.timestamp()) == 7


def test_smtp_550_on_rcpt_bounces_and_nothing_after_it_is_tried(storage, smtp_server, stand_in):
    sink, port = smtp_server
    sendgrid = stand_in(SENDGRID_OK)
    transport = FailoverTransport(
        [SmtpTransport("127.0.0.1", port), SendGridTransport("SG.key", api_url=sendgrid.url)]
    )
    delivery = make_delivery(put_files(storage), destination="nobody@backroom.example")
    outcome = send(delivery, storage, transport)
    assert outcome.outcome == "bounced"
    assert "550" in outcome.error
    assert sink.received == [] and sendgrid.requests == []


def test_smtp_server_down_defers(storage):
    transport = SmtpTransport("127.0.0.1", free_port(), timeout=2)
    outcome = send(make_delivery(put_files(storage)), storage, transport)
    assert outcome.outcome == "deferred"
    assert "cannot reach" in outcome.error


def test_smtp_password_is_not_sent_in_clear_to_another_machine():
    transport = SmtpTransport("127.0.0.1", 25, username="u", password="p")
    session = transport._session  # the check happens before LOGIN

    class Plain:
        sock = socket.socket()

    transport.host = "mail.example.com"
    try:
        outcome = session(Plain(), "a@b.example", "c@d.example", b"")  # type: ignore[arg-type]
    finally:
        Plain.sock.close()
    assert outcome.outcome == "failed" and "NIGHTCAP_SMTP_TLS" in outcome.error


# ---------------------------------------------------------------------------
# Resend (through the real SDK) and SendGrid, on stand-ins


def test_resend_500_then_200_sends_exactly_one_message(storage, stand_in, resend_at):
    api = stand_in(resend_error(500, "application_error", "try again"), resend_ok("re_1"))
    transport = FailoverTransport([resend_at(api)])
    files = put_files(storage)
    first = send(make_delivery(files, attempt=1), storage, transport)
    assert first.outcome == "deferred" and first.provider == "resend"
    assert "500" in first.error
    second = send(make_delivery(files, attempt=2), storage, transport)
    assert second.outcome == "sent"
    assert (second.provider, second.provider_message_id) == ("resend", "re_1")
    assert api.accepted == 1 and len(api.requests) == 2
    # The retry is the same request under the same Idempotency-Key.
    keys = [r["headers"].get("Idempotency-Key") for r in api.requests]
    assert keys == ["6f1c2b1e-8d4e-4e53-9a55-0c8b3f9e7a21"] * 2
    assert api.requests[0]["json"] == api.requests[1]["json"]
    assert api.requests[0]["headers"]["Authorization"] == "Bearer re_test_key"


def test_resend_500_fails_over_to_sendgrid(storage, stand_in, resend_at):
    api = stand_in(resend_error(503, "application_error", "unavailable"))
    sendgrid = stand_in(SENDGRID_OK)
    transport = FailoverTransport(
        [resend_at(api), SendGridTransport("SG.key", api_url=sendgrid.url)]
    )
    outcome = send(make_delivery(put_files(storage)), storage, transport)
    assert outcome.outcome == "sent"
    assert (outcome.provider, outcome.provider_message_id) == ("sendgrid", "sg-msg-77")
    assert [a["outcome"] for a in outcome.details["attempts"]] == ["deferred", "sent"]
    assert api.accepted == 0 and sendgrid.accepted == 1
    [request] = sendgrid.requests
    assert request["path"] == "/v3/mail/send"
    assert request["headers"]["Authorization"] == "Bearer SG.key"
    body = request["json"]
    assert body["personalizations"] == [
        {"to": [{"email": "owner@backroom.example", "name": "Olivia Owner"}]}
    ]
    assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]
    assert body["headers"]["Message-ID"] == "<report-42.sub-7.email@nightcap>"
    assert body["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sorted(a["filename"] for a in body["attachments"]) == [
        "daily_summary-2026-11-21-g42.pdf",
        "daily_summary-2026-11-21-g42.xlsx",
    ]


def test_resend_request_carries_headers_attachments_and_idempotency_key(
    storage, stand_in, resend_at
):
    api = stand_in(resend_ok())
    outcome = send(make_delivery(put_files(storage)), storage, resend_at(api))
    assert outcome.outcome == "sent"
    [request] = api.requests
    assert request["path"] == "/emails"
    assert request["headers"]["Idempotency-Key"] == "6f1c2b1e-8d4e-4e53-9a55-0c8b3f9e7a21"
    body = request["json"]
    assert body["to"] == ["Olivia Owner <owner@backroom.example>"]
    assert body["from"] == SENDER
    assert body["subject"] == "Daily Summary \u2014 The Backroom, Saturday 21 November 2026"
    assert body["headers"]["Message-ID"] == "<report-42.sub-7.email@nightcap>"
    assert body["headers"]["List-Unsubscribe"].startswith(f"<{BASE_URL}/unsubscribe?")
    assert "Gross revenue" in body["text"] and "<h1>Daily Summary</h1>" in body["html"]
    assert {a["filename"]: base64.b64decode(a["content"]) for a in body["attachments"]} == {
        "daily_summary-2026-11-21-g42.pdf": PDF,
        "daily_summary-2026-11-21-g42.xlsx": XLSX,
    }


def test_resend_429_defers_for_as_long_as_retry_after_says(storage, stand_in, resend_at):
    api = stand_in(
        resend_error(429, "rate_limit_exceeded", "Too many requests", {"Retry-After": "120"})
    )
    outcome = send(make_delivery(put_files(storage)), storage, FailoverTransport([resend_at(api)]))
    assert outcome.outcome == "deferred"
    assert outcome.retry_after_s == 120
    assert api.accepted == 0


def test_resend_429_with_sendgrid_after_it_sends_through_sendgrid(storage, stand_in, resend_at):
    api = stand_in(
        resend_error(429, "rate_limit_exceeded", "Too many requests", {"Retry-After": "120"})
    )
    sendgrid = stand_in(SENDGRID_OK)
    transport = FailoverTransport(
        [resend_at(api), SendGridTransport("SG.key", api_url=sendgrid.url)]
    )
    outcome = send(make_delivery(put_files(storage)), storage, transport)
    assert outcome.outcome == "sent" and outcome.provider == "sendgrid"
    assert outcome.retry_after_s is None


def test_every_provider_failing_defers_with_their_errors_and_the_longest_wait(
    storage, stand_in, resend_at
):
    api = stand_in(resend_error(429, "rate_limit_exceeded", "slow down", {"Retry-After": "30"}))
    sendgrid = stand_in((429, {"Retry-After": "90"}, {"errors": [{"message": "too many"}]}))
    transport = FailoverTransport(
        [resend_at(api), SendGridTransport("SG.key", api_url=sendgrid.url)]
    )
    outcome = send(make_delivery(put_files(storage)), storage, transport)
    assert outcome.outcome == "deferred"
    assert outcome.retry_after_s == 90
    assert "slow down" in outcome.error and "too many" in outcome.error


def test_resend_422_invalid_address_bounces_and_sendgrid_is_not_tried(storage, stand_in, resend_at):
    api = stand_in(
        resend_error(
            422,
            "validation_error",
            "Invalid `to` field. The email address needs to follow the "
            "`email@example.com` or `Name <email@example.com>` format.",
        )
    )
    sendgrid = stand_in(SENDGRID_OK)
    transport = FailoverTransport(
        [resend_at(api), SendGridTransport("SG.key", api_url=sendgrid.url)]
    )
    outcome = send(make_delivery(put_files(storage)), storage, transport)
    assert outcome.outcome == "bounced"
    assert outcome.provider == "resend" and "Invalid `to` field" in outcome.error
    assert sendgrid.requests == []


def test_a_refused_key_or_a_timeout_hands_the_message_on(storage, stand_in, monkeypatch):
    refused = stand_in(resend_error(403, "invalid_api_key", "API key is invalid"))
    slow = stand_in((*SENDGRID_OK, 3.0))
    last = stand_in(SENDGRID_OK)
    monkeypatch.setattr(resend, "api_url", "http://127.0.0.1:9")  # api_url below wins
    transport = FailoverTransport(
        [
            ResendTransport("re_bad", api_url=refused.url),
            SendGridTransport("SG.slow", api_url=slow.url, timeout=0.5),
            SendGridTransport("SG.key", api_url=last.url),
        ]
    )
    outcome = send(make_delivery(put_files(storage)), storage, transport)
    assert outcome.outcome == "sent" and outcome.provider_message_id == "sg-msg-77"
    attempts = outcome.details["attempts"]
    assert [a["outcome"] for a in attempts] == ["deferred", "deferred", "sent"]
    assert "403" in attempts[0]["error"] and "no answer" in attempts[1]["error"]
    assert resend.api_url == "http://127.0.0.1:9"  # the SDK's globals are put back


def test_sendgrid_400_on_the_address_bounces(storage, stand_in):
    sendgrid = stand_in(
        (
            400,
            {},
            {
                "errors": [
                    {
                        "message": "Does not contain a valid address.",
                        "field": "personalizations.0.to.0.email",
                    }
                ]
            },
        )
    )
    outcome = send(
        make_delivery(put_files(storage)),
        storage,
        SendGridTransport("SG.key", api_url=sendgrid.url),
    )
    assert outcome.outcome == "bounced" and "valid address" in outcome.error


def test_retry_after_reads_seconds_and_http_dates():
    now = time.time()
    assert retry_after_seconds("120") == 120
    later = dt.datetime.fromtimestamp(now + 300, dt.UTC)
    assert 298 <= retry_after_seconds(format_datetime(later, usegmt=True), now=now) <= 300
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=now) == 0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


# ---------------------------------------------------------------------------
# The outbox and the chain from the environment


def test_outbox_writes_a_readable_eml(storage, tmp_path):
    outbox = tmp_path / "outbox"
    delivery = make_delivery(put_files(storage), attempt=2)
    outcome = send(delivery, storage, OutboxTransport(outbox))
    assert outcome.outcome == "sent" and outcome.provider == "outbox"
    assert [p.name for p in outbox.iterdir()] == ["delivery-101-attempt-2.eml"]
    message = parse((outbox / "delivery-101-attempt-2.eml").read_bytes())
    assert message["Message-ID"] == "<report-42.sub-7.email@nightcap>"
    assert message["To"] == "Olivia Owner <owner@backroom.example>"
    assert "Revenue £36,876" in message.get_body(preferencelist=("plain",)).get_content()
    assert set(attachments_of(message)) == {
        "daily_summary-2026-11-21-g42.pdf",
        "daily_summary-2026-11-21-g42.xlsx",
    }


def test_transport_chain_from_the_environment(tmp_path):
    outbox = email_transport_from_env({"NIGHTCAP_OUTBOX_DIR": str(tmp_path / "o")})
    assert isinstance(outbox, OutboxTransport) and outbox.directory == tmp_path / "o"
    chain = email_transport_from_env(
        {
            "RESEND_API_KEY": "re_x",
            "RESEND_API_URL": "http://127.0.0.1:1/",
            "SENDGRID_API_KEY": "SG.x",
            "SENDGRID_API_URL": "http://127.0.0.1:2",
            "NIGHTCAP_SMTP_HOST": "mail.example.com",
            "NIGHTCAP_SMTP_PORT": "465",
            "NIGHTCAP_SMTP_TLS": "ssl",
        }
    )
    assert isinstance(chain, FailoverTransport)
    assert [t.name for t in chain.transports] == ["resend", "sendgrid", "smtp"]
    resend_t, sendgrid_t, smtp_t = chain.transports
    assert resend_t.api_url == "http://127.0.0.1:1"
    assert sendgrid_t.api_url == "http://127.0.0.1:2"
    assert (smtp_t.port, smtp_t.security) == (465, "ssl")
    with pytest.raises(ValueError, match="NIGHTCAP_SMTP_TLS"):
        email_transport_from_env({"NIGHTCAP_SMTP_HOST": "h", "NIGHTCAP_SMTP_TLS": "maybe"})


def test_a_transport_that_raises_does_not_stop_the_chain(storage, tmp_path):
    class Broken:
        name = "broken"

        def send(self, message, delivery):
            raise RuntimeError("a bug of its own")

    transport = FailoverTransport([Broken(), OutboxTransport(tmp_path / "outbox")])
    outcome = send(make_delivery(put_files(storage)), storage, transport)
    assert outcome.outcome == "sent" and outcome.provider == "outbox"
    assert "a bug of its own" in outcome.details["attempts"][0]["error"]
    alone = send(make_delivery(put_files(storage)), storage, FailoverTransport([Broken()]))
    assert alone.outcome == "deferred" and "RuntimeError" in alone.error


def test_a_delivery_for_another_channel_is_refused(storage, tmp_path):
    delivery = make_delivery(put_files(storage))
    webhook = Delivery(**{**delivery.__dict__, "channel": "webhook"})
    outcome = send(webhook, storage, OutboxTransport(tmp_path / "outbox"))
    assert outcome.outcome == "failed" and "webhook" in outcome.error
