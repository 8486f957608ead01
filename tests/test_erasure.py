"""The right to erasure, end to end (issue 9, item 5): after api.erase_customer and a
renderer run, the customer's name, email and phone are nowhere: not in any row of the
venue, reporting, audit or internal schemas, not in a report snapshot, not in a stored
file. Revenue is what it was.

An organization gets demo data (api.generate_demo_data), a Customer Behaviour Insights
report whose top-customers section names a customer is generated and rendered by the
daemon (`--once`, as in production), and a second one is generated but not yet rendered.
Erasure redacts both snapshots and marks the rendered report's files expired; the next
daemon run deletes those files and renders the second report from its redacted snapshot.
"""

import io
import os
import subprocess
import sys
import threading
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

SCHEMAS = ("venue", "reporting", "audit", "internal")
REVENUE = """
SELECT (SELECT sum(amount) FROM venue.payments
         WHERE organization_id = %(org)s AND status = 'succeeded'
           AND kind IN ('deposit', 'table', 'bar', 'ticket')) AS payments,
       (SELECT sum(gross_revenue) FROM reporting.daily_aggregations
         WHERE organization_id = %(org)s) AS gross,
       (SELECT sum(net_revenue) FROM reporting.daily_aggregations
         WHERE organization_id = %(org)s) AS net
"""
NAMED = """
SELECT c.customer_id, c.first_name, c.last_name, c.email, c.phone, r ->> 'customer' AS shown
  FROM reporting.report_generation_history h
 CROSS JOIN jsonb_array_elements(h.snapshot -> 'sections') s
 CROSS JOIN jsonb_array_elements(s -> 'data' -> 'rows') r
  JOIN venue.customers c
    ON c.organization_id = h.organization_id
   AND internal.customer_key(c.organization_id, c.customer_id) = r ->> '_customer_key'
 WHERE h.generation_id = %s AND s ->> 'key' = 'top_customers'
 ORDER BY (r ->> 'rank')::int
"""


