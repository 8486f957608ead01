"""`nightcap demo`: the demo organizations, generated up to yesterday, and a summary.

Idempotent: organizations that exist are topped up from the day after their
last generated night, so a second run adds nothing on the same day and loses
nothing.
"""

import contextlib
import io
import threading
from dataclasses import asdict, dataclass
from datetime import date

import psycopg

from renderer import db, queries, settings


@dataclass(frozen=True)
class DemoVenue:
    name: str
    slug: str
    capacity: int
    kind: str
    city: str
    brand_colour: str


@dataclass(frozen=True)
class DemoOrganization:
    name: str
    slug: str
    venues: tuple[DemoVenue, ...]
    days: int
    bookings_per_night: int
    seed: int


DEMO_ORGANIZATIONS = (
    DemoOrganization(
        "The Backroom Leeds",
        "backroom-leeds",
        (DemoVenue("The Backroom", "the-backroom", 850, "nightclub", "Leeds", "#7c2d12"),),
        days=180,
        bookings_per_night=180,
        seed=20260101,
    ),
    DemoOrganization(
        "Hartwell Wedding Venues",
        "hartwell-weddings",
        (
            DemoVenue(
                "Hartwell Hall", "hartwell-hall", 160, "wedding_venue", "Harrogate", "#365314"
            ),
            DemoVenue("The Old Mill", "the-old-mill", 120, "wedding_venue", "Ilkley", "#1e3a8a"),
        ),
        days=180,
        bookings_per_night=14,
        seed=20260202,
    ),
)


def ensure_organization(conn: psycopg.Connection, org: DemoOrganization) -> str:
    row = conn.execute(queries.load("demo_organization_id"), {"slug": org.slug}).fetchone()
    if row is None:
        row = conn.execute(
            queries.load("demo_create_organization"), {"name": org.name, "slug": org.slug}
        ).fetchone()
    organization_id = row["organization_id"]
    for v in org.venues:
        venue = {"organization_id": organization_id, **asdict(v)}
        if conn.execute(queries.load("demo_venue_exists"), venue).fetchone() is None:
            conn.execute(queries.load("demo_create_venue"), venue)
    return organization_id


def load(conn: psycopg.Connection) -> list[dict]:
    """Create or top up every demo organization; return what each run generated."""
    generated = []
    for org in DEMO_ORGANIZATIONS:
        with conn.transaction():
            organization_id = ensure_organization(conn, org)
            row = conn.execute(
                queries.load("demo_last_generated_day"), {"organization_id": organization_id}
            ).fetchone()
            last_day, until = row["last_day"], row["until"]
            days = org.days if last_day is None else (until - last_day).days
            if days > 0:
                counts = conn.execute(
                    queries.load("demo_generate"),
                    {
                        "organization_id": organization_id,
                        "days": days,
                        "bookings_per_night": org.bookings_per_night,
                        "seed": org.seed,
                        "until": until,
                    },
                ).fetchone()["counts"]
                if counts["events"]:
                    generated.append({"organization": org.name, **counts})
    return generated


SUMMARY_COLUMNS = (
    "organization",
    "venues",
    "events",
    "customers",
    "bookings",
    "payments",
    "check_ins",
    "first_night",
    "last_night",
)
HEADLINE_COLUMNS = (
    "organization",
    "venue",
    "business_date",
    "gross_revenue",
    "net_revenue",
    "bookings_total",
    "covers",
    "peak_occupancy",
    "occupancy_pct",
    "customers_new",
    "average_rating",
)


def summary(conn: psycopg.Connection) -> list[dict]:
    return conn.execute(queries.load("demo_summary")).fetchall()


def aggregate(conn: psycopg.Connection) -> int:
    """Drain the aggregation queue the generator filled; return venue-days rebuilt."""
    with conn.transaction():
        return conn.execute(queries.load("demo_aggregate")).fetchone()["venue_days"]


def kpi_text(row: dict) -> str:
    value = "-" if row["value"] is None else format(row["value"].normalize(), "f")
    return f"{value} ({row['status'] or 'no data'})"


