"""Email providers' event webhooks: check the signature, then read the events.

Resend signs with Svix. Headers svix-id, svix-timestamp (Unix seconds) and
svix-signature, a space-separated list of "v1,<base64 HMAC-SHA256>" (several
during a secret rotation; one match is enough) of "<id>.<timestamp>.<raw
body>", keyed by the base64 part of the endpoint's secret "whsec_<base64>"
(RESEND_WEBHOOK_SECRET). The body is one event:

    {"type": "email.bounced", "created_at": "2024-11-22T23:41:12.126Z",
     "data": {"email_id": "5676...", "to": [...], "bounce": {"type": "Permanent",
              "subType": "Suppressed", "message": "..."}, ...}}

email.delivered / opened / clicked / bounced / complained are kept; other types
(email.sent, email.delivery_delayed, ...) are acknowledged and ignored, and so
is a bounce whose type is "Transient" (a soft bounce: the mailbox may take mail
later). The event's time is the top-level created_at.

SendGrid's Event Webhook signs with ECDSA (P-256, SHA-256): header
X-Twilio-Email-Event-Webhook-Signature is the base64 DER signature of
"<X-Twilio-Email-Event-Webhook-Timestamp><raw body>", checked with the public
key from the SendGrid settings (SENDGRID_WEBHOOK_PUBLIC_KEY: base64 DER as
SendGrid shows it, or PEM). The body is a JSON array of events; delivered,
open, click, bounce (type "bounce": hard; "blocked" is a soft bounce, ignored)
and spamreport are kept. The message id SendGrid answered when sending (its
X-Message-Id) is sg_message_id up to the first '.'.

Both are refused when the timestamp is more than five minutes off, so a
captured request cannot be replayed later.
"""

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key, load_pem_public_key

DEFAULT_TOLERANCE_S = 300

RESEND_EVENTS = {
    "email.delivered": "delivered",
    "email.opened": "opened",
    "email.clicked": "clicked",
    "email.bounced": "bounced",
    "email.complained": "complained",
}
SENDGRID_EVENTS = {
    "delivered": "delivered",
    "open": "opened",
    "click": "clicked",
    "bounce": "bounced",
    "spamreport": "complained",
}
SENDGRID_SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
SENDGRID_TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"


class SignatureError(Exception):
    """A webhook request that must be refused: unsigned, wrongly signed or stale."""


class PayloadError(Exception):
    """A signed request whose body cannot be read as the provider's events."""


@dataclass(frozen=True)
class ProviderEvent:
    """One event for api.record_provider_event."""

    provider: str
    provider_message_id: str
    event: str  # delivered, opened, clicked, bounced, complained
    occurred_at: datetime | None
    details: dict[str, Any] = field(default_factory=dict)


def _fresh(timestamp: str | None, now: float | None, tolerance_s: float) -> int:
    if not timestamp or not timestamp.strip().isascii() or not timestamp.strip().isdigit():
        raise SignatureError("the timestamp header is missing or not Unix seconds")
    value = int(timestamp.strip())
    if abs((time.time() if now is None else now) - value) > tolerance_s:
        raise SignatureError(f"the timestamp {value} is more than {tolerance_s:.0f} s off: stale")
    return value


# -- Resend (Svix) ---------------------------------------------------------------


def svix_key(secret: str) -> bytes:
    """The HMAC key of a Svix endpoint secret "whsec_<base64>"."""
    text = secret.strip()
    if text.startswith("whsec_"):
        text = text[len("whsec_") :]
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("a Svix secret is whsec_ followed by base64") from exc
    if not key:
        raise ValueError("the Svix secret is empty")
    return key


