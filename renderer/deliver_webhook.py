"""Webhook deliveries: seed 003's `report.generated` JSON, signed so receivers can trust it.

The POST carries:

    {"event": "report.generated", "report_id", "report_name", "execution_id",
     "file_url", "format", "generated_at", "file_size", "delivery_id", "is_stale"}

An alert notification (see alert_messages) POSTs instead, signed and keyed alike:

    {"event": "alert.raised" | "alert.escalated" | "alert.cleared",
     "delivery_id", "title", "alert": {"kind": "kpi" | "job", "transition", "level", ...}}

report_id is the template key, execution_id the generation id, file_url a
signed download link valid for 7 days to the first of the delivery's formats
(else the PDF, else the first file), file_size in bytes. Headers:

    X-Nightcap-Timestamp: <unix seconds>
    X-Nightcap-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">
    Idempotency-Key: <the delivery's key, the same on every attempt>
    User-Agent: nightcap-delivery/1 ...

A receiver checks the signature over the raw bytes it got (before parsing
them) with verify_webhook_signature(), and refuses timestamps more than five
minutes off, so a captured request cannot be replayed later; the
Idempotency-Key lets it drop a retry of a request it already handled.

The signing secret (webhook_secret()): NIGHTCAP_WEBHOOK_SECRET when set (at
least 32 characters), else derived from the download-link secret as the hex
HMAC-SHA256(link secret, "nightcap-webhook-v1"), so a checkout signs alike
across restarts without another secret to keep; receivers get it from whoever
runs the renderer. Every destination shares it for now (send_webhook takes
signing_secret= for one of its own): a per-destination secret needs a column
on report_recipients.

Answers: 2xx sent; 429 deferred after Retry-After; 5xx, a timeout or no
connection deferred (retried 1, 5, 30 minutes later); 410 Gone failed (the
receiver is gone); any other 3xx/4xx failed with the status and the start of
the body.
"""

import hashlib
import hmac
import json
import os
import time

from renderer import signed_links
from renderer.alert_messages import webhook_alert_payload
from renderer.deliver_http import (
    HttpAnswer,
    TransportError,
    common_outcome,
    file_link,
    post_json,
    report_file,
)
from renderer.delivery_types import Delivery, Outcome

PROVIDER = "webhook"
EVENT = "report.generated"
SIGNATURE_HEADER = "X-Nightcap-Signature"
TIMESTAMP_HEADER = "X-Nightcap-Timestamp"
SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE_S = 300
DERIVATION_LABEL = b"nightcap-webhook-v1"


def webhook_secret(link_secret: bytes | None = None) -> bytes:
    """NIGHTCAP_WEBHOOK_SECRET, else HMAC-SHA256(link secret, "nightcap-webhook-v1") in hex.

    `link_secret` defaults to the checkout's (signed_links.link_secret()).
    """
    from_env = os.environ.get("NIGHTCAP_WEBHOOK_SECRET")
    if from_env is not None:
        if len(from_env) < signed_links.MIN_SECRET_LENGTH:
            raise ValueError(
                f"NIGHTCAP_WEBHOOK_SECRET must be at least {signed_links.MIN_SECRET_LENGTH} "
                "characters"
            )
        return from_env.encode("utf-8")
    base = link_secret if link_secret is not None else signed_links.link_secret()
    derived = hmac.new(base, DERIVATION_LABEL, hashlib.sha256)
    return derived.hexdigest().encode("ascii")


def sign_webhook(body: bytes, timestamp: int | str, secret: bytes) -> str:
    """The X-Nightcap-Signature value: "sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>"."""
    message = str(timestamp).encode("ascii") + b"." + body
    return SIGNATURE_PREFIX + hmac.new(secret, message, hashlib.sha256).hexdigest()


def verify_webhook_signature(
    body: bytes,
    timestamp: str,
    signature: str,
    secret: bytes,
    now: float | None = None,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> bool:
    """True when `signature` signs `timestamp` and the raw `body`, and the timestamp is fresh.

    Compared in constant time; a timestamp more than tolerance_s away from now
    (in either direction) is refused even with a right signature.
    """
    if not secret or not timestamp or not signature:
        return False
    timestamp = timestamp.strip()
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance_s:
        return False
    expected = sign_webhook(body, timestamp, secret)
    return hmac.compare_digest(expected.encode("ascii"), signature.strip().encode("utf-8"))


def webhook_payload(delivery: Delivery, file: dict, file_url: str) -> dict:
    report = delivery.report
    return {
        "event": EVENT,
        "report_id": report.get("template_key"),
        "report_name": report.get("name"),
        "execution_id": delivery.generation_id,
        "file_url": file_url,
        "format": file.get("format"),
        "generated_at": report.get("generated_at"),
        "file_size": file.get("bytes"),
        "delivery_id": delivery.delivery_id,
        "is_stale": bool(report.get("is_stale")),
    }


def send_webhook(
    delivery: Delivery,
    *,
    secret: bytes,
    link_base_url: str,
    timeout_s: float = 10,
    now: float | None = None,
    signing_secret: bytes | None = None,
) -> Outcome:
    """POSTs the signed report.generated (or alert) payload to delivery.destination; how it went.

    `secret` is the download-link secret (it signs file_url); the request is
    signed with `signing_secret`, by default webhook_secret(secret).
    """
    current = time.time() if now is None else now
    signer = signing_secret or webhook_secret(secret)
    if delivery.alert is not None:
        payload = webhook_alert_payload(delivery)
        return post_signed(
            delivery, payload, signer, current, timeout_s, {"event": payload["event"]}
        )
    file = report_file(delivery)
    if file is None:
        return Outcome("failed", PROVIDER, error="the report has no stored file to link")
    file_url, expires_at = file_link(file, secret, link_base_url, current)
    return post_signed(
        delivery,
        webhook_payload(delivery, file, file_url),
        signer,
        current,
        timeout_s,
        {"format": file.get("format"), "link_expires_at": expires_at},
    )


def post_signed(
    delivery: Delivery, payload: dict, signer: bytes, now: float, timeout_s: float, details: dict
) -> Outcome:
    """POSTs `payload` to delivery.destination, signed, with the delivery's Idempotency-Key."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    timestamp = str(int(now))
    headers = {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign_webhook(body, timestamp, signer),
        "Idempotency-Key": str(delivery.idempotency_key),
    }
    try:
        answer = post_json(delivery.destination, body, headers, timeout_s)
    except TransportError as exc:
        return Outcome("deferred", PROVIDER, error=f"no answer from the webhook: {exc}")
    return classify(answer, now, details)


def classify(answer: HttpAnswer, now: float, details: dict) -> Outcome:
    """A receiver's answer as an outcome for api.record_delivery."""
    details, outcome = common_outcome(
        answer, now, details, PROVIDER, "the webhook", "Too Many Requests from the webhook"
    )
    if outcome is not None:
        return outcome
    status = answer.status
    if status == 410:
        return Outcome("failed", PROVIDER, error="410 Gone: the receiver is gone", details=details)
    if 300 <= status < 400:
        location = answer.headers.get("location", "")
        return Outcome(
            "failed",
            PROVIDER,
            error=f"{status} redirect to {location or '?'}: redirects are not followed, "
            "update the webhook URL",
            details=details,
        )
    return Outcome(
        "failed", PROVIDER, error=f"{status} from the webhook: {answer.snippet}", details=details
    )