def run_renderer(url: str, out: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "renderer.cli", "renderer", "--once", "--no-deliver"],
        env={**os.environ, "DATABASE_URL": url, "NIGHTCAP_STORAGE_DIR": str(out)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


def file_text(path: Path) -> str:
    """What a reader of the file sees: PDF text, the XML inside XLSX/ZIP, else the bytes."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    if path.suffix in (".xlsx", ".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return data.decode("utf-8", "replace")


def stored_texts(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): file_text(p) for p in root.rglob("*") if p.is_file()}


def rows_containing(conn: psycopg.Connection, needles: list[str]) -> list[str]:
    """Every table and materialised view of SCHEMAS, each row as text, searched for needles."""
    relations = conn.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'm') ORDER BY 1, 2",
        (list(SCHEMAS),),
    ).fetchall()
    assert len(relations) > 30, relations
    found = []
    for schema, name in relations:
        count = conn.execute(
            sql.SQL(
                "SELECT count(*) FROM {}.{} t"
                " WHERE EXISTS (SELECT FROM unnest(%s::text[]) n"
                "                WHERE strpos(lower(t::text), lower(n)) > 0)"
            ).format(sql.Identifier(schema), sql.Identifier(name)),
            (needles,),
        ).fetchone()[0]
        if count:
            found.append(f"{schema}.{name}: {count} row(s)")
    return found


def demo_club(conn: psycopg.Connection, name: str, days: int = 35, per_night: int = 40) -> str:
    """A new organization with one venue and `days` of demo data to 30 June 2026,
    aggregated and with its customer analytics; its id."""
    slug = name.lower().replace(" ", "-")
    org = conn.execute("SELECT api.create_organization(%s, %s)", (name, slug)).fetchone()[0]
    conn.execute("SELECT api.create_venue(%s, 'The Vault', 'the-vault', 600)", (org,))
    conn.execute(
        "SELECT api.generate_demo_data(%s, %s, %s, 11, '2026-06-30')", (org, days, per_night)
    )
    conn.execute("SELECT api.process_hourly_aggregations()")
    conn.execute("SELECT api.process_customer_analytics(%s, '2026-06-30')", (org,))
    return org


def superuser_url(admin_conninfo: str, url: str) -> str:
    return make_conninfo(admin_conninfo, dbname=conninfo_to_dict(url)["dbname"])


def test_an_erased_customer_is_nowhere_and_revenue_is_unchanged(
    migrated_db, admin_conninfo, tmp_path
):
    out = tmp_path / "reports"
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        org = demo_club(conn, "Erasure Club")
        first = conn.execute(
            "SELECT api.generate_report('customer_insights', %s, '2026-06-01', '2026-06-30')",
            (org,),
        ).fetchone()[0]
        run_renderer(migrated_db, out)
        assert conn.execute(
            "SELECT status FROM reporting.report_generation_history WHERE generation_id = %s",
            (first,),
        ).fetchone() == ("completed",)

        # The customer to erase: named in the section, as "First L." no other customer shares.
        everyone = conn.execute(
            "SELECT first_name, upper(left(last_name, 1)) FROM venue.customers"
            " WHERE organization_id = %s",
            (org,),
        ).fetchall()
        named = conn.execute(NAMED, (first,)).fetchall()
        customer_id, first_name, last_name, email, phone, shown = next(
            row for row in named if everyone.count((row[1], row[2][0].upper())) == 1
        )
        assert shown == f"{first_name} {last_name[0].upper()}."
        # What names them in a table: the address, the number, and the "First L."
        # the report showed (no other customer has it). First and last names
        # alone are shared with other customers: the customer's own row is
        # checked for them below.
        needles = [email, phone, shown]
        assert all(needles), needles
        # The test can see what it looks for: the report and the rows name the customer.
        assert shown in stored_texts(out)[next(k for k in stored_texts(out) if k.endswith(".html"))]
        assert rows_containing(conn, needles)

        second = conn.execute(
            "SELECT api.generate_report('customer_insights', %s, '2026-06-01', '2026-06-29')",
            (org,),
        ).fetchone()[0]
        assert (customer_id,) in [(r[0],) for r in conn.execute(NAMED, (second,)).fetchall()]
        revenue_before = conn.execute(REVENUE, {"org": org}).fetchone()

        erased = conn.execute("SELECT api.erase_customer(%s, %s)", (org, customer_id)).fetchone()
        assert erased[0]["reports_redacted"] == 2
        assert erased[0]["reports_files_expired"] == 1
        run_renderer(migrated_db, out)
        conn.execute("SELECT api.process_hourly_aggregations()")
        conn.execute("SELECT api.process_customer_analytics(%s, '2026-06-30')", (org,))

        statuses = conn.execute(
            "SELECT generation_id, status, files_expiry_reason, files_deleted_at IS NOT NULL"
            " FROM reporting.report_generation_history WHERE generation_id = ANY(%s)"
            " ORDER BY generation_id",
            ([first, second],),
        ).fetchall()
        assert statuses == [
            (first, "completed", "erasure", True),
            (second, "completed", None, False),
        ]
        revenue_after = conn.execute(REVENUE, {"org": org}).fetchone()
        own_row = conn.execute(
            "SELECT first_name, last_name, email, phone, date_of_birth, erased_at IS NOT NULL"
            " FROM venue.customers WHERE organization_id = %s AND customer_id = %s",
            (org, customer_id),
        ).fetchone()
        events = conn.execute(
            "SELECT object_id, details::text FROM audit.events WHERE event = 'customer.erased'"
        ).fetchall()

    # Anonymised: name, email, phone and date of birth gone, the row (and its facts) kept.
    assert own_row == (None, None, None, None, None, True), own_row
    assert revenue_after == revenue_before
    assert all(isinstance(v, Decimal) and v > 0 for v in revenue_before)
    assert [e[0] for e in events] == [str(customer_id)]

    # Every row of every table, as the superuser (row-level security does not hide any).
    with psycopg.connect(superuser_url(admin_conninfo, migrated_db), autocommit=True) as su:
        assert rows_containing(su, needles) == []
        redacted = su.execute(
            "SELECT count(*) FROM reporting.report_generation_history h"
            " CROSS JOIN jsonb_array_elements(h.snapshot -> 'sections') s"
            " CROSS JOIN jsonb_array_elements(s -> 'data' -> 'rows') r"
            " WHERE h.generation_id = ANY(%s) AND r ->> 'customer' = 'Erased customer'",
            ([first, second],),
        ).fetchone()[0]
    assert redacted == 2

    # The stored files: the first report's are deleted, the second was rendered redacted.
    texts = stored_texts(out)
    rendered = {k for k in texts if not k.rsplit("/", 1)[-1].startswith(".")}
    assert rendered and all(f"-g{second}." in k for k in rendered), sorted(texts)
    for key, text in texts.items():
        lowered = text.lower()
        for needle in [*needles, f"{first_name} {last_name}"]:
            assert needle.lower() not in lowered, (key, needle)
    html = next(texts[k] for k in rendered if k.endswith(".html"))
    assert "Erased customer" in html


def test_a_report_being_made_while_its_customer_is_erased_is_redacted_when_it_lands(
    migrated_db,
):
    """A report generation under way when the erasure starts: the erasure waits
    for it to be stored, then redacts it; it does not slip past unredacted."""
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        org = demo_club(conn, "Race Club")

        with psycopg.connect(migrated_db) as making:
            # Generated, not yet committed: the snapshot names the top customer.
            generation = making.execute(
                "SELECT api.generate_report('customer_insights', %s, '2026-06-01', '2026-06-30')",
                (org,),
            ).fetchone()[0]
            customer_id = making.execute(NAMED, (generation,)).fetchone()[0]

            erasure: dict = {}

            def erase() -> None:
                with psycopg.connect(migrated_db, autocommit=True) as other:
                    erasure["result"] = other.execute(
                        "SELECT api.erase_customer(%s, %s)", (org, customer_id)
                    ).fetchone()[0]

            worker = threading.Thread(target=erase)
            worker.start()
            worker.join(timeout=1.0)
            assert worker.is_alive(), "the erasure did not wait for the report being made"
            making.commit()
        worker.join(timeout=30)
        assert not worker.is_alive()

        assert erasure["result"]["reports_redacted"] == 1
        named_after = conn.execute(NAMED, (generation,)).fetchall()
        shown = conn.execute(
            "SELECT count(*) FROM reporting.report_generation_history h"
            " CROSS JOIN jsonb_array_elements(h.snapshot -> 'sections') s"
            " CROSS JOIN jsonb_array_elements(s -> 'data' -> 'rows') r"
            " WHERE h.generation_id = %s AND r ->> 'customer' = 'Erased customer'",
            (generation,),
        ).fetchone()[0]
    assert customer_id not in [row[0] for row in named_after]
    assert shown == 1


def test_an_erasure_that_cannot_wait_for_the_reports_under_way_changes_nothing(migrated_db):
    """A report job holding the organization's reports for longer than 5 s: the
    erasure gives up with 55P03 and a hint, and the customer is as they were."""
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        org = demo_club(conn, "Busy Club", days=14, per_night=20)
        customer_id = conn.execute(
            "SELECT min(customer_id) FROM venue.customers WHERE organization_id = %s", (org,)
        ).fetchone()[0]
        with psycopg.connect(migrated_db) as making:
            making.execute(
                "SELECT api.generate_report('daily_summary', %s, '2026-06-29', '2026-06-29')",
                (org,),
            )
            started = time.monotonic()
            with pytest.raises(psycopg.errors.LockNotAvailable) as refused:
                conn.execute("SELECT api.erase_customer(%s, %s)", (org, customer_id))
            waited = time.monotonic() - started
            making.rollback()
        assert 4.5 < waited < 15, waited
        assert "nothing was erased" in str(refused.value)
        assert refused.value.diag.message_hint.startswith("Call it again")
        row = conn.execute(
            "SELECT first_name IS NOT NULL, erased_at FROM venue.customers"
            " WHERE organization_id = %s AND customer_id = %s",
            (org, customer_id),
        ).fetchone()
        erased_events = conn.execute(
            "SELECT count(*) FROM audit.events WHERE event = 'customer.erased'"
            " AND organization_id = %s",
            (org,),
        ).fetchone()[0]
        # The caller's own lock_timeout is as it was.
        assert conn.execute("SHOW lock_timeout").fetchone()[0] == "0"
    assert row == (True, None)
    assert erased_events == 0
