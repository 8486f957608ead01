"""Ways to hand an email to the world: Resend, SendGrid, SMTP, the local outbox, and failover.

Every transport has one method, `send(message, delivery) -> Outcome`
(delivery_types.Outcome), and never raises for anything a provider or the
network does; the Outcome says what happened:

    sent      the provider accepted the message (provider message id kept);
    deferred  worth trying again later: a timeout, a connection error, a 5xx,
              a refused key (401/403: someone must fix the key), a 429
              (retry_after_s from Retry-After, in seconds or an HTTP date);
    bounced   the address is invalid or the server refused the recipient for
              good (Resend 400/422 validation_error on `to`, SendGrid 400 on
              personalizations...to, SMTP 5xx on RCPT): never retried;
    failed    this provider refused the message itself (another 4xx, an SMTP
              5xx on MAIL or DATA): retrying it here will not help.

FailoverTransport([...]) tries its transports in order. sent and bounced end
it at once (an invalid address is invalid everywhere); deferred and failed
hand the message to the next one. When none accepted it: deferred if any
provider failed in a way worth retrying (retry_after_s the longest a 429
asked for), else failed; the errors of all are joined, and details.attempts
lists each provider's answer.

Resend gets the delivery's idempotency key as its Idempotency-Key header, so a
re-send of a message whose first attempt's fate is unknown is dropped by
Resend; SendGrid and SMTP have no such key, but every attempt carries the same
Message-ID, which receiving systems and mail clients use to drop duplicates.

email_transport_from_env() builds the chain: RESEND_API_KEY (RESEND_API_URL)
→ Resend, SENDGRID_API_KEY (SENDGRID_API_URL) → SendGrid, NIGHTCAP_SMTP_HOST
(NIGHTCAP_SMTP_PORT, _USER, _PASSWORD, _TLS) → SMTP, in that order; with none
of them, the outbox (NIGHTCAP_OUTBOX_DIR, default out/outbox/).
"""

import base64
import contextlib
import datetime as dt
import ipaddress
import os
import re
import smtplib
import ssl
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Protocol

import requests
import resend
import resend.exceptions

from renderer import settings
from renderer.delivery_types import Delivery, Outcome
from renderer.durable_files import write_atomically
from renderer.email_message import DEFAULT_SENDER, sender_address

DEFAULT_TIMEOUT_S = 20.0
SENDGRID_API_URL = "https://api.sendgrid.com"
# Headers of the built message that API providers get as custom headers
# (From, To, Subject, Date and the MIME ones are fields of their own there).
CUSTOM_HEADERS = (
    "Message-ID",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Auto-Submitted",
    "X-Nightcap-Delivery",
    "X-Nightcap-Idempotency-Key",
)
# The resend SDK keeps its key, URL and HTTP client in module globals: sends
# through it take turns, each with its own settings.
_RESEND_LOCK = threading.Lock()


class EmailTransport(Protocol):
    name: str

    def send(self, message: EmailMessage, delivery: Delivery) -> Outcome: ...


@dataclass(frozen=True)
class MessageParts:
    """A built message taken apart for providers that want fields, not MIME."""

    sender: str  # `Name <addr>`
    sender_email: str
    sender_name: str
    to: str
    to_email: str
    to_name: str
    subject: str
    text: str
    html: str
    attachments: list[tuple[str, str, bytes]]  # filename, content type, data
    headers: dict[str, str]


def message_parts(message: EmailMessage) -> MessageParts:
    sender = message["From"].addresses[0]
    to = message["To"].addresses[0]
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    attachments = [
        (
            part.get_filename() or "attachment",
            part.get_content_type(),
            part.get_payload(decode=True) or b"",
        )
        for part in message.iter_attachments()
    ]
    headers = {name: str(message[name]) for name in CUSTOM_HEADERS if message[name] is not None}
    return MessageParts(
        sender=str(sender),
        sender_email=sender.addr_spec,
        sender_name=sender.display_name,
        to=str(to),
        to_email=to.addr_spec,
        to_name=to.display_name,
        subject=str(message["Subject"]),
        text=text_part.get_content() if text_part is not None else "",
        html=html_part.get_content() if html_part is not None else "",
        attachments=attachments,
        headers=headers,
    )


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds to wait: `120` or an HTTP date; None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _deferred(provider: str, error: str, retry_after_s: float | None = None, **details) -> Outcome:
    return Outcome(
        "deferred",
        provider=provider,
        error=error,
        retry_after_s=retry_after_s,
        details={"provider": provider, **details},
    )


