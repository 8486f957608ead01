"""Alert notifications end to end: a KPI alert raised in the database reaches
an admin's outbox and webhook through the renderer's sender, once.

The organization has one admin whose report recipient (linked by user_id)
has email and a webhook on a loopback receiver. Two nights of average spend
per head below its warning threshold (40) raise the alert on the second
(alert_after_breaches 2). The sender runs as `nightcap renderer --once` does.
"""

import datetime as dt
import email
import email.policy
import json
import threading
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from renderer.alert_messages import alert_title
from renderer.cluster import free_port
from renderer.deliver_email import EmailSettings, send_email
from renderer.deliver_slack import send_slack
from renderer.deliver_webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    send_webhook,
    verify_webhook_signature,
    webhook_secret,
)
from renderer.email_transports import OutboxTransport
from renderer.sender import Sender
from renderer.storage import LocalStorage
from tests.http_receiver import Receiver

LINK_SECRET = b"a-test-link-secret-of-at-least-32-bytes"
ORG = "00000000-0000-4000-8000-0000000a1e01"
ADMIN = "00000000-0000-4000-8000-0000000a1ead"
VENUE = 960001


def closed_port_url() -> str:
    """A loopback URL nobody listens on: connections are refused."""
    return f"http://127.0.0.1:{free_port()}/hooks/alerts"


def raise_alert(
    url: str,
    webhook_url: str,
    slack_url: str | None = None,
    channels: tuple[str, ...] = ("email", "webhook"),
) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO venue.organizations (organization_id, name, slug) "
            "VALUES (%s, 'Backroom Leeds', 'alert-backroom')",
            [ORG],
        )
        conn.execute(
            "INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) "
            "VALUES (%s, %s, 'The Backroom', 'the-backroom', 850)",
            [ORG, VENUE],
        )
        conn.execute(
            "INSERT INTO venue.memberships (organization_id, user_id, role) "
            "VALUES (%s, %s, 'admin')",
            [ORG, ADMIN],
        )
        conn.execute(
            "INSERT INTO reporting.report_recipients (organization_id, user_id, name, email, role, "
            "preferred_channels, webhook_url, slack_webhook_url, consent_given_at) VALUES (%s, %s, "
            "'Ada Admin', 'ada@backroom.example', 'owner', %s, %s, %s, now())",
            [ORG, ADMIN, list(channels), webhook_url, slack_url],
        )
        outcomes = [
            conn.execute(
                "SELECT api.evaluate_kpi_value(%s::uuid, %s::bigint, 'average_spend_per_head', "
                "%s::date, %s::numeric)",
                [ORG, VENUE, day, value],
            ).fetchone()[0]
            for day, value in [
                (dt.date(2026, 11, 20), 35),
                (dt.date(2026, 11, 21), 36.5),
            ]
        ]
    assert outcomes == ["unchanged", "raised"]


def run_sender(url: str, outbox: Path) -> int:
    settings = EmailSettings(
        sender="nightcap alerts <alerts@nightcap.local>",
        link_base_url="http://127.0.0.1:9",
        secret=LINK_SECRET,
    )
    transport = OutboxTransport(outbox)
    storage = LocalStorage(outbox.parent / "files")
    channels = {
        "email": lambda d: send_email(d, storage, transport, settings=settings),
        "webhook": lambda d: send_webhook(
            d, secret=LINK_SECRET, link_base_url="http://x", timeout_s=2
        ),
        "slack": lambda d: send_slack(d, secret=LINK_SECRET, link_base_url="http://x", timeout_s=2),
    }
    sender = Sender(url, "alert-test", channels, threading.Event(), once=True, poll_seconds=0.1)
    sender.run()
    return sender.sent


def deliveries(url: str) -> list[dict]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT d.channel, d.status, d.attempts, d.provider, d.message_id, d.idempotency_key, "
            "d.next_attempt_at - now() AS wait, e.notified_at "
            "FROM reporting.report_delivery_history d "
            "JOIN reporting.kpi_alert_events e USING (organization_id, kpi_alert_event_id) "
            "ORDER BY d.channel"
        ).fetchall()


