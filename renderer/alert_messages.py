"""What an alert notification says, on each channel (no database, no network).

An alert notification is a claimed Delivery whose `alert` is set (and whose
report is None): api.claim_deliveries hands it over as it was queued by
internal.create_alert_deliveries. The sender's channels (deliver_email,
deliver_webhook, deliver_slack) send it through their usual transports,
signing, failover and answer handling; only the words come from here.

`alert` has, for every kind:
    kind            "kpi" (a KPI threshold breach) or "job" (a job alert rule)
    transition      "raised", "escalated" or "cleared" (job alerts: "raised")
    level           "warning" or "critical" (for "cleared": the level cleared)
    event_id        the kpi_alert_events / job_alert_events row
    occurred_at     ISO timestamp; organization, organization_slug, timezone
for kind "kpi":
    code, kpi_name, unit (currency, ratio, count, rating, people), direction
    (higher_better, lower_better), value, threshold (the one crossed; for a
    clear, the warning threshold the value is back within), target,
    warning_threshold, critical_threshold, breaches, alert_after_breaches,
    venue_id, venue, business_date, currency
for kind "job":
    alert_id, alert_name, alert_type (failure, consecutive_failures, timeout,
    slow, missed_run, bounce_rate), job_id, job_name, run_id, message, details

Subjects read like
    [warning] Average spend per head below £40 at The Backroom, Sat 21 Nov
    [critical] Average spend per head below £30 at The Backroom, Sun 22 Nov
    [cleared] Average spend per head back above £40 at The Backroom, Mon 23 Nov
    [critical] Job report:daily_summary: failure (Nightly report failed)
"""

import datetime as dt
import html
from email.message import EmailMessage
from email.utils import format_datetime

from renderer.delivery_types import Delivery
from renderer.email_message import HEADER_POLICY, recipient_address, sender_address
from renderer.formatting import format_date, format_timestamp, format_value, parse_date

WEBHOOK_EVENTS = {
    "raised": "alert.raised",
    "escalated": "alert.escalated",
    "cleared": "alert.cleared",
}
LEVEL_COLOURS = {"warning": "#d97706", "critical": "#c53030", "cleared": "#2f855a"}


def _tag(alert: dict) -> str:
    """What the subject leads with: the level, or `cleared`."""
    return "cleared" if alert.get("transition") == "cleared" else str(alert.get("level") or "alert")


def _kpi_figure(alert: dict, key: str, *, pennies: bool = True) -> str:
    return format_value(
        alert.get(key), alert.get("unit"), str(alert.get("currency") or "GBP"), pennies=pennies
    )


def _day(alert: dict) -> str:
    day = parse_date(alert.get("business_date"))
    return format_date(day, year=day.year) if day else ""


def alert_title(alert: dict) -> str:
    """The one line every channel leads with (the email's subject)."""
    tag = _tag(alert)
    if alert.get("kind") == "kpi":
        name = str(alert.get("kpi_name") or alert.get("code") or "KPI")
        worse = "below" if alert.get("direction") == "higher_better" else "above"
        better = "above" if worse == "below" else "below"
        threshold = _kpi_figure(alert, "threshold", pennies=False)
        where = f" at {alert['venue']}" if alert.get("venue") else ""
        when = f", {_day(alert)}" if alert.get("business_date") else ""
        if alert.get("transition") == "cleared":
            return f"[{tag}] {name} back {better} {threshold}{where}{when}"
        return f"[{tag}] {name} {worse} {threshold}{where}{when}"
    job = alert.get("job_name") or f"job {alert.get('job_id')}"
    kind = str(alert.get("alert_type") or "alert").replace("_", " ")
    rule = f" ({alert['alert_name']})" if alert.get("alert_name") else ""
    return " ".join(f"[{tag}] Job {job}: {kind}{rule}".split())


def alert_lines(alert: dict) -> list[tuple[str, str]]:
    """The alert's facts as (label, text) pairs, in the order every channel shows them."""
    if alert.get("kind") == "kpi":
        lines = [
            ("KPI", str(alert.get("kpi_name") or alert.get("code"))),
            ("Venue", str(alert.get("venue") or "")),
            ("Business date", _day(alert)),
            ("Value", _kpi_figure(alert, "value")),
            (
                "Warning below" if alert.get("direction") == "higher_better" else "Warning above",
                _kpi_figure(alert, "warning_threshold"),
            ),
            (
                "Critical below" if alert.get("direction") == "higher_better" else "Critical above",
                _kpi_figure(alert, "critical_threshold"),
            ),
            ("Target", _kpi_figure(alert, "target")),
        ]
        if alert.get("transition") != "cleared":
            lines.append(("Consecutive nights", str(alert.get("breaches"))))
    else:
        lines = [
            ("Job", str(alert.get("job_name") or alert.get("job_id"))),
            ("Rule", str(alert.get("alert_name") or "")),
            ("What happened", " ".join(str(alert.get("message") or "").split())),
        ]
        if alert.get("run_id") is not None:
            lines.append(("Run", str(alert["run_id"])))
    lines.append(("Organization", str(alert.get("organization") or "")))
    lines.append(("When", format_timestamp(alert.get("occurred_at"), alert.get("timezone"))))
    return [(label, text) for label, text in lines if text]


