"""One report email for one recipient, built from a claimed Delivery (no database).

The message (an email.message.EmailMessage, multipart/mixed):
- multipart/alternative: a plain-text part written from the report's headline
  and summary figures, then the report's own HTML file as the HTML part, with
  a short block at the top (a stale notice, the download links) and a footer
  (why the recipient gets it, the unsubscribe link);
- the files of the formats the recipient asked for (delivery.formats), read
  from storage by key, attached while their total stays under 10 MB;
  when the whole set is larger, nothing is attached and both parts list signed
  download links (signed_links) valid for at least 7 days.

Headers: Message-ID is delivery.message_id (the same on every attempt, so a
re-send is recognisable); List-Unsubscribe (a signed https link naming the
subscription, see unsubscribe_links) and List-Unsubscribe-Post:
List-Unsubscribe=One-Click (RFC 8058) when the delivery has a subscription;
X-Nightcap-Delivery (the delivery id) and X-Nightcap-Idempotency-Key (the
delivery's idempotency key, which transports hand to providers that take one).

Apart from the Date header, the same delivery gives the same message all day
long: link expiries are counted from the start of the current UTC day, so a
retry within the day sends identical content, and a provider that keeps an
idempotency key (Resend) sees the same request again, not a different one
under the same key.
"""

import datetime as dt
import email.policy
import html
import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses

from renderer import signed_links, unsubscribe_links
from renderer.delivery_types import Delivery
from renderer.formatting import format_count, format_currency, format_period, full_date
from renderer.storage import Storage, content_type_for

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # the attachments' total must stay under this
DOWNLOAD_TTL_DAYS = 7
UNSUBSCRIBE_TTL_DAYS = 90
DEFAULT_SENDER = "nightcap reports <reports@nightcap.local>"

# The summary figures the plain-text part shows, in order: (key, label, kind).
SUMMARY_FIGURES = [
    ("gross_revenue", "Gross revenue", "currency"),
    ("net_revenue", "Net revenue", "currency"),
    ("refunds", "Refunds", "currency"),
    ("bookings_total", "Bookings", "count"),
    ("bookings_no_show", "No-shows", "count"),
    ("covers", "Covers", "count"),
    ("check_ins", "Check-ins", "count"),
    ("peak_occupancy", "Peak occupancy", "count"),
]
# Headers are written unfolded up to RFC 5322's 998 characters: the default
# policy would fold a long List-Unsubscribe URL into RFC 2047 encoded words,
# which no mail client reads as a link. The parts' bodies are encoded (at 76
# characters a line) when they are set, under the default policy, before the
# message is switched to this one.
HEADER_POLICY = email.policy.default.clone(max_line_length=998)
_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_BODY_CLOSE = re.compile(r"</body\s*>", re.IGNORECASE)


class EmailBuildError(Exception):
    """The delivery cannot be made into an email (a file missing, a bad report)."""


class InvalidRecipientError(EmailBuildError):
    """The destination is not one plain email address: never worth retrying."""


@dataclass(frozen=True)
class ReportFile:
    format: str
    key: str
    filename: str
    content_type: str
    bytes: int | None


@dataclass(frozen=True)
class DownloadLink:
    format: str
    filename: str
    bytes: int | None
    url: str


def recipient_address(delivery: Delivery) -> Address:
    """The delivery's destination as an Address with the recipient's name."""
    destination = (delivery.destination or "").strip()
    if not destination or any(c in destination for c in '\r\n\x00,;<>"()[]\\ '):
        raise InvalidRecipientError(f"{destination!r} is not a plain email address")
    parsed = getaddresses([destination])
    if len(parsed) != 1 or parsed[0][1] != destination or destination.count("@") != 1:
        raise InvalidRecipientError(f"{destination!r} is not a plain email address")
    username, domain = destination.split("@")
    if not username or not domain or "." not in domain.strip("."):
        raise InvalidRecipientError(f"{destination!r} is not a plain email address")
    name = " ".join((delivery.recipient_name or "").split())
    try:
        return Address(display_name=name, username=username, domain=domain)
    except (ValueError, IndexError) as exc:
        raise InvalidRecipientError(f"{destination!r} is not a usable email address") from exc


