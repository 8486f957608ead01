"""Provider events and one-click unsubscribe on the renderer's HTTP server, against a real database.

A report is completed in the database (its delivery rows appear), the sender
claims the two emails and records them sent, one through Resend and one
through SendGrid; then the providers' signed webhooks arrive over HTTP.
"""

import base64
import hashlib
import hmac
import http.client
import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from renderer import provider_events
from renderer.link_server import EventsConfig, LinkServer, start_link_server
from renderer.storage import LocalStorage
from renderer.unsubscribe_links import sign_unsubscribe

LINK_SECRET = b"a-test-link-secret-of-at-least-32-bytes"
SVIX_KEY = secrets.token_bytes(24)
SVIX_SECRET = "whsec_" + base64.b64encode(SVIX_KEY).decode()
ORG = "00000000-0000-4000-8000-0000000e0e01"


@dataclass
class World:
    url: str
    server: LinkServer
    resend_delivery: int
    sendgrid_delivery: int
    resend_recipient: int
    subscription: int
    sendgrid_private: ec.EllipticCurvePrivateKey


def setup_database(url: str) -> dict:
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        conn.execute(
            "INSERT INTO venue.organizations (organization_id, name, slug) "
            "VALUES (%s, 'Events Org', 'events-org')",
            [ORG],
        )
        template = conn.execute(
            "SELECT template_id, version FROM reporting.report_templates "
            "WHERE organization_id = %s AND template_key = 'daily_summary' AND status = 'active'",
            [ORG],
        ).fetchone()
        recipients = [
            conn.execute(
                "INSERT INTO reporting.report_recipients "
                "(organization_id, name, email, role, preferred_formats, consent_given_at) "
                "VALUES (%s, %s, %s, %s, '{pdf}', now()) RETURNING recipient_id",
                [ORG, name, email, role],
            ).fetchone()["recipient_id"]
            for name, email, role in [
                ("Manager", "manager@club.example", "manager"),
                ("Owner", "owner@club.example", "owner"),
            ]
        ]
        subscriptions = [
            conn.execute(
                "INSERT INTO reporting.report_subscriptions (recipient_id, template_id, "
                "delivery_channels) VALUES (%s, %s, '{email}') RETURNING subscription_id",
                [r, template["template_id"]],
            ).fetchone()["subscription_id"]
            for r in recipients
        ]
        # The subscriptions' report job (made by a trigger after the insert).
        job_id = conn.execute(
            "SELECT job_id FROM reporting.report_subscriptions WHERE subscription_id = %s",
            [subscriptions[0]],
        ).fetchone()["job_id"]
        generation = conn.execute(
            "INSERT INTO reporting.report_generation_history (organization_id, template_id, "
            "template_key, template_version, period_start, period_end, timezone, formats, status, "
            "request_key, job_id, snapshot, requested_by) VALUES (%s, %s, 'daily_summary', %s, "
            "'2026-05-01', '2026-05-01', 'Europe/London', '{pdf}', 'data_ready', 'test', %s, "
            """'{"report": {"name": "Daily Summary"}}', 'test') RETURNING generation_id""",
            [ORG, template["template_id"], template["version"], job_id],
        ).fetchone()["generation_id"]
        files = [{"format": "pdf", "uri": "file:///r.pdf", "bytes": 10, "sha256": "a" * 64}]
        conn.execute(
            "UPDATE reporting.report_generation_history "
            "SET status = 'completed', completed_at = now(), files = %s "
            "WHERE organization_id = %s AND generation_id = %s",
            [Jsonb(files), ORG, generation],
        )
        claimed = conn.execute(
            "SELECT delivery_id, recipient_id FROM api.claim_deliveries('sender', 10) "
            "ORDER BY recipient_id"
        ).fetchall()
        assert [c["recipient_id"] for c in claimed] == recipients
        conn.execute(
            "SELECT api.record_delivery(%s, 'sender', 'sent', 'resend', 're_0f8fad5b')",
            [claimed[0]["delivery_id"]],
        )
        conn.execute(
            "SELECT api.record_delivery(%s, 'sender', 'sent', 'sendgrid', '4kX3lN0pRz2')",
            [claimed[1]["delivery_id"]],
        )
    return {
        "resend_delivery": claimed[0]["delivery_id"],
        "sendgrid_delivery": claimed[1]["delivery_id"],
        "resend_recipient": recipients[0],
        "subscription": subscriptions[0],
    }