def _explanation(alert: dict) -> str:
    transition = alert.get("transition")
    if alert.get("kind") != "kpi":
        return (
            "A job alert rule matched. Further matches within its grace period "
            "are counted into this alert."
        )
    n = alert.get("alert_after_breaches")
    if transition == "cleared":
        return "The value is back within its warning threshold: the alert is cleared."
    if transition == "escalated":
        return (
            f"The warning has become critical: {n} consecutive nights past the critical threshold."
        )
    return (
        f"Raised after {n} consecutive nights past the threshold; "
        "one night back on target clears it."
    )


def alert_text(delivery: Delivery) -> str:
    alert = delivery.alert or {}
    width = max((len(label) for label, _ in alert_lines(alert)), default=0)
    out = [alert_title(alert), "", _explanation(alert), ""]
    out += [f"{label.ljust(width)}  {text}" for label, text in alert_lines(alert)]
    out += ["", "-- "]
    out.append(
        f"Sent by nightcap for {alert.get('organization') or 'your organization'} to "
        f"{delivery.recipient_name or 'you'}, an admin."
    )
    return "\n".join(out) + "\n"


def alert_html(delivery: Delivery) -> str:
    alert = delivery.alert or {}
    esc = html.escape
    colour = LEVEL_COLOURS.get(_tag(alert), "#2b6cb0")
    rows = "".join(
        f'<tr><th style="text-align:left;padding:2px 12px 2px 0;color:#475569">{esc(label)}</th>'
        f"<td>{esc(text)}</td></tr>"
        for label, text in alert_lines(alert)
    )
    title = esc(alert_title(alert))
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{title}</title></head>"
        '<body style="font-family:sans-serif;font-size:14px;color:#0f172a">'
        f'<p style="margin:0 0 12px;padding:10px 12px;border-left:6px solid {colour};'
        f'background:#f8fafc;font-weight:bold">{title}</p>'
        f"<p>{esc(_explanation(alert))}</p>"
        f'<table style="border-collapse:collapse">{rows}</table>'
        '<p style="font-size:12px;color:#64748b;margin-top:16px;border-top:1px solid #e2e8f0;'
        f'padding-top:8px">Sent by nightcap for {esc(str(alert.get("organization") or ""))} to '
        f"{esc(delivery.recipient_name or 'you')}, an admin.</p></body></html>"
    )


def build_alert_email(
    delivery: Delivery, *, sender: str, now: dt.datetime | None = None
) -> EmailMessage:
    """The alert's email: plain text and HTML, with the headers report emails carry.

    Raises email_message.InvalidRecipientError for a destination that is not an address.
    No List-Unsubscribe: an admin stops alerts by unlinking their recipient or
    withdrawing its consent, not per message.
    """
    now = now or dt.datetime.now(dt.UTC)
    message = EmailMessage()
    message["From"] = sender_address(sender)
    message["To"] = recipient_address(delivery)
    message["Subject"] = alert_title(delivery.alert or {})
    message["Date"] = format_datetime(now.astimezone(dt.UTC))
    message["Message-ID"] = delivery.message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Nightcap-Delivery"] = str(delivery.delivery_id)
    message["X-Nightcap-Idempotency-Key"] = str(delivery.idempotency_key)
    message.set_content(alert_text(delivery))
    message.add_alternative(alert_html(delivery), subtype="html")
    message.policy = HEADER_POLICY
    return message


def slack_alert_message(delivery: Delivery) -> dict:
    """An incoming-webhook message: the title as text, the facts as fields."""
    alert = delivery.alert or {}
    title = alert_title(alert)
    return {
        "text": title,
        "attachments": [
            {
                "fallback": title,
                "color": LEVEL_COLOURS.get(_tag(alert), "#2b6cb0"),
                "text": _explanation(alert),
                "fields": [
                    {"title": label, "value": text, "short": len(text) < 40}
                    for label, text in alert_lines(alert)
                ],
                "footer": f"{alert.get('organization') or ''} · nightcap".strip(" ·"),
            }
        ],
    }


def webhook_alert_payload(delivery: Delivery) -> dict:
    """The JSON a webhook receives, signed like report.generated:

    {"event": "alert.raised" | "alert.escalated" | "alert.cleared",
     "delivery_id", "title": <the subject line>, "alert": <the alert as above>}
    """
    alert = delivery.alert or {}
    return {
        "event": WEBHOOK_EVENTS.get(str(alert.get("transition")), "alert.raised"),
        "delivery_id": delivery.delivery_id,
        "title": alert_title(alert),
        "alert": alert,
    }
