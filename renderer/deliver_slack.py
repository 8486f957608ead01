"""Slack deliveries: seed 003's message, posted to a Slack incoming-webhook URL.

    {"text": "Your scheduled report \\"Daily Summary\\" is ready",
     "attachments": [{"title": "Daily Summary", "title_link": <signed 7-day link>,
                      "fields": [{"title": "Format", ...}, {"title": "Generated At", ...},
                                 {"title": "File Size", ...}]}]}

The link goes to the first of the delivery's formats (else the PDF, else the
first file); Generated At is shown in the report's time zone, the size in
KB/MB. A stale re-issue (the latest run failed and the last good report was
sent again) says so in the text and in a Notice field, in red.

An alert notification posts alert_messages.slack_alert_message instead: the
alert's title as text, its facts as fields, coloured by level.

The incoming-webhook URL itself is the credential, so it is never logged nor
put in the outcome. Slack answers 200 "ok"; 429 with Retry-After when rate
limited (about one message a second per webhook) -> deferred for that long;
5xx, a timeout or no connection -> deferred; 404 no_service / 410
channel_is_archived (the webhook was removed or its channel archived) and any
other 4xx (invalid_payload, action_prohibited, ...) -> failed.
"""

import json
import time

from renderer.alert_messages import slack_alert_message
from renderer.deliver_http import (
    HttpAnswer,
    TransportError,
    common_outcome,
    file_link,
    human_size,
    post_json,
    report_file,
)
from renderer.delivery_types import Delivery, Outcome
from renderer.formatting import format_timestamp

PROVIDER = "slack"
COLOUR = "#2b6cb0"
STALE_COLOUR = "#c53030"


def slack_message(delivery: Delivery, file: dict, file_url: str) -> dict:
    """The message seed 003 shows, with a notice on a stale re-issue."""
    report = delivery.report
    name = report.get("name") or report.get("template_key") or "report"
    text = f'Your scheduled report "{name}" is ready'
    fields = [
        {"title": "Format", "value": str(file.get("format") or "").upper(), "short": True},
        {
            "title": "Generated At",
            "value": format_timestamp(report.get("generated_at"), report.get("timezone")),
            "short": True,
        },
        {"title": "File Size", "value": human_size(file.get("bytes")), "short": True},
    ]
    stale = bool(report.get("is_stale"))
    if stale:
        reason = report.get("stale_reason") or "the latest run failed"
        text += " (re-issued: the latest run failed, this is the last good report)"
        fields.append({"title": "Notice", "value": f"Re-issued report: {reason}", "short": False})
    attachment = {
        "fallback": f"{text}: {file_url}",
        "color": STALE_COLOUR if stale else COLOUR,
        "title": name,
        "title_link": file_url,
        "fields": fields,
        "footer": f"{report.get('organization') or ''} · nightcap".strip(" ·"),
    }
    if report.get("headline"):
        attachment["text"] = report["headline"]
    return {"text": text, "attachments": [attachment]}


def send_slack(
    delivery: Delivery,
    *,
    secret: bytes,
    link_base_url: str,
    timeout_s: float = 10,
    now: float | None = None,
) -> Outcome:
    """Posts the report's (or alert's) message to the incoming webhook delivery.destination.

    `secret` is the download-link secret (it signs the message's link).
    """
    current = time.time() if now is None else now
    if delivery.alert is not None:
        return post_message(delivery, slack_alert_message(delivery), current, timeout_s, {})
    file = report_file(delivery)
    if file is None:
        return Outcome("failed", PROVIDER, error="the report has no stored file to link")
    file_url, expires_at = file_link(file, secret, link_base_url, current)
    return post_message(
        delivery,
        slack_message(delivery, file, file_url),
        current,
        timeout_s,
        {"format": file.get("format"), "link_expires_at": expires_at},
    )


def post_message(
    delivery: Delivery, message: dict, now: float, timeout_s: float, details: dict
) -> Outcome:
    """Posts one message to the incoming webhook delivery.destination; how it went."""
    body = json.dumps(message).encode("utf-8")
    try:
        answer = post_json(delivery.destination, body, {}, timeout_s)
    except TransportError as exc:
        return Outcome("deferred", PROVIDER, error=f"no answer from Slack: {exc}")
    return classify(answer, now, details)


def classify(answer: HttpAnswer, now: float, details: dict) -> Outcome:
    """Slack's answer as an outcome for api.record_delivery."""
    details, outcome = common_outcome(
        answer, now, details, PROVIDER, "Slack", "rate limited by Slack"
    )
    if outcome is not None:
        return outcome
    status, said = answer.status, answer.snippet
    if status in (404, 410):
        return Outcome(
            "failed",
            PROVIDER,
            error=f"{status} {said or 'no_service'}: the Slack webhook was removed or its "
            "channel archived; add a new incoming webhook",
            details=details,
        )
    return Outcome("failed", PROVIDER, error=f"{status} from Slack: {said}", details=details)