def kpis(conn: psycopg.Connection, last_days: list[dict]) -> str:
    """Each venue's headline KPIs for its last trading day, with their status."""
    lines = []
    for venue in last_days:
        with conn.transaction():
            rows = conn.execute(
                queries.load("demo_kpis"),
                {
                    "organization_id": venue["organization_id"],
                    "venue_id": venue["venue_id"],
                    "day": venue["business_date"],
                },
            ).fetchall()
        figures = ", ".join(f"{r['code']} {kpi_text(r)}" for r in rows)
        lines.append(f"  {venue['venue']} {venue['business_date']}: {figures}")
    return "\n".join(lines)


REPORT_COLUMNS = (
    "organization",
    "report",
    "generation_id",
    "status",
    "period_start",
    "period_end",
    "gross_revenue",
    "net_revenue",
    "bookings",
    "check_ins",
    "sections",
    "warnings",
    "generation_ms",
)


def reports(conn: psycopg.Connection) -> list[dict]:
    """Subscribe the demo recipients, then run each organization's report jobs now.

    The runs go through the job engine as the 22:00 and Monday 09:00 runs do
    (api.enqueue_run, api.work): the Daily Summary of the last complete
    trading day and the Weekly Summary of the last week, generated in SQL.
    """
    slugs = [org.slug for org in DEMO_ORGANIZATIONS]
    with conn.transaction():
        conn.execute(queries.load("demo_recipients"), {"slugs": slugs})
    with conn.transaction():
        runs = [
            r["run_id"] for r in conn.execute(queries.load("demo_report_runs"), {"slugs": slugs})
        ]
    with conn.transaction():
        worked = conn.execute(queries.load("demo_work")).fetchall()
    failed = [w for w in worked if w["run_id"] in runs and w["status"] != "succeeded"]
    if failed:
        raise RuntimeError(f"report runs failed: {failed}")
    return conn.execute(queries.load("demo_reports_made"), {"run_ids": runs}).fetchall()


DELIVERY_COLUMNS = (
    "delivery_id",
    "generation_id",
    "report",
    "role",
    "channel",
    "destination",
    "status",
    "provider",
    "formats",
)
FILE_COLUMNS = (
    "generation_id",
    "report",
    "status",
    "format",
    "pages",
    "bytes",
    "render_ms",
    "path",
)


def alerts(conn: psycopg.Connection) -> list[dict]:
    """Link each organization's admin to its owner recipient, then evaluate the KPI alerts.

    Four weeks of trading days up to yesterday, as the nightly kpi_alerts job
    would have, so the alerts the demo's own figures breach are raised (and
    their notifications queued for the renderer to send); none is made up.
    """
    slugs = [org.slug for org in DEMO_ORGANIZATIONS]
    with conn.transaction():
        conn.execute(queries.load("demo_admin_contact"), {"slugs": slugs})
    until = conn.execute("SELECT current_date - 1 AS day").fetchone()["day"]
    with conn.transaction():
        return conn.execute(
            queries.load("demo_kpi_alerts"), {"slugs": slugs, "until": until}
        ).fetchall()


ALERT_COLUMNS = ("organization", "evaluations", "raised", "escalated", "cleared", "open_now")
ALERT_DELIVERY_COLUMNS = (
    "delivery_id",
    "transition",
    "level",
    "venue",
    "kpi",
    "night",
    "value",
    "channel",
    "destination",
    "status",
    "provider",
)


def alert_deliveries(url: str | None) -> list[dict]:
    slugs = [org.slug for org in DEMO_ORGANIZATIONS]
    with db.connect(url or settings.database_url()) as conn:
        return conn.execute(queries.load("demo_alert_deliveries"), {"slugs": slugs}).fetchall()