@pytest.fixture
def world(migrated_db: str, tmp_path: Path) -> Iterator[World]:
    rows = setup_database(migrated_db)
    private = ec.generate_private_key(ec.SECP256R1())
    public_der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    config = EventsConfig(
        database_url=migrated_db,
        resend_secret=SVIX_SECRET,
        # As SendGrid shows it: base64 of the DER public key.
        sendgrid_key=provider_events.load_sendgrid_key(base64.b64encode(public_der).decode()),
    )
    server = start_link_server(LocalStorage(tmp_path), LINK_SECRET, "127.0.0.1", 0, events=config)
    yield World(migrated_db, server, sendgrid_private=private, **rows)
    server.stop()


def request(
    server: LinkServer, method: str, path: str, body: bytes = b"", headers: dict | None = None
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def svix_headers(body: bytes, timestamp: int, msg_id: str = "msg_2b9Wz") -> dict[str, str]:
    """Signed as Svix documents it, by hand: base64 HMAC-SHA256 of "<id>.<timestamp>.<body>"."""
    digest = hmac.new(SVIX_KEY, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "svix-id": msg_id,
        "svix-timestamp": str(timestamp),
        # A rotated-out signature first: any one that matches will do.
        "svix-signature": "v1,bm90IHRoaXMgb25l v1," + base64.b64encode(digest).decode(),
        "Content-Type": "application/json",
    }


def delivery_row(url: str, delivery_id: int) -> dict:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT d.status, d.delivered_at, d.opened_at, d.bounced_at, d.last_error, "
            "r.bounce_count FROM reporting.report_delivery_history d "
            "JOIN reporting.report_recipients r USING (organization_id, recipient_id) "
            "WHERE d.delivery_id = %s",
            [delivery_id],
        ).fetchone()


BOUNCE = {
    "type": "email.bounced",
    "created_at": "2026-05-02T09:00:00.000Z",
    "data": {
        "created_at": "2026-05-01T21:00:05.000000+00:00",
        "email_id": "re_0f8fad5b",
        "from": "Reports <reports@club.example>",
        "to": ["manager@club.example"],
        "subject": "Scheduled Report: Daily Summary",
        "bounce": {
            "message": "The recipient's mailbox does not exist.",
            "subType": "General",
            "type": "Permanent",
        },
    },
}


def test_a_signed_resend_bounce_bounces_the_delivery_and_counts_against_the_recipient(
    world: World,
) -> None:
    body = json.dumps(BOUNCE).encode()
    status, answer = request(
        world.server, "POST", "/events/resend", body, svix_headers(body, int(time.time()))
    )
    assert status == 200, answer
    assert json.loads(answer) == {
        "provider": "resend",
        "received": 1,
        "applied": 1,
        "unknown": 0,
        "refused": 0,
    }
    row = delivery_row(world.url, world.resend_delivery)
    assert row["status"] == "bounced"
    assert row["bounce_count"] == 1
    assert row["bounced_at"].isoformat() == "2026-05-02T09:00:00+00:00"
    assert row["last_error"] == "The recipient's mailbox does not exist."
    with psycopg.connect(world.url) as conn:
        (events,) = conn.execute(
            "SELECT count(*) FROM audit.delivery_events WHERE delivery_id = %s "
            "AND event = 'provider_event' AND actor = 'provider:resend'",
            [world.resend_delivery],
        ).fetchone()
    assert events == 1


