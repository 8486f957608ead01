"""The email channel: one claimed Delivery in, one Outcome out (no database).

    transport = email_transport_from_env()          # once, at start-up
    outcome = send_email(delivery, storage, transport)
    # the sender loop records it: api.record_delivery(delivery_id, worker, outcome.outcome, ...)

send_email builds the message (email_message.build_email, or for an alert
notification alert_messages.build_alert_email) and hands it to the same
transport chain. What goes wrong before the transport is reached ends the delivery
for good, with a message that says what to fix: a destination that is not an
email address is `bounced`; a file the report lacks, or one storage cannot
read, is `failed`. It never raises for a delivery's content; a bad setting
(NIGHTCAP_MAIL_FROM, the link secret) raises ValueError, which is the
operator's to fix, not the delivery's.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from renderer import signed_links
from renderer.alert_messages import build_alert_email
from renderer.delivery_types import Delivery, Outcome
from renderer.email_message import EmailBuildError, InvalidRecipientError, build_email
from renderer.email_transports import EmailTransport, email_transport_from_env, mail_from
from renderer.storage import Storage, StorageError, default_storage


@dataclass(frozen=True)
class EmailSettings:
    sender: str  # NIGHTCAP_MAIL_FROM
    link_base_url: str  # NIGHTCAP_LINK_BASE_URL, else the link server's address
    secret: bytes  # signed_links.link_secret()

    @classmethod
    def from_env(cls) -> "EmailSettings":
        return cls(
            sender=mail_from(),
            link_base_url=signed_links.link_base_url(),
            secret=signed_links.link_secret(),
        )


def send_email(
    delivery: Delivery,
    storage: Storage,
    transport: EmailTransport,
    *,
    settings: EmailSettings | None = None,
    now: dt.datetime | None = None,
) -> Outcome:
    """Builds the delivery's email and sends it through `transport`."""
    if delivery.channel != "email":
        return Outcome(
            "failed", error=f"delivery {delivery.delivery_id} is {delivery.channel}, not email"
        )
    settings = settings or EmailSettings.from_env()
    if delivery.alert is not None:
        try:
            message = build_alert_email(delivery, sender=settings.sender, now=now)
        except InvalidRecipientError as exc:
            return Outcome("bounced", error=f"invalid address: {exc}", details={"stage": "build"})
        return transport.send(message, delivery)
    try:
        message = build_email(
            delivery,
            storage,
            sender=settings.sender,
            link_base_url=settings.link_base_url,
            secret=settings.secret,
            now=now,
        )
    except InvalidRecipientError as exc:
        return Outcome("bounced", error=f"invalid address: {exc}", details={"stage": "build"})
    except EmailBuildError as exc:
        return Outcome("failed", error=str(exc), details={"stage": "build"})
    except StorageError as exc:
        return Outcome(
            "failed",
            error=f"cannot read report {delivery.generation_id}'s file: {exc}",
            details={"stage": "storage"},
        )
    return transport.send(message, delivery)


def email_channel_from_env(
    storage: Storage | None = None,
) -> Callable[[Delivery], Outcome]:
    """`channel(delivery) -> Outcome` with the transport chain and settings read once."""
    store = storage if storage is not None else default_storage()
    transport = email_transport_from_env()
    settings = EmailSettings.from_env()

    def channel(delivery: Delivery) -> Outcome:
        return send_email(delivery, store, transport, settings=settings)

    return channel