def render(url: str | None, made: list[dict]) -> tuple[list[dict], list[dict]]:
    """Render the queued reports with the daemon, once, and send them: files, deliveries."""
    from renderer import daemon
    from renderer.storage import default_storage

    url = url or settings.database_url()
    options = daemon.DaemonOptions(url=url, once=True, concurrency=2, poll_seconds=0.5)
    log = io.StringIO()  # the daemon's JSON log lines; the demo prints a table instead
    with contextlib.redirect_stderr(log):
        status = daemon.run(options, storage=default_storage(), stop=threading.Event())
    if status != 0:
        raise RuntimeError(f"the renderer stopped with status {status}:\n{log.getvalue()}")
    ids = [r["generation_id"] for r in made]
    with db.connect(url) as conn:
        files = conn.execute(queries.load("demo_report_files"), {"ids": ids}).fetchall()
        deliveries = conn.execute(queries.load("demo_deliveries"), {"ids": ids}).fetchall()
    return files, deliveries


def headline(conn: psycopg.Connection, day: date) -> list[dict]:
    return conn.execute(queries.load("demo_headline"), {"day": day}).fetchall()


def format_table(rows: list[dict], columns: tuple[str, ...]) -> str:
    table = [columns] + [tuple("" if r[c] is None else str(r[c]) for c in columns) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in table
    )


MEMBER_COLUMNS = ("organization", "role", "database_role", "user_id")


def members(conn: psycopg.Connection) -> list[dict]:
    """One user per role in each demo organization (venue.memberships)."""
    slugs = [org.slug for org in DEMO_ORGANIZATIONS]
    with conn.transaction():
        return conn.execute(queries.load("demo_memberships"), {"slugs": slugs}).fetchall()


def run(url: str | None = None) -> str:
    with db.connect(url) as conn:
        text = describe(conn)
        users = members(conn)
        made = reports(conn)
        raised = alerts(conn)
    files, deliveries = render(url, made)
    notified = alert_deliveries(url)
    return "\n".join(
        [
            text,
            "",
            "Report snapshots generated in the database (reporting.report_generation_history):",
            format_table(made, REPORT_COLUMNS),
            *(f"  {r['generation_id']} {r['report']}: {r['headline']}" for r in made),
            "",
            "Rendered by the renderer daemon (nightcap renderer --once) into out/reports/:",
            format_table(files, FILE_COLUMNS),
            "",
            "Delivered (reporting.report_delivery_history; email goes to out/outbox/"
            " unless RESEND_API_KEY, SENDGRID_API_KEY or NIGHTCAP_SMTP_HOST is set):",
            format_table(deliveries, DELIVERY_COLUMNS) if deliveries else "(no deliveries)",
            "",
            "KPI alerts of the last four weeks (api.evaluate_kpi_alerts: N consecutive nights"
            " past a threshold raise, one night back clears; reporting.kpi_alert_events):",
            format_table(raised, ALERT_COLUMNS) if raised else "(no demo organizations)",
            "",
            "Alert notifications to each organization's admin (the owner recipient is linked"
            " to the admin member), latest first:",
            format_table(notified, ALERT_DELIVERY_COLUMNS) if notified else "(none)",
            "",
            "Users (venue.memberships): row-level security shows each only what its role allows."
            " To see it in psql: SET ROLE <database_role>;"
            " SELECT set_config('nightcap.user_id', '<user_id>', false);",
            format_table(users, MEMBER_COLUMNS),
        ]
    )


def describe(conn: psycopg.Connection) -> str:
    """Load, aggregate, and describe the demo organizations and their last night."""
    load(conn)
    rebuilt = aggregate(conn)
    yesterday = conn.execute("SELECT current_date - 1 AS day").fetchone()["day"]
    figures = headline(conn, yesterday)
    return "\n".join(
        [
            format_table(summary(conn), SUMMARY_COLUMNS),
            "",
            f"aggregated {rebuilt} venue-day(s). Each venue's last trading day"
            f" up to yesterday ({yesterday:%a %d %b %Y}):",
            format_table(figures, HEADLINE_COLUMNS) if figures else "(no trading yet)",
            "",
            "Headline KPIs of that day (status against each organization's thresholds):",
            kpis(conn, figures),
        ]
    )