def test_at_the_threshold_a_signed_hard_bounce_suppresses_the_recipient_and_ends_retries(
    world: World,
) -> None:
    with psycopg.connect(world.url, autocommit=True) as conn:
        conn.execute(
            "UPDATE venue.organizations o SET bounce_suppression_threshold = 1"
            "  FROM reporting.report_delivery_history d"
            " WHERE d.delivery_id = %s AND o.organization_id = d.organization_id",
            [world.resend_delivery],
        )
    body = json.dumps(BOUNCE).encode()
    status, answer = request(
        world.server, "POST", "/events/resend", body, svix_headers(body, int(time.time()))
    )
    assert status == 200, answer
    with psycopg.connect(world.url, row_factory=dict_row) as conn:
        row = conn.execute(
            "SELECT d.status, d.next_attempt_at, r.suppressed_at IS NOT NULL AS suppressed,"
            "       r.suppression_reason"
            "  FROM reporting.report_delivery_history d"
            "  JOIN reporting.report_recipients r USING (organization_id, recipient_id)"
            " WHERE d.delivery_id = %s",
            [world.resend_delivery],
        ).fetchone()
        claimable = conn.execute(
            "SELECT count(*) AS n FROM api.claim_deliveries('sender-x', 100)"
            " WHERE delivery_id = %s",
            [world.resend_delivery],
        ).fetchone()
    assert (row["status"], row["next_attempt_at"], row["suppressed"]) == ("bounced", None, True)
    assert (
        row["suppression_reason"]
        == "The recipient's mailbox does not exist. (1 bounce or complaint)"
    )
    assert claimable["n"] == 0


def test_unsigned_wrongly_signed_or_stale_resend_events_get_401_and_change_nothing(
    world: World,
) -> None:
    body = json.dumps(BOUNCE).encode()
    now = int(time.time())
    stale = svix_headers(body, now - 301)
    forged = svix_headers(body, now)
    forged["svix-signature"] = "v1," + base64.b64encode(b"x" * 32).decode()
    altered = svix_headers(body, now)
    for headers, sent in [
        ({"Content-Type": "application/json"}, body),
        (stale, body),
        (forged, body),
        (altered, body.replace(b"Permanent", b"Transient")),
    ]:
        status, _ = request(world.server, "POST", "/events/resend", sent, headers)
        assert status == 401
    row = delivery_row(world.url, world.resend_delivery)
    assert (row["status"], row["bounce_count"]) == ("sent", 0)


def test_resend_events_of_other_types_or_messages_are_acknowledged_and_skipped(
    world: World,
) -> None:
    now = int(time.time())
    for event, expected in [
        ({**BOUNCE, "type": "email.delivery_delayed"}, {"received": 0, "applied": 0}),
        (
            {**BOUNCE, "data": {**BOUNCE["data"], "email_id": "re_someone_else"}},
            {"received": 1, "unknown": 1},
        ),
        (
            {**BOUNCE, "data": {**BOUNCE["data"], "bounce": {"type": "Transient"}}},
            {"received": 0},
        ),
    ]:
        body = json.dumps(event).encode()
        status, answer = request(
            world.server, "POST", "/events/resend", body, svix_headers(body, now)
        )
        assert status == 200
        assert expected.items() <= json.loads(answer).items()
    assert delivery_row(world.url, world.resend_delivery)["status"] == "sent"


def sendgrid_headers(private: ec.EllipticCurvePrivateKey, body: bytes, timestamp: int) -> dict:
    signature = private.sign(str(timestamp).encode() + body, ec.ECDSA(hashes.SHA256()))
    return {
        "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
        "X-Twilio-Email-Event-Webhook-Timestamp": str(timestamp),
        "Content-Type": "application/json",
    }


