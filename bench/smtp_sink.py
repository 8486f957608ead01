"""A local SMTP sink (aiosmtpd on 127.0.0.1) that records every message it accepts.

Only the headers are parsed: each message is kept as who it went to, its
Message-ID, the nightcap delivery it says it is (X-Nightcap-Delivery), its
idempotency key and size, and when it arrived. It answers 250 only after the
record is kept, so a sender that saw 250 has its message in `received`.

    with SmtpSink() as sink:
        ... NIGHTCAP_SMTP_HOST=127.0.0.1 NIGHTCAP_SMTP_PORT=sink.port ...
        sink.received
"""

import threading
import time
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

from renderer.cluster import free_port

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message_id: str | None
    delivery_id: str | None
    idempotency_key: str | None
    size: int
    at: float  # time.time()


class _Handler:
    def __init__(self, sink: "SmtpSink") -> None:
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        content = envelope.original_content or envelope.content
        headers = BytesHeaderParser(policy=default_policy).parsebytes(content)
        self.sink.record(
            Received(
                mail_from=envelope.mail_from,
                rcpt_tos=tuple(envelope.rcpt_tos),
                message_id=headers["Message-ID"],
                delivery_id=headers["X-Nightcap-Delivery"],
                idempotency_key=headers["X-Nightcap-Idempotency-Key"],
                size=len(content),
                at=time.time(),
            )
        )
        return "250 2.0.0 Ok: kept"


class SmtpSink:
    """An SMTP server on a free loopback port, for as long as the `with` block lasts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[Received] = []
        # A real port, not 0: the Controller checks it is up by connecting to it.
        self._controller = Controller(_Handler(self), hostname=HOST, port=free_port())

    def record(self, message: Received) -> None:
        with self._lock:
            self._received.append(message)

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    @property
    def port(self) -> int:
        return self._controller.port

    def __enter__(self) -> "SmtpSink":
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