def test_a_raised_kpi_alert_is_emailed_and_posted_once(
    migrated_db: str, receiver: Receiver, tmp_path: Path
) -> None:
    raise_alert(migrated_db, receiver.url)
    outbox = tmp_path / "outbox"

    assert run_sender(migrated_db, outbox) == 2
    rows = deliveries(migrated_db)
    assert [(r["channel"], r["status"], r["attempts"]) for r in rows] == [
        ("email", "sent", 1),
        ("webhook", "sent", 1),
    ]
    assert all(r["notified_at"] is not None for r in rows)

    (eml,) = outbox.glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    subject = "[warning] Average spend per head below £40 at The Backroom, Sat 21 Nov"
    assert message["Subject"] == subject
    assert message["To"] == "Ada Admin <ada@backroom.example>"
    assert message["Message-ID"] == rows[0]["message_id"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Value" in text and "£36.50" in text and "Consecutive nights  2" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert subject.replace("£", "&pound;") in html or subject in html

    ((_, headers, body),) = receiver.requests
    assert verify_webhook_signature(
        body, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], webhook_secret(LINK_SECRET)
    )
    assert headers["Idempotency-Key"] == str(rows[1]["idempotency_key"])
    payload = json.loads(body)
    assert payload["event"] == "alert.raised"
    assert payload["title"] == subject
    assert payload["alert"]["kind"] == "kpi"
    assert payload["alert"]["level"] == "warning"
    assert payload["alert"]["value"] == 36.5
    assert payload["alert"]["business_date"] == "2026-11-21"

    # A second run sends nothing again.
    assert run_sender(migrated_db, outbox) == 0
    assert len(list(outbox.glob("*.eml"))) == 1
    assert len(receiver.requests) == 1


def test_a_raised_kpi_alert_is_posted_to_slack(
    migrated_db: str, receiver: Receiver, tmp_path: Path
) -> None:
    slack_url = receiver.url.replace("/hooks/reports", "/services/T000/B000/alerts")
    raise_alert(migrated_db, receiver.url, slack_url, channels=("slack",))

    assert run_sender(migrated_db, tmp_path / "outbox") == 1
    assert [(r["channel"], r["status"]) for r in deliveries(migrated_db)] == [("slack", "sent")]
    ((path, headers, body),) = receiver.requests
    assert path == "/services/T000/B000/alerts"
    assert headers["Content-Type"].startswith("application/json")
    message = json.loads(body)
    subject = "[warning] Average spend per head below £40 at The Backroom, Sat 21 Nov"
    assert message["text"] == subject
    (attachment,) = message["attachments"]
    assert attachment["color"] == "#d97706"  # warning
    fields = {f["title"]: f["value"] for f in attachment["fields"]}
    assert fields["Value"] == "£36.50"
    assert fields["Consecutive nights"] == "2"
    assert attachment["footer"] == "Backroom Leeds · nightcap"

    # Sent once: a second run posts nothing.
    assert run_sender(migrated_db, tmp_path / "outbox") == 0
    assert len(receiver.requests) == 1


def test_an_unreachable_webhook_is_retried_with_back_off(migrated_db: str, tmp_path: Path) -> None:
    raise_alert(migrated_db, closed_port_url())
    outbox = tmp_path / "outbox"

    assert run_sender(migrated_db, outbox) == 1  # the email
    webhook = deliveries(migrated_db)[1]
    assert (webhook["status"], webhook["attempts"]) == ("deferred", 1)
    assert dt.timedelta(seconds=50) < webhook["wait"] <= dt.timedelta(minutes=1)

    assert run_sender(migrated_db, outbox) == 0  # not due yet: nothing claimed
    assert deliveries(migrated_db)[1]["attempts"] == 1

    with psycopg.connect(migrated_db, autocommit=True) as conn:  # the minute passes
        conn.execute(
            "UPDATE reporting.report_delivery_history SET next_attempt_at = now() "
            "WHERE channel = 'webhook' AND status = 'deferred'"
        )
    assert run_sender(migrated_db, outbox) == 0
    webhook = deliveries(migrated_db)[1]
    assert (webhook["status"], webhook["attempts"]) == ("deferred", 2)
    assert dt.timedelta(minutes=4, seconds=50) < webhook["wait"] <= dt.timedelta(minutes=5)
    assert len(list(outbox.glob("*.eml"))) == 1


@pytest.mark.parametrize(
    ("alert", "title"),
    [
        (
            {
                "kind": "kpi",
                "transition": "escalated",
                "level": "critical",
                "kpi_name": "Average spend per head",
                "unit": "currency",
                "currency": "GBP",
                "direction": "higher_better",
                "threshold": 30,
                "venue": "The Backroom",
                "business_date": "2026-11-22",
            },
            "[critical] Average spend per head below £30 at The Backroom, Sun 22 Nov",
        ),
        (
            {
                "kind": "kpi",
                "transition": "cleared",
                "level": "critical",
                "kpi_name": "No-show rate",
                "unit": "ratio",
                "direction": "lower_better",
                "threshold": 0.08,
                "venue": "The Backroom",
                "business_date": "2026-11-23",
            },
            "[cleared] No-show rate back below 8% at The Backroom, Mon 23 Nov",
        ),
        (
            {
                "kind": "job",
                "transition": "raised",
                "level": "critical",
                "alert_type": "failure",
                "alert_name": "Nightly report failed",
                "job_name": "report:daily_summary",
            },
            "[critical] Job report:daily_summary: failure (Nightly report failed)",
        ),
    ],
)
def test_titles(alert: dict, title: str) -> None:
    assert alert_title(alert) == title