def test_a_signed_sendgrid_batch_applies_delivered_and_open(world: World) -> None:
    sg_id = "4kX3lN0pRz2.filterdrecv-5645d9c87f-6r7f2-1-5E8F3-2.0"
    batch = [
        {"email": "owner@club.example", "timestamp": 1777669290, "event": "processed",
         "sg_message_id": sg_id},
        {"email": "owner@club.example", "timestamp": 1777669300, "event": "delivered",
         "sg_event_id": "ZGVsaXZlcmVk", "sg_message_id": sg_id, "response": "250 OK"},
        {"email": "owner@club.example", "timestamp": 1777669500, "event": "open",
         "sg_event_id": "b3Blbg", "sg_message_id": sg_id, "useragent": "Mozilla/5.0"},
        {"email": "owner@club.example", "timestamp": 1777669600, "event": "bounce",
         "type": "blocked", "sg_message_id": sg_id, "reason": "try again later"},
    ]  # fmt: skip
    body = json.dumps(batch).encode()
    now = int(time.time())
    status, answer = request(
        world.server,
        "POST",
        "/events/sendgrid",
        body,
        sendgrid_headers(world.sendgrid_private, body, now),
    )
    assert status == 200, answer
    assert json.loads(answer)["applied"] == 2  # processed is not tracked, blocked is soft
    row = delivery_row(world.url, world.sendgrid_delivery)
    assert row["status"] == "opened"
    assert row["delivered_at"].isoformat() == "2026-05-01T21:01:40+00:00"
    assert row["opened_at"].isoformat() == "2026-05-01T21:05:00+00:00"
    assert row["bounce_count"] == 0

    other_key = ec.generate_private_key(ec.SECP256R1())
    for headers in [
        sendgrid_headers(other_key, body, now),
        sendgrid_headers(world.sendgrid_private, body, now - 600),
        {"Content-Type": "application/json"},
    ]:
        status, _ = request(world.server, "POST", "/events/sendgrid", body, headers)
        assert status == 401


def test_one_click_unsubscribe_pauses_the_subscription(world: World) -> None:
    link = sign_unsubscribe(world.subscription, LINK_SECRET, int(time.time()) + 3600)

    def paused() -> bool:
        with psycopg.connect(world.url) as conn:
            return conn.execute(
                "SELECT is_paused FROM reporting.report_subscriptions WHERE subscription_id = %s",
                [world.subscription],
            ).fetchone()[0]

    status, page = request(world.server, "GET", link)
    assert status == 200
    assert b'method="post"' in page
    assert not paused(), "following the link (a scanner may) changes nothing"

    status, page = request(
        world.server,
        "POST",
        link,
        b"List-Unsubscribe=One-Click",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200
    assert b"unsubscribed" in page
    assert paused()
    with psycopg.connect(world.url) as conn:
        actor, reason = conn.execute(
            "SELECT actor, details ->> 'reason' FROM audit.delivery_events "
            "WHERE event = 'unsubscribed'"
        ).fetchone()
    assert (actor, reason) == ("unsubscribe-link", "one-click unsubscribe")
    assert request(world.server, "POST", link, b"List-Unsubscribe=One-Click")[0] == 200


def test_a_tampered_or_expired_unsubscribe_link_is_refused_with_403(world: World) -> None:
    link = sign_unsubscribe(world.subscription, LINK_SECRET, int(time.time()) + 3600)
    other = world.subscription + 1
    tampered = link.replace(f"subscription={world.subscription}", f"subscription={other}")
    expired = sign_unsubscribe(world.subscription, LINK_SECRET, int(time.time()) - 1)
    foreign = sign_unsubscribe(world.subscription, b"another-secret-of-32-bytes-or-more!", 2**31)
    for path in [tampered, expired, foreign, "/unsubscribe?subscription=1"]:
        assert request(world.server, "POST", path, b"List-Unsubscribe=One-Click")[0] == 403
        assert request(world.server, "GET", path)[0] == 403
    with psycopg.connect(world.url) as conn:
        assert conn.execute("SELECT count(*) FROM reporting.report_subscriptions "
                            "WHERE is_paused").fetchone()[0] == 0  # fmt: skip


def test_without_events_the_server_only_serves_files(tmp_path: Path) -> None:
    server = start_link_server(LocalStorage(tmp_path), LINK_SECRET, "127.0.0.1", 0)
    try:
        assert request(server, "POST", "/events/resend", b"{}")[0] == 404
        link = sign_unsubscribe(1, LINK_SECRET, int(time.time()) + 60)
        assert request(server, "GET", link)[0] == 404
    finally:
        server.stop()