def sender_address(sender: str) -> Address:
    """`Name <addr@domain>` or a bare address as an Address; ValueError when it is neither."""
    parsed = getaddresses([sender or ""])
    if len(parsed) != 1 or parsed[0][1].count("@") != 1 or any(c in sender for c in "\r\n"):
        raise ValueError(f"the sender {sender!r} is not one email address (NIGHTCAP_MAIL_FROM)")
    name, addr = parsed[0]
    username, domain = addr.split("@")
    return Address(display_name=name, username=username, domain=domain)


def _place(report: dict) -> str:
    venues = [v for v in report.get("venues") or [] if isinstance(v, dict) and v.get("name")]
    if len(venues) == 1:
        return str(venues[0]["name"])
    return str(report.get("organization") or report.get("organization_slug") or "nightcap")


def _period(report: dict) -> str:
    start, end = report.get("period_start"), report.get("period_end") or report.get("period_start")
    if not start:
        return ""
    try:
        return format_period(start, end)
    except (TypeError, ValueError):
        return f"{start} to {end}"


def subject_for(report: dict) -> str:
    """`Daily Summary — The Backroom, Saturday 21 November 2026`; stale ones say so first."""
    name = str(report.get("name") or report.get("template_key") or "Report")
    period = _period(report)
    subject = f"{name} \u2014 {_place(report)}" + (f", {period}" if period else "")
    if report.get("is_stale"):
        subject = f"[Out of date] {subject}"
    return " ".join(subject.split())


def _stale_notice(report: dict) -> str | None:
    if not report.get("is_stale"):
        return None
    reason = " ".join(str(report.get("stale_reason") or "").split())
    text = (
        "OUT OF DATE: this is an earlier report sent again, because the latest one "
        "could not be produced."
    )
    return f"{text} {reason}" if reason else text


def _size(n: int | None) -> str:
    if n is None:
        return "size unknown"
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def report_files(delivery: Delivery) -> list[ReportFile]:
    """The report's files for the delivery's formats, in the delivery's order."""
    by_format: dict[str, dict] = {}
    for f in delivery.report.get("files") or []:
        if isinstance(f, dict) and f.get("format") and f.get("key"):
            by_format.setdefault(str(f["format"]), f)
    files = []
    for fmt in dict.fromkeys(delivery.formats or []):
        f = by_format.get(fmt)
        if f is None:
            raise EmailBuildError(
                f"delivery {delivery.delivery_id} asks for {fmt}, but report "
                f"{delivery.generation_id} has no {fmt} file"
            )
        key = str(f["key"])
        size = f.get("bytes")
        files.append(
            ReportFile(
                format=fmt,
                key=key,
                filename=key.rsplit("/", 1)[-1],
                content_type=str(f.get("content_type") or content_type_for(key)),
                bytes=size if isinstance(size, int) and not isinstance(size, bool) else None,
            )
        )
    return files


def _day_start(now: dt.datetime) -> int:
    day = now.astimezone(dt.UTC).date()
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def _summary_lines(report: dict) -> list[tuple[str, str]]:
    summary = report.get("summary") if isinstance(report.get("summary"), dict) else {}
    currency = str(summary.get("currency") or "GBP")
    lines = []
    for key, label, kind in SUMMARY_FIGURES:
        value = summary.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        text = format_currency(value, currency) if kind == "currency" else format_count(value)
        lines.append((label, text))
    return lines


