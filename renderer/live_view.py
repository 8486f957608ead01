"""What the live page shows of api.live_kpis' figures: cards and the hours' bars.

One place turns the JSON into what people read, for the first page load and
for every server-sent event after it, so the two can never disagree.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from renderer.formatting import format_change, format_count, format_currency, format_ratio


def _money(kpis: dict, value) -> str:
    return format_currency(float(value or 0), kpis.get("currency") or "GBP", pennies=False)


def cards(kpis: dict) -> list[dict]:
    """The headline cards: label, value, a line under it, and a tone (ok, warning)."""
    occupancy = kpis.get("occupancy") or {}
    bookings = kpis.get("bookings") or {}
    revenue = kpis.get("revenue") or {}
    capacity = kpis.get("capacity")
    result = [
        {
            "key": "people_inside",
            "label": "People inside now",
            "value": format_count(occupancy.get("people_inside", 0)),
            "sub": f"{format_ratio(occupancy.get('rate'))} of {format_count(capacity)}",
        },
        {
            "key": "peak",
            "label": "Peak tonight",
            "value": format_count(occupancy.get("peak", 0)),
            "sub": format_ratio(occupancy.get("peak_rate")),
        },
        {
            "key": "arrived",
            "label": "Bookings arrived",
            "value": format_count(bookings.get("arrived", 0)),
            "sub": f"{format_count(bookings.get('arrived_covers', 0))} covers"
            f" of {format_count(bookings.get('total', 0))} bookings",
        },
        {
            "key": "expected",
            "label": "Expected",
            "value": format_count(bookings.get("expected", 0)),
            "sub": f"{format_count(bookings.get('expected_covers', 0))} covers still to come",
        },
        {
            "key": "late",
            "label": "Late",
            "value": format_count(bookings.get("late", 0)),
            "sub": f"over {bookings.get('late_after_minutes', 30)} min past arrival time",
            "tone": "warning" if bookings.get("late") else "",
        },
        {
            "key": "revenue",
            "label": "Revenue so far",
            "value": _money(kpis, revenue.get("gross")),
            "sub": f"net {_money(kpis, revenue.get('net'))}"
            f" after {_money(kpis, revenue.get('refunds'))} refunds",
        },
    ]
    event = kpis.get("event")
    if event:
        average = event.get("series_average") or {}
        versus = event.get("attendance_vs_average")
        result.append(
            {
                "key": "event",
                "label": f"{event.get('name') or 'Event'} ({event.get('phase') or 'tonight'})",
                "value": format_count(event.get("attendance", 0)),
                "sub": (
                    f"{format_change(versus - 1)} against the series average of"
                    f" {format_count(average.get('attendance'))}"
                    if versus is not None
                    else "first of its series"
                ),
            }
        )
    return result


def hours(kpis: dict) -> list[dict]:
    """Revenue per local hour of the trading day so far, each with its bar's height (%)."""
    hourly = kpis.get("hourly") or []
    top = max((float(h.get("gross") or 0) for h in hourly), default=0.0)
    zone = ZoneInfo(kpis.get("timezone") or "Europe/London")
    # The quiet hours before the first scan or sale are left out, not drawn as zeros.
    while len(hourly) > 1 and not (
        float(hourly[0].get("gross") or 0)
        or hourly[0].get("check_ins")
        or hourly[0].get("check_outs")
    ):
        hourly = hourly[1:]
    result = []
    for h in hourly:
        start = dt.datetime.fromisoformat(str(h["hour_start"])).astimezone(zone)
        gross = float(h.get("gross") or 0)
        result.append(
            {
                "label": f"{start:%H}",
                "value": _money(kpis, gross),
                "height": round(100 * gross / top) if top else 0,
            }
        )
    return result