def sign_svix(msg_id: str, timestamp: int | str, body: bytes, secret: str) -> str:
    """The svix-signature value for a body ("v1,<base64>"): what Resend sends."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(svix_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def verify_svix(
    headers: dict[str, str],
    body: bytes,
    secret: str,
    now: float | None = None,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> str:
    """The svix-id of a correctly signed, fresh request; SignatureError otherwise.

    `headers` with lower-case names.
    """
    msg_id, timestamp = headers.get("svix-id"), headers.get("svix-timestamp")
    signatures = headers.get("svix-signature")
    if not msg_id or not timestamp or not signatures:
        raise SignatureError("svix-id, svix-timestamp and svix-signature are required")
    _fresh(timestamp, now, tolerance_s)
    expected = sign_svix(msg_id, timestamp.strip(), body, secret).split(",", 1)[1]
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
            return msg_id
    raise SignatureError("no svix-signature matches the body")


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise PayloadError("the body is not JSON") from exc


def resend_events(body: bytes, svix_id: str | None = None) -> list[ProviderEvent]:
    """The event of a (verified) Resend webhook body; [] for types nightcap does not track."""
    payload = _json(body)
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        raise PayloadError('a Resend event is {"type", "created_at", "data": {...}}')
    kind, data = payload.get("type"), payload["data"]
    event = RESEND_EVENTS.get(kind) if isinstance(kind, str) else None
    email_id = data.get("email_id")
    if event is None:
        return []
    if not isinstance(email_id, str) or not email_id:
        raise PayloadError(f"a Resend {kind} event without data.email_id")
    details: dict[str, Any] = {"type": kind}
    if svix_id:
        details["svix_id"] = svix_id
    bounce = data.get("bounce")
    if event == "bounced" and isinstance(bounce, dict):
        if str(bounce.get("type", "")).lower() == "transient":
            return []  # a soft bounce: nothing to record against the recipient
        details["bounce"] = {k: bounce[k] for k in ("type", "subType", "message") if k in bounce}
        details["reason"] = bounce.get("message") or bounce.get("subType") or "hard bounce"
    elif event == "complained":
        details["reason"] = "spam complaint"
    click = data.get("click")
    if event == "clicked" and isinstance(click, dict) and click.get("link"):
        details["link"] = click["link"]
    occurred = _parse_time(payload.get("created_at")) or _parse_time(data.get("created_at"))
    return [ProviderEvent("resend", email_id, event, occurred, details)]


# -- SendGrid (ECDSA) ------------------------------------------------------------


def load_sendgrid_key(text: str) -> ec.EllipticCurvePublicKey:
    """The EC public key SendGrid shows (base64 DER, or PEM)."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = load_pem_public_key(text.encode())
        else:
            key = load_der_public_key(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError) as exc:
        raise ValueError(
            "SENDGRID_WEBHOOK_PUBLIC_KEY is not a base64 DER or PEM public key"
        ) from exc
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("SENDGRID_WEBHOOK_PUBLIC_KEY is not an elliptic-curve (ECDSA) key")
    return key


def verify_sendgrid(
    headers: dict[str, str],
    body: bytes,
    public_key: ec.EllipticCurvePublicKey,
    now: float | None = None,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> None:
    """Returns when the request is signed by SendGrid's key and fresh; SignatureError otherwise.

    `headers` with lower-case names; `public_key` from load_sendgrid_key().
    """
    signature = headers.get(SENDGRID_SIGNATURE_HEADER.lower())
    timestamp = headers.get(SENDGRID_TIMESTAMP_HEADER.lower())
    if not signature or not timestamp:
        raise SignatureError(f"{SENDGRID_SIGNATURE_HEADER} and -Timestamp are required")
    _fresh(timestamp, now, tolerance_s)
    try:
        der = base64.b64decode(signature.strip(), validate=True)
        public_key.verify(der, timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    except (binascii.Error, ValueError, InvalidSignature) as exc:
        raise SignatureError("the ECDSA signature does not match the body") from exc


def sendgrid_events(body: bytes) -> list[ProviderEvent]:
    """The tracked events of a (verified) SendGrid batch, in order."""
    payload = _json(body)
    if not isinstance(payload, list):
        raise PayloadError("a SendGrid batch is a JSON array of events")
    events = []
    for item in payload:
        if not isinstance(item, dict):
            raise PayloadError("a SendGrid event is a JSON object")
        event = (
            SENDGRID_EVENTS.get(item.get("event")) if isinstance(item.get("event"), str) else None
        )
        sg_message_id = item.get("sg_message_id")
        if event is None or not isinstance(sg_message_id, str) or not sg_message_id:
            continue
        if event == "bounced" and item.get("type") == "blocked":
            continue  # a soft bounce
        details: dict[str, Any] = {"type": item["event"], "sg_message_id": sg_message_id}
        for name in ("sg_event_id", "type", "status", "bounce_classification", "url"):
            if item.get(name) is not None:
                details[name if name != "type" else "bounce_type"] = item[name]
        if event == "bounced":
            details["reason"] = item.get("reason") or "hard bounce"
        elif event == "complained":
            details["reason"] = "spam complaint"
        message_id = sg_message_id.split(".", 1)[0]
        events.append(
            ProviderEvent(
                "sendgrid", message_id, event, _parse_time(item.get("timestamp")), details
            )
        )
    return events
