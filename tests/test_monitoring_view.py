"""The monitoring page's panels, from the rows the api views return (no database:
a stand-in connection answers each view's SELECT with rows written by hand)."""

from dataclasses import dataclass

from renderer import monitoring_view

ORG = "00000000-0000-4000-8000-0000000f0001"


@dataclass
class Column:
    name: str


class Cursor:
    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows
        self.description = [Column(name) for name in (rows[0] if rows else {})]

    def fetchall(self) -> list[dict]:
        return [dict(r) for r in self.rows]


class Connection:
    """Answers `SELECT * FROM api.<view> ORDER BY ...` with VIEWS[view]; remembers the SQL."""

    def __init__(self, views: dict[str, list[dict]]) -> None:
        self.views = views
        self.queries: list[str] = []

    def execute(self, query) -> Cursor:
        text = query.as_string(None)
        self.queries.append(text)
        view = text.split("api.", 1)[1].split()[0].strip('"')
        return Cursor(self.views.get(view, []))


def test_each_bar_is_named_by_what_tells_it_apart_and_rows_come_in_a_stated_order():
    depth = [
        {"queue": "job", "organization_id": ORG, "kind": "report", "status": "queued", "depth": 8},
        {"queue": "job", "organization_id": ORG, "kind": "report", "status": "running", "depth": 2},
        {
            "queue": "render",
            "organization_id": ORG,
            "kind": "daily_summary",
            "status": "queued",
            "depth": 4,
        },
    ]
    failures = [
        {
            "period": "1 hour",
            "organization_id": ORG,
            "job_type": "sql",
            "sqlstate": "22023",
            "failures": 1,
        },
        {
            "period": "1 day",
            "organization_id": ORG,
            "job_type": "sql",
            "sqlstate": "22023",
            "failures": 3,
        },
    ]
    conn = Connection({"queue_depth": depth, "failures_by_sqlstate": failures})
    panels = {p["view"]: p for p in monitoring_view.panels(conn, {ORG: "Backroom"})}

    assert [b["label"] for b in panels["queue_depth"]["bars"]] == [
        "job · report · queued",
        "job · report · running",
        "render · daily_summary · queued",
    ]
    # The tallest bar is the full height; the others in proportion.
    assert [b["height"] for b in panels["queue_depth"]["bars"]] == [100, 25, 50]
    assert [b["label"] for b in panels["failures_by_sqlstate"]["bars"]] == [
        "1 hour · 22023",
        "1 day · 22023",
    ]
    # The organization is shown by name, first.
    assert panels["queue_depth"]["columns"][0]["name"] == "organization"
    assert panels["queue_depth"]["rows"][0]["organization"] == "Backroom"
    # Every panel's rows are ordered and capped, most-used templates by their rank.
    assert len(conn.queries) == len(monitoring_view.PANELS)
    assert all(" ORDER BY " in q and q.endswith("LIMIT 50") for q in conn.queries)
    assert any('"template_usage" ORDER BY usage_rank, template_key' in q for q in conn.queries)