def _text_body(
    delivery: Delivery,
    attached: list[ReportFile],
    links: list[DownloadLink],
    links_until: str | None,
    unsubscribe: str | None,
    total_bytes: int,
) -> str:
    report = delivery.report
    out: list[str] = []
    notice = _stale_notice(report)
    if notice:
        out += [notice, ""]
    name = str(report.get("name") or report.get("template_key") or "Report")
    out.append(f"{name} \u2014 {_place(report)}")
    period = _period(report)
    if period:
        out.append(period)
    out.append("")
    headline = report.get("headline") or (report.get("summary") or {}).get("headline")
    if headline:
        out += [" ".join(str(headline).split()), ""]
    figures = _summary_lines(report)
    if figures:
        width = max(len(label) for label, _ in figures)
        out += [f"{label.ljust(width)}  {text}" for label, text in figures]
        out.append("")
    if attached:
        out.append("Attached:")
        out += [f"  {f.format.upper()}: {f.filename} ({_size(f.bytes)})" for f in attached]
        out.append("")
    if links:
        out.append(
            f"The files are too large to attach ({_size(total_bytes)} in all). "
            f"Download them (links valid until {links_until}):"
        )
        out += [f"  {link.format.upper()} ({_size(link.bytes)}): {link.url}" for link in links]
        out.append("")
    out.append("The full report is the HTML version of this email.")
    out += ["", "-- "]
    organization = report.get("organization") or report.get("organization_slug") or "nightcap"
    out.append(f"Sent by nightcap for {organization} to {delivery.recipient_name or 'you'}.")
    if unsubscribe:
        out.append(f"Stop receiving this report: {unsubscribe}")
    return "\n".join(out) + "\n"


def _html_blocks(
    delivery: Delivery,
    links: list[DownloadLink],
    links_until: str | None,
    unsubscribe: str | None,
    total_bytes: int,
) -> tuple[str, str]:
    """The block put at the top of the HTML body, and the footer put at its end."""
    esc = html.escape
    top = []
    notice = _stale_notice(delivery.report)
    if notice:
        top.append(
            '<p style="margin:0 0 8px;padding:10px 12px;background:#fef3c7;color:#78350f;'
            f'border:1px solid #f59e0b;font-weight:bold">{esc(notice)}</p>'
        )
    if links:
        items = "".join(
            f'<li><a href="{esc(link.url)}">{esc(link.format.upper())}: {esc(link.filename)}</a>'
            f" ({esc(_size(link.bytes))})</li>"
            for link in links
        )
        top.append(
            '<div style="margin:0 0 8px;padding:10px 12px;background:#f1f5f9;color:#0f172a">'
            f'<p style="margin:0 0 4px">The files are too large to attach '
            f"({esc(_size(total_bytes))} in all). Download them (links valid until "
            f'{esc(links_until or "")}):</p><ul style="margin:0">{items}</ul></div>'
        )
    top_html = (
        f'<div class="nightcap-email-top" style="font-family:sans-serif;font-size:14px">'
        f"{''.join(top)}</div>"
        if top
        else ""
    )
    organization = (
        delivery.report.get("organization") or delivery.report.get("organization_slug") or ""
    )
    footer = (
        '<div class="nightcap-email-footer" style="font-family:sans-serif;font-size:12px;'
        'color:#64748b;margin:16px 0;padding:8px 12px;border-top:1px solid #e2e8f0">'
        f"Sent by nightcap for {esc(str(organization))} to "
        f"{esc(delivery.recipient_name or 'you')}."
    )
    if unsubscribe:
        footer += f' <a href="{esc(unsubscribe)}">Stop receiving this report</a>.'
    footer += "</div>"
    return top_html, footer


def _fallback_html(delivery: Delivery) -> str:
    report = delivery.report
    esc = html.escape
    rows = "".join(
        f'<tr><td>{esc(label)}</td><td style="text-align:right">{esc(text)}</td></tr>'
        for label, text in _summary_lines(report)
    )
    headline = report.get("headline") or ""
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{esc(subject_for(report))}</title></head><body>"
        f"<h1>{esc(str(report.get('name') or 'Report'))} \u2014 {esc(_place(report))}</h1>"
        f"<p>{esc(_period(report))}</p><p>{esc(str(headline))}</p>"
        f"<table>{rows}</table></body></html>"
    )


