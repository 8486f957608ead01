"""The monitoring page's panels: each monitoring view of api, as a table and a small chart."""

from dataclasses import dataclass
from decimal import Decimal

import psycopg
from psycopg import sql


@dataclass(frozen=True)
class Panel:
    view: str
    title: str
    order: str  # the 50 rows shown: the ORDER BY of the view's columns
    chart: str | None = None  # the numeric column drawn as bars ...
    label: tuple[str, ...] = ()  # ... each bar named by these columns (one row, one bar)


PANELS = (
    Panel(
        "queue_depth",
        "Queue depth",
        "depth DESC, queue, kind, status",
        "depth",
        ("queue", "kind", "status"),
    ),
    Panel("active_leases", "Active leases", "leases DESC, worker", "leases", ("queue", "worker")),
    Panel("success_rates", "Success and failure rates", "period, queue, kind, organization_id"),
    Panel(
        "failures_by_sqlstate",
        "Failures by SQLSTATE",
        "period, failures DESC, sqlstate",
        "failures",
        ("period", "sqlstate"),
    ),
    Panel(
        "report_duration_percentiles",
        "Report generation and rendering times (ms)",
        "generation_p95_ms DESC NULLS LAST, template_key",
    ),
    Panel("job_duration_percentiles", "Job execution times (ms)", "p95_ms DESC NULLS LAST, job_id"),
    Panel("reports_executed", "Reports executed today and this week", "organization_id"),
    Panel(
        "template_usage",
        "Most-used templates",
        "usage_rank, template_key",
        "reports_30d",
        ("template_key",),
    ),
    Panel(
        "recipients_per_report",
        "Recipients per report",
        "subscribers DESC, template_key",
        "subscribers",
        ("template_key",),
    ),
    Panel(
        "storage_by_organization",
        "Storage used",
        "total_bytes DESC",
        "total_bytes",
        ("organization",),
    ),
    Panel("bounce_rates", "Bounce rate", "period, organization_id"),
    Panel("missed_runs_recent", "Missed runs", "scheduled_for DESC, job_id"),
)


def _heading(column: str) -> str:
    return column.replace("_", " ")


def panels(conn: psycopg.Connection, organizations: dict[str, str]) -> list[dict]:
    """Each panel's columns and rows (at most 50), and bars for its chart column.

    organization_id is shown as the organization's name (`organizations`: id to name).
    """
    result = []
    for panel in PANELS:
        cur = conn.execute(
            # panel.order is this module's own constant, never user input.
            sql.SQL("SELECT * FROM api.{} ORDER BY {} LIMIT 50").format(
                sql.Identifier(panel.view), sql.SQL(panel.order)
            )
        )
        names = [d.name for d in cur.description or []]
        rows = []
        for row in cur.fetchall():
            if "organization_id" in row:
                org = row.pop("organization_id")
                row = {"organization": organizations.get(str(org), str(org)), **row}
            rows.append(row)
        columns = [("organization" if n == "organization_id" else n) for n in names]
        columns = (
            ["organization", *[c for c in columns if c != "organization"]]
            if ("organization" in columns)
            else columns
        )
        bars = []
        if panel.chart in columns and rows:
            top = max(float(r[panel.chart] or 0) for r in rows) or 1.0
            bars = [
                {
                    "label": " · ".join(
                        str(r.get(c))
                        for c in (panel.label or (columns[0],))
                        if r.get(c) is not None
                    ),
                    "value": r[panel.chart],
                    "height": round(100 * float(r[panel.chart] or 0) / top),
                }
                for r in rows
            ]
        result.append(
            {
                "view": panel.view,
                "title": panel.title,
                "columns": [
                    {"name": c, "heading": _heading(c), "kind": _kind(c, rows)} for c in columns
                ],
                "rows": rows,
                "bars": bars,
            }
        )
    return result


def _kind(column: str, rows: list[dict]) -> str:
    """How a column's values are shown: rate (a percentage), number, or text."""
    if column.endswith("_rate"):
        return "rate"
    values = [r[column] for r in rows if r.get(column) is not None]
    if values and all(
        isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in values
    ):
        return "number"
    return "text"