def _outcome(kind: str, provider: str, error: str, **details) -> Outcome:
    return Outcome(kind, provider=provider, error=error, details={"provider": provider, **details})


# ---------------------------------------------------------------------------
# Resend


class ResendTransport:
    """Resend through its official SDK (`resend.Emails.send`)."""

    name = "resend"

    def __init__(
        self, api_key: str, *, api_url: str | None = None, timeout: float = DEFAULT_TIMEOUT_S
    ) -> None:
        if not api_key:
            raise ValueError("a Resend API key must not be empty (RESEND_API_KEY)")
        self.api_key = api_key
        self.api_url = api_url.rstrip("/") if api_url else None  # None: resend.api_url as is
        self.timeout = timeout

    def params(self, message: EmailMessage, delivery: Delivery) -> dict:
        """The request body: the same for every attempt of a delivery built the same day."""
        parts = message_parts(message)
        params: dict = {
            "from": parts.sender,
            "to": [parts.to],
            "subject": parts.subject,
            "html": parts.html,
            "text": parts.text,
            "headers": parts.headers,
            "tags": [{"name": "nightcap_delivery", "value": str(delivery.delivery_id)}],
        }
        if parts.attachments:
            params["attachments"] = [
                {
                    "filename": filename,
                    "content": base64.b64encode(data).decode("ascii"),
                    "content_type": content_type,
                }
                for filename, content_type, data in parts.attachments
            ]
        return params

    def send(self, message: EmailMessage, delivery: Delivery) -> Outcome:
        params = self.params(message, delivery)
        options = {"idempotency_key": str(delivery.idempotency_key)}
        with _RESEND_LOCK:
            saved = (resend.api_key, resend.api_url, resend.default_http_client)
            resend.api_key = self.api_key
            if self.api_url:
                resend.api_url = self.api_url
            resend.default_http_client = resend.RequestsClient(timeout=self.timeout)
            try:
                answer = resend.Emails.send(params, options)
            except resend.exceptions.ResendError as exc:
                return self.classify(exc)
            except Exception as exc:  # the SDK raising something of its own
                return _deferred(self.name, f"resend: {type(exc).__name__}: {exc}")
            finally:
                resend.api_key, resend.api_url, resend.default_http_client = saved
        message_id = answer.get("id") if isinstance(answer, Mapping) else None
        return Outcome(
            "sent",
            provider=self.name,
            provider_message_id=str(message_id) if message_id else None,
            details={"provider": self.name},
        )

    def classify(self, exc: resend.exceptions.ResendError) -> Outcome:
        try:
            status = int(exc.code)
        except (TypeError, ValueError):
            status = 500
        kind = str(exc.error_type or "")
        text = f"resend {status} {kind}: {exc.message}".strip()
        details = {"status": status, "error_type": kind}
        if kind == "HttpClientError":  # the SDK's name for a timeout or connection error
            return _deferred(self.name, f"resend: no answer: {exc.message}", **details)
        if status == 429:
            wait = retry_after_seconds(_header(exc.headers, "Retry-After"))
            return _deferred(self.name, text, wait, **details)
        if status in (401, 403):
            return _deferred(self.name, text, **details)
        if status == 409 and kind == "invalid_idempotent_request":
            # The key was used before, with different content: an earlier attempt
            # (on an earlier day, so with other link expiries) reached Resend.
            return Outcome(
                "sent",
                provider=self.name,
                error=text,
                details={**details, "provider": self.name, "earlier_attempt_accepted": True},
            )
        if status == 409:  # concurrent_idempotent_requests: the first is still in flight
            wait = retry_after_seconds(_header(exc.headers, "Retry-After"))
            return _deferred(self.name, text, wait, **details)
        if status >= 500:
            return _deferred(self.name, text, **details)
        message = str(exc.message or "")
        if status in (400, 422) and re.search(r"`to`|\bto\b field|recipient", message, re.I):
            return _outcome("bounced", self.name, text, **details)
        return _outcome("failed", self.name, text, **details)


# ---------------------------------------------------------------------------
# SendGrid


