"""Webhook and Slack deliveries against real HTTP receivers on loopback (no database)."""

import json
import time
import uuid
from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from renderer import signed_links
from renderer.deliver_http import human_size, retry_after_seconds
from renderer.deliver_slack import send_slack
from renderer.deliver_webhook import (
    send_webhook,
    sign_webhook,
    verify_webhook_signature,
    webhook_secret,
)
from renderer.delivery_types import Delivery
from tests.http_receiver import Receiver

LINK_SECRET = b"a-test-link-secret-of-at-least-32-bytes"
HOOK_SECRET = b"a-test-webhook-secret-of-32-bytes-or-more"
BASE = "https://reports.example"
KEY_PDF = "delivery-org/daily_summary/2026-05-01/daily_summary-2026-05-01-g42.pdf"
KEY_XLSX = "delivery-org/daily_summary/2026-05-01/daily_summary-2026-05-01-g42.xlsx"
IDEMPOTENCY_KEY = uuid.UUID("0f8fad5b-d9cb-469f-a165-70867728950e")


def delivery(destination: str, channel: str = "webhook", **report: object) -> Delivery:
    files = [
        {"format": "xlsx", "key": KEY_XLSX, "bytes": 48_213, "uri": "file:///x.xlsx"},
        {"format": "pdf", "key": KEY_PDF, "bytes": 1_234_567, "uri": "file:///x.pdf"},
    ]
    base_report = {
        "generation_id": 42,
        "template_key": "daily_summary",
        "name": "Daily Summary",
        "organization": "Delivery Org",
        "timezone": "Europe/London",
        "generated_at": "2026-05-01T21:00:03+00:00",
        "headline": "Revenue £25,000",
        "is_stale": False,
        "stale_reason": None,
        "files": files,
    }
    base_report.update(report)
    return Delivery(
        delivery_id=7,
        organization_id=uuid.UUID("00000000-0000-4000-8000-0000000c0901"),
        generation_id=42,
        subscription_id=3,
        recipient_id=920005,
        channel=channel,
        destination=destination,
        formats=[],
        attempt=1,
        message_id="<report-42.sub-3.webhook@nightcap>",
        idempotency_key=IDEMPOTENCY_KEY,
        recipient_name="Till system",
        report=base_report,
    )


# -- signatures -----------------------------------------------------------------


def test_signature_is_hmac_sha256_of_timestamp_dot_body_and_refuses_stale_or_altered() -> None:
    body = b'{"event":"report.generated"}'
    # From openssl: printf '1700000000.<body>' | openssl dgst -sha256 -hmac kkkk...k (32 k)
    assert sign_webhook(body, 1_700_000_000, b"k" * 32) == (
        "sha256=de63576a7251bfba6762014d3e17b0a90b9fbcf59ae2f2b3e0c0b8731c23da55"
    )
    signature = sign_webhook(body, "1700000000", HOOK_SECRET)
    assert verify_webhook_signature(body, "1700000000", signature, HOOK_SECRET, now=1_700_000_100)
    assert not verify_webhook_signature(body + b" ", "1700000000", signature, HOOK_SECRET, 1.7e9)
    assert not verify_webhook_signature(body, "1700000001", signature, HOOK_SECRET, 1.7e9)
    assert not verify_webhook_signature(body, "1700000000", signature, b"x" * 40, 1.7e9)
    assert not verify_webhook_signature(body, "1700000000", "", HOOK_SECRET, 1.7e9)
    assert not verify_webhook_signature(body, "nonsense", signature, HOOK_SECRET, 1.7e9)
    # Five minutes is the limit, either way.
    assert verify_webhook_signature(body, "1700000000", signature, HOOK_SECRET, 1_700_000_300)
    assert not verify_webhook_signature(body, "1700000000", signature, HOOK_SECRET, 1_700_000_301)
    assert not verify_webhook_signature(body, "1700000000", signature, HOOK_SECRET, 1_699_999_699)


def test_webhook_secret_comes_from_the_environment_or_the_link_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NIGHTCAP_WEBHOOK_SECRET", raising=False)
    derived = webhook_secret(LINK_SECRET)
    assert derived == webhook_secret(LINK_SECRET)
    assert derived != webhook_secret(b"another-link-secret-of-32-bytes-or-more")
    assert LINK_SECRET not in derived
    monkeypatch.setenv("NIGHTCAP_WEBHOOK_SECRET", "e" * 40)
    assert webhook_secret(LINK_SECRET) == b"e" * 40
    monkeypatch.setenv("NIGHTCAP_WEBHOOK_SECRET", "short")
    with pytest.raises(ValueError, match="at least 32"):
        webhook_secret(LINK_SECRET)


