"""What the sender hands a channel, and what the channel answers."""

from dataclasses import dataclass, field
from typing import Literal
from uuid import UUID

OutcomeKind = Literal["sent", "deferred", "bounced", "failed"]


@dataclass(frozen=True)
class Delivery:
    """One claimed delivery: a row of api.claim_deliveries.

    A report's delivery has generation_id and report; an alert notification
    has neither (None) and alert instead (see alert_messages).
    """

    delivery_id: int
    organization_id: UUID
    generation_id: int | None
    subscription_id: int | None
    recipient_id: int
    channel: str  # email, webhook, slack
    destination: str  # the address or URL
    formats: list[str]  # the files to attach or link, of those the report has
    attempt: int
    message_id: str  # stable across attempts: "<report-42.sub-7.email@nightcap>"
    idempotency_key: UUID  # stable across attempts
    recipient_name: str
    # generation_id, template_key, name, organization, organization_slug, period_start,
    # period_end, timezone, generated_at, headline, summary, is_stale, stale_reason,
    # venues, files: [{format, extension, uri, key, path, bytes, sha256, pages, content_type}]
    report: dict | None
    # kind, transition, level, ... (alert_messages); None for a report's delivery
    alert: dict | None = None


@dataclass(frozen=True)
class Outcome:
    """How one attempt ended, for api.record_delivery.

    sent: a provider accepted it; deferred: retry later (timeouts, 5xx, 429 with
    retry_after_s); bounced: hard bounce or invalid address, never retried;
    failed: refused for good for another reason.
    """

    outcome: OutcomeKind
    provider: str | None = None
    provider_message_id: str | None = None
    error: str | None = None
    retry_after_s: float | None = None
    details: dict = field(default_factory=dict)