class SendGridTransport:
    """SendGrid's v3 mail/send over plain HTTPS; the X-Message-Id answer header is kept."""

    name = "sendgrid"

    def __init__(
        self, api_key: str, *, api_url: str | None = None, timeout: float = DEFAULT_TIMEOUT_S
    ) -> None:
        if not api_key:
            raise ValueError("a SendGrid API key must not be empty (SENDGRID_API_KEY)")
        self.api_key = api_key
        self.api_url = (api_url or SENDGRID_API_URL).rstrip("/")
        self.timeout = timeout

    def payload(self, message: EmailMessage, delivery: Delivery) -> dict:
        parts = message_parts(message)
        to = {"email": parts.to_email, **({"name": parts.to_name} if parts.to_name else {})}
        sender = {
            "email": parts.sender_email,
            **({"name": parts.sender_name} if parts.sender_name else {}),
        }
        payload: dict = {
            "personalizations": [{"to": [to]}],
            "from": sender,
            "subject": parts.subject,
            # text/plain must come before text/html.
            "content": [
                {"type": "text/plain", "value": parts.text},
                {"type": "text/html", "value": parts.html},
            ],
            "headers": parts.headers,
            "custom_args": {"nightcap_delivery_id": str(delivery.delivery_id)},
        }
        if parts.attachments:
            payload["attachments"] = [
                {
                    "content": base64.b64encode(data).decode("ascii"),
                    "type": content_type,
                    "filename": filename,
                    "disposition": "attachment",
                }
                for filename, content_type, data in parts.attachments
            ]
        return payload

    def send(self, message: EmailMessage, delivery: Delivery) -> Outcome:
        try:
            answer = requests.post(
                f"{self.api_url}/v3/mail/send",
                json=self.payload(message, delivery),
                headers={"Authorization": f"Bearer {self.api_key}"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            return _deferred(self.name, f"sendgrid: no answer: {type(exc).__name__}: {exc}")
        status = answer.status_code
        if 200 <= status < 300:
            return Outcome(
                "sent",
                provider=self.name,
                provider_message_id=answer.headers.get("X-Message-Id"),
                details={"provider": self.name, "status": status},
            )
        errors = self._errors(answer)
        text = f"sendgrid {status}: " + (
            "; ".join(e.get("message") or "?" for e in errors) or answer.reason or "error"
        )
        details = {"status": status}
        if status == 429:
            wait = retry_after_seconds(answer.headers.get("Retry-After"))
            reset = answer.headers.get("X-RateLimit-Reset")
            if wait is None and reset and reset.isdigit():
                wait = max(0.0, int(reset) - time.time())
            return _deferred(self.name, text, wait, **details)
        if status in (401, 403) or status >= 500:
            return _deferred(self.name, text, **details)
        if status == 400 and any(
            re.match(r"personalizations\.\d+\.to\b", str(e.get("field") or "")) for e in errors
        ):
            return _outcome("bounced", self.name, text, **details)
        return _outcome("failed", self.name, text, **details)

    @staticmethod
    def _errors(answer: requests.Response) -> list[dict]:
        try:
            body = answer.json()
        except ValueError:
            return []
        errors = body.get("errors") if isinstance(body, dict) else None
        return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


# ---------------------------------------------------------------------------
# SMTP


SMTP_SECURITY = ("auto", "starttls", "ssl", "none")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SmtpTransport:
    """Any SMTP server (smtplib).

    security: "ssl" (implicit TLS, port 465), "starttls" (required), "auto"
    (STARTTLS when the server offers it; the default) or "none". A password
    is never sent over an unencrypted connection to another machine.
    """

    name = "smtp"

    def __init__(
        self,
        host: str,
        port: int | None = None,
        *,
        username: str | None = None,
        password: str | None = None,
        security: str = "auto",
        timeout: float = DEFAULT_TIMEOUT_S,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if not host:
            raise ValueError("an SMTP host must not be empty (NIGHTCAP_SMTP_HOST)")
        if security not in SMTP_SECURITY:
            raise ValueError(
                f"SMTP security must be one of {', '.join(SMTP_SECURITY)}, not {security!r} "
                "(NIGHTCAP_SMTP_TLS)"
            )
        self.host = host
        self.security = security
        self.port = port or (465 if security == "ssl" else 587 if security == "starttls" else 25)
        self.username = username or None
        self.password = password or ""
        self.timeout = timeout
        self.ssl_context = ssl_context

    def _connect(self) -> smtplib.SMTP:
        context = self.ssl_context or ssl.create_default_context()
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo_or_helo_if_needed()
            if self.security == "starttls" or (
                self.security == "auto" and smtp.has_extn("starttls")
            ):
                smtp.starttls(context=context)
                smtp.ehlo()
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage, delivery: Delivery) -> Outcome:
        parts_from = message["From"].addresses[0].addr_spec
        to = message["To"].addresses[0].addr_spec
        data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
        try:
            smtp = self._connect()
        except smtplib.SMTPNotSupportedError as exc:
            return _outcome("failed", self.name, f"smtp: {exc} (NIGHTCAP_SMTP_TLS)")
        except smtplib.SMTPResponseException as exc:
            return self._answer(exc.smtp_code, exc.smtp_error, "connect")
        except (smtplib.SMTPException, OSError) as exc:
            return _deferred(self.name, f"smtp: cannot reach {self.host}:{self.port}: {exc}")
        try:
            return self._session(smtp, parts_from, to, data)
        except smtplib.SMTPAuthenticationError as exc:
            return _deferred(self.name, f"smtp: login refused: {exc.smtp_code} {_text(exc)}")
        except smtplib.SMTPDataError as exc:
            return self._answer(exc.smtp_code, exc.smtp_error, "DATA")
        except smtplib.SMTPResponseException as exc:
            return self._answer(exc.smtp_code, exc.smtp_error, "session")
        except (smtplib.SMTPException, OSError) as exc:
            return _deferred(self.name, f"smtp: {type(exc).__name__}: {exc}")
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()
            smtp.close()

    def _session(self, smtp: smtplib.SMTP, sender: str, to: str, data: bytes) -> Outcome:
        encrypted = isinstance(smtp.sock, ssl.SSLSocket)
        if self.username:
            if not encrypted and not _is_loopback(self.host):
                return _outcome(
                    "failed",
                    self.name,
                    f"smtp: {self.host} offers no TLS, and the password is not sent in clear "
                    "(set NIGHTCAP_SMTP_TLS=starttls or ssl)",
                )
            smtp.login(self.username, self.password)
        options = ["SMTPUTF8"] if not (sender + to).isascii() else []
        code, answer = smtp.mail(sender, options)
        if code != 250:
            return self._answer(code, answer, "MAIL FROM")
        code, answer = smtp.rcpt(to)
        if code not in (250, 251):
            if code >= 500:
                return _outcome(
                    "bounced",
                    self.name,
                    f"smtp: recipient {to} refused: {code} {_text(answer)}",
                    status=code,
                )
            return self._answer(code, answer, "RCPT TO")
        code, answer = smtp.data(data)
        queued = re.search(r"queued as\s+<?([^\s>]+)", _text(answer), re.I)
        return Outcome(
            "sent",
            provider=self.name,
            provider_message_id=queued.group(1) if queued else None,
            details={"provider": self.name, "status": code, "answer": _text(answer)},
        )

    def _answer(self, code: int, answer: bytes | str, stage: str) -> Outcome:
        text = f"smtp {stage}: {code} {_text(answer)}"
        if 400 <= code < 500 or code < 200:
            return _deferred(self.name, text, status=code)
        return _outcome("failed", self.name, text, status=code)


def _text(answer: object) -> str:
    if isinstance(answer, bytes):
        return answer.decode("utf-8", "replace")
    if isinstance(answer, smtplib.SMTPResponseException):
        return _text(answer.smtp_error)
    return str(answer)


# ---------------------------------------------------------------------------
# The local outbox


def default_outbox_dir() -> Path:
    return Path(os.environ.get("NIGHTCAP_OUTBOX_DIR") or settings.PROJECT_ROOT / "out" / "outbox")


class OutboxTransport:
    """Writes each message as `delivery-<id>-attempt-<n>.eml` in a directory, atomically."""

    name = "outbox"

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory else default_outbox_dir()

    def path_for(self, delivery: Delivery) -> Path:
        return self.directory / f"delivery-{delivery.delivery_id}-attempt-{delivery.attempt}.eml"

    def send(self, message: EmailMessage, delivery: Delivery) -> Outcome:
        path = self.path_for(delivery)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomically(path, message.as_bytes())
        except OSError as exc:
            return _deferred(self.name, f"outbox: cannot write {path}: {exc.strerror or exc}")
        return Outcome(
            "sent",
            provider=self.name,
            provider_message_id=path.name,
            details={"provider": self.name, "path": str(path)},
        )


# ---------------------------------------------------------------------------
# Failover


class FailoverTransport:
    """Tries each transport in order until one accepts the message or the address bounces."""

    name = "failover"

    def __init__(self, transports: Sequence[EmailTransport]) -> None:
        if not transports:
            raise ValueError("a failover needs at least one transport")
        self.transports = list(transports)

    def send(self, message: EmailMessage, delivery: Delivery) -> Outcome:
        tried: list[Outcome] = []
        for transport in self.transports:
            try:
                outcome = transport.send(message, delivery)
            except Exception as exc:  # a transport's own bug must not stop the others
                outcome = _deferred(
                    transport.name, f"{transport.name}: {type(exc).__name__}: {exc}"
                )
            tried.append(outcome)
            if outcome.outcome in ("sent", "bounced"):
                break
        attempts = [
            {
                "provider": o.provider,
                "outcome": o.outcome,
                **({"error": o.error} if o.error else {}),
                **({"retry_after_s": o.retry_after_s} if o.retry_after_s is not None else {}),
            }
            for o in tried
        ]
        last = tried[-1]
        if last.outcome in ("sent", "bounced"):
            return Outcome(
                last.outcome,
                provider=last.provider,
                provider_message_id=last.provider_message_id,
                error=last.error,
                details={**last.details, "attempts": attempts},
            )
        errors = "; ".join(o.error or f"{o.provider}: {o.outcome}" for o in tried)
        deferred = [o for o in tried if o.outcome == "deferred"]
        if deferred:
            waits = [o.retry_after_s for o in deferred if o.retry_after_s is not None]
            return Outcome(
                "deferred",
                provider=deferred[-1].provider,
                error=errors,
                retry_after_s=max(waits) if waits else None,
                details={"attempts": attempts},
            )
        return Outcome(
            "failed", provider=last.provider, error=errors, details={"attempts": attempts}
        )


# ---------------------------------------------------------------------------
# From the environment


def mail_from(environ: Mapping[str, str] | None = None) -> str:
    """NIGHTCAP_MAIL_FROM (checked), default `nightcap reports <reports@nightcap.local>`."""
    env = os.environ if environ is None else environ
    sender = env.get("NIGHTCAP_MAIL_FROM") or DEFAULT_SENDER
    sender_address(sender)  # ValueError naming the variable when it is not one address
    return sender


def mail_timeout(environ: Mapping[str, str] | None = None) -> float:
    env = os.environ if environ is None else environ
    value = env.get("NIGHTCAP_MAIL_TIMEOUT") or str(DEFAULT_TIMEOUT_S)
    try:
        timeout = float(value)
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= 600:
        raise ValueError(f"NIGHTCAP_MAIL_TIMEOUT must be seconds from 0 to 600, not {value!r}")
    return timeout


def smtp_transport_from_env(environ: Mapping[str, str] | None = None) -> SmtpTransport | None:
    env = os.environ if environ is None else environ
    host = env.get("NIGHTCAP_SMTP_HOST")
    if not host:
        return None
    port_text = env.get("NIGHTCAP_SMTP_PORT") or ""
    if port_text and (not port_text.isdigit() or not 0 < int(port_text) <= 65535):
        raise ValueError(f"NIGHTCAP_SMTP_PORT must be a port number, not {port_text!r}")
    security = (env.get("NIGHTCAP_SMTP_TLS") or "auto").strip().lower()
    security = {"true": "starttls", "yes": "starttls", "off": "none", "false": "none"}.get(
        security, security
    )
    return SmtpTransport(
        host,
        int(port_text) if port_text else None,
        username=env.get("NIGHTCAP_SMTP_USER") or None,
        password=env.get("NIGHTCAP_SMTP_PASSWORD") or None,
        security=security,
        timeout=mail_timeout(env),
    )


def email_transport_from_env(environ: Mapping[str, str] | None = None) -> EmailTransport:
    """Resend, SendGrid, SMTP, in that order, of those configured; the outbox when none is."""
    env = os.environ if environ is None else environ
    timeout = mail_timeout(env)
    chain: list[EmailTransport] = []
    if env.get("RESEND_API_KEY"):
        chain.append(
            ResendTransport(
                env["RESEND_API_KEY"], api_url=env.get("RESEND_API_URL") or None, timeout=timeout
            )
        )
    if env.get("SENDGRID_API_KEY"):
        chain.append(
            SendGridTransport(
                env["SENDGRID_API_KEY"],
                api_url=env.get("SENDGRID_API_URL") or None,
                timeout=timeout,
            )
        )
    smtp = smtp_transport_from_env(env)
    if smtp is not None:
        chain.append(smtp)
    if not chain:
        return OutboxTransport(env.get("NIGHTCAP_OUTBOX_DIR") or None)
    return FailoverTransport(chain)