def test_retry_after_and_sizes() -> None:
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412420) == 60
    assert retry_after_seconds("999999") == 24 * 3600
    assert human_size(312) == "312 bytes"
    assert human_size(48_213) == "48 KB"
    assert human_size(1_234_567) == "1.2 MB"
    assert human_size(12_500_000) == "12 MB"


# -- webhook ----------------------------------------------------------------------


def test_webhook_posts_the_signed_payload_and_the_receiver_verifies_it(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NIGHTCAP_WEBHOOK_SECRET", raising=False)
    receiver.script = [(204, {}, b"")]
    now = time.time()
    outcome = send_webhook(delivery(receiver.url), secret=LINK_SECRET, link_base_url=BASE, now=now)
    assert (outcome.outcome, outcome.provider, outcome.error) == ("sent", "webhook", None)
    assert outcome.details["status"] == 204

    path, headers, body = receiver.requests[0]
    assert path == "/hooks/reports"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Idempotency-Key"] == str(IDEMPOTENCY_KEY)
    assert headers["User-Agent"].startswith("nightcap")
    assert headers["X-Nightcap-Timestamp"] == str(int(now))
    # The receiver's side: the raw body, the two headers and the shared secret.
    assert verify_webhook_signature(
        body,
        headers["X-Nightcap-Timestamp"],
        headers["X-Nightcap-Signature"],
        webhook_secret(LINK_SECRET),
    )
    assert not verify_webhook_signature(
        body, headers["X-Nightcap-Timestamp"], headers["X-Nightcap-Signature"], HOOK_SECRET
    )
    payload = json.loads(body)
    file_url = payload.pop("file_url")
    assert payload == {
        "event": "report.generated",
        "report_id": "daily_summary",
        "report_name": "Daily Summary",
        "execution_id": 42,
        "format": "pdf",  # no formats asked for: the PDF, not the first file (xlsx)
        "generated_at": "2026-05-01T21:00:03+00:00",
        "file_size": 1_234_567,
        "delivery_id": 7,
        "is_stale": False,
    }
    assert file_url.startswith(BASE + "/files/")
    link = urlsplit(file_url)
    assert signed_links.verify(f"{link.path}?{link.query}", LINK_SECRET, now=now) == KEY_PDF
    assert int(dict(p.split("=") for p in link.query.split("&"))["expires"]) == int(now) + 7 * 86400


def test_webhook_links_the_first_format_asked_for_and_signs_with_a_secret_of_its_own(
    receiver: Receiver,
) -> None:
    asked = replace(delivery(receiver.url), formats=["xlsx", "pdf"])
    outcome = send_webhook(
        asked, secret=LINK_SECRET, link_base_url=BASE, signing_secret=HOOK_SECRET
    )
    assert outcome.outcome == "sent"
    _, headers, body = receiver.requests[0]
    assert json.loads(body)["format"] == "xlsx"
    assert json.loads(body)["file_size"] == 48_213
    assert verify_webhook_signature(
        body, headers["X-Nightcap-Timestamp"], headers["X-Nightcap-Signature"], HOOK_SECRET
    )


def test_webhook_500_then_200_is_deferred_then_sent_with_the_same_idempotency_key(
    receiver: Receiver,
) -> None:
    receiver.script = [(500, {}, b"database is down"), (200, {}, b"{}")]
    first = send_webhook(delivery(receiver.url), secret=LINK_SECRET, link_base_url=BASE)
    assert first.outcome == "deferred"
    assert first.error == "500 from the webhook"
    assert first.details["body"] == "database is down"
    assert first.retry_after_s is None
    second = send_webhook(
        replace(delivery(receiver.url), attempt=2), secret=LINK_SECRET, link_base_url=BASE
    )
    assert second.outcome == "sent"
    keys = {headers["Idempotency-Key"] for _, headers, _ in receiver.requests}
    assert keys == {str(IDEMPOTENCY_KEY)}


def test_webhook_429_is_deferred_for_retry_after(receiver: Receiver) -> None:
    receiver.script = [(429, {"Retry-After": "600"}, b"slow down")]
    outcome = send_webhook(delivery(receiver.url), secret=LINK_SECRET, link_base_url=BASE)
    assert (outcome.outcome, outcome.retry_after_s) == ("deferred", 600)


def test_webhook_410_and_other_4xx_fail_for_good_and_redirects_are_not_followed(
    receiver: Receiver,
) -> None:
    receiver.script = [
        (410, {}, b"gone"),
        (400, {}, b'{"error": "unknown field file_url"}'),
        (301, {"Location": "https://elsewhere.example/in"}, b""),
    ]
    gone = send_webhook(delivery(receiver.url), secret=LINK_SECRET, link_base_url=BASE)
    assert (gone.outcome, gone.error) == ("failed", "410 Gone: the receiver is gone")
    bad = send_webhook(delivery(receiver.url), secret=LINK_SECRET, link_base_url=BASE)
    assert bad.outcome == "failed"
    assert bad.error == '400 from the webhook: {"error": "unknown field file_url"}'
    moved = send_webhook(delivery(receiver.url), secret=LINK_SECRET, link_base_url=BASE)
    assert moved.outcome == "failed"
    assert "https://elsewhere.example/in" in (moved.error or "")
    assert len(receiver.requests) == 3  # nothing was sent to the new address


def test_webhook_timeouts_and_refused_connections_are_deferred(receiver: Receiver) -> None:
    receiver.script = [(0, {}, b"")]
    slow = send_webhook(
        delivery(receiver.url), secret=LINK_SECRET, link_base_url=BASE, timeout_s=0.3
    )
    assert slow.outcome == "deferred"
    assert "no answer" in (slow.error or "")
    assert receiver.server is not None
    port = receiver.server.server_address[1]
    receiver.server.server_close()
    refused = send_webhook(
        delivery(f"http://127.0.0.1:{port}/x"), secret=LINK_SECRET, link_base_url=BASE
    )
    assert refused.outcome == "deferred"


def test_a_report_without_files_fails() -> None:
    outcome = send_webhook(
        delivery("http://127.0.0.1:9/x", files=[]), secret=LINK_SECRET, link_base_url=BASE
    )
    assert (outcome.outcome, outcome.error) == ("failed", "the report has no stored file to link")


# -- Slack ------------------------------------------------------------------------


def test_slack_posts_the_seed_message(receiver: Receiver) -> None:
    now = time.time()
    outcome = send_slack(
        delivery(receiver.url, "slack"), secret=LINK_SECRET, link_base_url=BASE, now=now
    )
    assert (outcome.outcome, outcome.provider) == ("sent", "slack")
    _, headers, body = receiver.requests[0]
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    message = json.loads(body)
    assert message["text"] == 'Your scheduled report "Daily Summary" is ready'
    (attachment,) = message["attachments"]
    assert attachment["title"] == "Daily Summary"
    link = urlsplit(attachment["title_link"])
    assert f"{link.scheme}://{link.netloc}" == BASE
    assert signed_links.verify(f"{link.path}?{link.query}", LINK_SECRET, now=now) == KEY_PDF
    assert [(f["title"], f["value"]) for f in attachment["fields"]] == [
        ("Format", "PDF"),
        ("Generated At", "Fri 1 May 2026, 22:00 BST"),
        ("File Size", "1.2 MB"),
    ]
    assert attachment["text"] == "Revenue £25,000"
    assert receiver.url not in json.dumps(outcome.details)


def test_slack_marks_a_stale_reissue(receiver: Receiver) -> None:
    stale = delivery(receiver.url, "slack", is_stale=True, stale_reason="report run 9 failed")
    assert send_slack(stale, secret=LINK_SECRET, link_base_url=BASE).outcome == "sent"
    message = json.loads(receiver.requests[0][2])
    assert message["text"].startswith('Your scheduled report "Daily Summary" is ready (re-issued')
    attachment = message["attachments"][0]
    assert attachment["color"] == "#c53030"
    assert attachment["fields"][-1] == {
        "title": "Notice",
        "value": "Re-issued report: report run 9 failed",
        "short": False,
    }


def test_slack_answers(receiver: Receiver) -> None:
    receiver.script = [
        (429, {"Retry-After": "30"}, b"rate_limited"),
        (503, {}, b"service unavailable"),
        (404, {}, b"no_service"),
        (410, {}, b"channel_is_archived"),
        (400, {}, b"invalid_payload"),
    ]
    outcomes = [
        send_slack(delivery(receiver.url, "slack"), secret=LINK_SECRET, link_base_url=BASE)
        for _ in range(5)
    ]
    assert [(o.outcome, o.retry_after_s) for o in outcomes] == [
        ("deferred", 30),
        ("deferred", None),
        ("failed", None),
        ("failed", None),
        ("failed", None),
    ]
    assert outcomes[2].error.startswith("404 no_service: the Slack webhook was removed")
    assert outcomes[3].error.startswith("410 channel_is_archived")
    assert outcomes[4].error == "400 from Slack: invalid_payload"
