"""The renderer's sender: claims due deliveries and hands each to its channel.

Runs as a thread of `nightcap renderer` (unless --no-deliver). NOTIFY on
`nightcap_deliveries` wakes it; it polls too. Each claimed delivery
(api.claim_deliveries: FOR UPDATE SKIP LOCKED, under a lease) goes to the
channel's sender (email, webhook, slack), whose Outcome is recorded with
api.record_delivery: the database decides the retry time. A channel that
raises is recorded as deferred with the error (retried like a timeout, then
failed), so one bad delivery never stops the others. A sender that dies
mid-send leaves its deliveries 'sending' until the lease expires; the next
claim sends them again with the same Message-ID and idempotency key.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import fields

import psycopg
from psycopg.types.json import Jsonb

from renderer import db, queries
from renderer.delivery_types import Delivery, Outcome
from renderer.logs import log, wait_for_notify

LISTEN_CHANNEL = "nightcap_deliveries"
Channel = Callable[[Delivery], Outcome]


def as_delivery(row: dict) -> Delivery:
    names = {f.name for f in fields(Delivery)}
    return Delivery(**{k: v for k, v in row.items() if k in names})


class Sender:
    def __init__(
        self,
        url: str,
        worker: str,
        channels: dict[str, Channel],
        stop: threading.Event,
        *,
        listen_url: str | None = None,
        batch: int = 10,
        lease_seconds: float = 120.0,
        poll_seconds: float = 5.0,
        once: bool = False,
    ):
        self.url = url
        self.listen_url = listen_url or url
        self.worker = worker
        self.channels = channels
        self.stop = stop
        self.batch = batch
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.once = once
        self.sent = 0

    def claim(self, conn: psycopg.Connection) -> list[Delivery]:
        rows = conn.execute(
            queries.load("sender_claim"),
            {
                "worker": self.worker,
                "limit": self.batch,
                "lease": f"{self.lease_seconds} seconds",
                "channels": sorted(self.channels),
            },
        ).fetchall()
        return [as_delivery(r) for r in rows]

    def send(self, conn: psycopg.Connection, delivery: Delivery) -> str:
        """One attempt, recorded; returns the delivery's new status."""
        started = time.perf_counter()
        context = {
            "delivery_id": delivery.delivery_id,
            "generation_id": delivery.generation_id,
            "alert_event": None
            if delivery.alert is None
            else f"{delivery.alert.get('kind')}-{delivery.alert.get('event_id')}",
            "channel": delivery.channel,
            "attempt": delivery.attempt,
            "worker": self.worker,
        }
        held = conn.execute(
            queries.load("sender_begin"),
            {
                "delivery_id": delivery.delivery_id,
                "worker": self.worker,
                "lease": f"{self.lease_seconds} seconds",
            },
        ).fetchone()["held"]
        if not held:
            # The lease ran out while earlier deliveries of the batch were sent:
            # another sender has it now, and only one may send it.
            log("delivery_lease_lost", **context, error="lease expired before the send")
            return "lease_lost"
        try:
            outcome = self.channels[delivery.channel](delivery)
        except Exception as exc:  # noqa: BLE001 - recorded and retried, never fatal
            outcome = Outcome("deferred", error=f"{type(exc).__name__}: {exc}"[:2000])
        try:
            status = conn.execute(
                queries.load("sender_record"),
                {
                    "delivery_id": delivery.delivery_id,
                    "worker": self.worker,
                    "outcome": outcome.outcome,
                    "provider": outcome.provider,
                    "provider_message_id": outcome.provider_message_id,
                    "error": outcome.error,
                    "retry_after": None
                    if outcome.retry_after_s is None
                    else f"{outcome.retry_after_s} seconds",
                    "details": Jsonb(outcome.details),
                },
            ).fetchone()["status"]
        except psycopg.errors.ObjectNotInPrerequisiteState as exc:
            log("delivery_lease_lost", **context, error=str(exc).strip())
            return "lease_lost"
        log(
            "delivery_attempt",
            **context,
            outcome=outcome.outcome,
            status=status,
            provider=outcome.provider,
            provider_message_id=outcome.provider_message_id,
            error=outcome.error,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return status

    def run(self) -> None:
        conn = db.connect(self.url, autocommit=True, on_notice=None)
        listener = db.connect(self.listen_url, autocommit=True, on_notice=None)
        listener.execute(f"LISTEN {LISTEN_CHANNEL}")
        try:
            while not self.stop.is_set():
                try:
                    claimed = self.claim(conn)
                except psycopg.OperationalError as exc:
                    log("connection_lost", worker=self.worker, error=str(exc).strip())
                    self.stop.wait(self.poll_seconds)
                    conn = db.connect(self.url, autocommit=True, on_notice=None)
                    continue
                for delivery in claimed:
                    if self.send(conn, delivery) == "sent":
                        self.sent += 1
                if self.once and not claimed:
                    break
                if claimed:
                    continue
                wait_for_notify(listener, self.poll_seconds, self.stop)
        finally:
            conn.close()
            listener.close()


def default_channels(storage) -> dict[str, Channel]:
    """The channels, with their transports and secrets read once from the environment."""
    from renderer import signed_links
    from renderer.deliver_email import email_channel_from_env
    from renderer.deliver_slack import send_slack
    from renderer.deliver_webhook import send_webhook

    secret = signed_links.link_secret()
    base_url = signed_links.link_base_url()
    return {
        "email": email_channel_from_env(storage),
        "webhook": lambda d: send_webhook(d, secret=secret, link_base_url=base_url),
        "slack": lambda d: send_slack(d, secret=secret, link_base_url=base_url),
    }