def _wrap_html(document: str, top: str, footer: str) -> str:
    opening = _BODY_OPEN.search(document)
    if opening:
        document = document[: opening.end()] + top + document[opening.end() :]
    else:
        document = top + document
    closings = list(_BODY_CLOSE.finditer(document))
    if closings:
        closing = closings[-1]
        return document[: closing.start()] + footer + document[closing.start() :]
    return document + footer


def build_email(
    delivery: Delivery,
    storage: Storage,
    *,
    sender: str,
    link_base_url: str,
    secret: bytes,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """The email for one delivery. Raises InvalidRecipientError for a destination that
    is not an address, EmailBuildError for a file the report lacks, and
    storage.StorageError (NotFoundError, ...) when a file cannot be read."""
    now = now or dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    report = delivery.report if isinstance(delivery.report, dict) else {}
    to = recipient_address(delivery)
    files = report_files(delivery)
    day_start = _day_start(now)
    base_url = link_base_url.rstrip("/")

    # Each file is read at most once; the sizes come from the report's file
    # list, and a file listed without one is read to measure it.
    contents: dict[str, bytes] = {}

    def read(key: str) -> bytes:
        if key not in contents:
            contents[key] = storage.open(key)
        return contents[key]

    sizes = [f.bytes if f.bytes is not None else len(read(f.key)) for f in files]
    total = sum(sizes)
    attach = total < MAX_ATTACHMENT_BYTES
    links: list[DownloadLink] = []
    links_until = None
    if not attach:
        expires_at = day_start + (DOWNLOAD_TTL_DAYS + 1) * 86400
        links_until = full_date(dt.datetime.fromtimestamp(expires_at, dt.UTC).date())
        for f, size in zip(files, sizes, strict=True):
            if not storage.exists(f.key):
                raise EmailBuildError(f"report file {f.key} is not in storage")
            url = base_url + signed_links.sign(f.key, expires_at, secret)
            links.append(DownloadLink(f.format, f.filename, size, url))

    unsubscribe = None
    if delivery.subscription_id is not None:
        unsubscribe = unsubscribe_links.unsubscribe_url(
            delivery.subscription_id,
            secret,
            day_start + (UNSUBSCRIBE_TTL_DAYS + 1) * 86400,
            base_url,
        )

    html_file = next(
        (f for f in report.get("files") or [] if isinstance(f, dict) and f.get("format") == "html"),
        None,
    )
    if html_file and html_file.get("key"):
        document = read(str(html_file["key"])).decode("utf-8", "replace")
    else:
        document = _fallback_html(delivery)
    top, footer = _html_blocks(delivery, links, links_until, unsubscribe, total)

    message = EmailMessage()
    message["From"] = sender_address(sender)
    message["To"] = to
    message["Subject"] = subject_for(report)
    message["Date"] = format_datetime(now.astimezone(dt.UTC))
    message["Message-ID"] = delivery.message_id
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message["X-Nightcap-Delivery"] = str(delivery.delivery_id)
    message["X-Nightcap-Idempotency-Key"] = str(delivery.idempotency_key)
    message.set_content(
        _text_body(delivery, files if attach else [], links, links_until, unsubscribe, total)
    )
    message.add_alternative(_wrap_html(document, top, footer), subtype="html")
    if attach:
        for f in files:
            data = read(f.key)
            maintype, _, subtype = f.content_type.split(";")[0].strip().partition("/")
            message.add_attachment(
                data,
                maintype=maintype or "application",
                subtype=subtype or "octet-stream",
                filename=f.filename,
            )
    message.policy = HEADER_POLICY
    return message
