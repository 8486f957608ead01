"""Tenancy as the outside world meets it: a Supabase client through PostgREST,
and the renderer daemon signed in with nothing but the role nightcap_renderer.

PostgREST signs in as `authenticator` and, per request, in one transaction:
SET LOCAL ROLE authenticated (or anon) and set_config('request.jwt.claims',
<the JWT's claims>, true). That is what these tests do.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from renderer.migrate import migrate

ORG_A = "00000000-0000-4000-8000-0000000c0a01"
ORG_B = "00000000-0000-4000-8000-0000000c0b01"
MANAGER_A = "00000000-0000-4000-8000-00000000ca02"
SETUP = f"""
INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('{ORG_A}', 'Alpha Bars', 'alpha-bars'), ('{ORG_B}', 'Beta Rooms', 'beta-rooms');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  ('{ORG_A}', 960001, 'Alpha', 'alpha', 300), ('{ORG_B}', 960002, 'Beta', 'beta', 300);
INSERT INTO reporting.daily_aggregations (
  organization_id, venue_id, business_date, gross_revenue, refunds, net_revenue, check_ins,
  bookings_total, covers)
VALUES ('{ORG_A}', 960001, '2026-05-01', 1000, 0, 1000, 50, 10, 40),
       ('{ORG_B}', 960002, '2026-05-01', 2000, 0, 2000, 80, 20, 60);
INSERT INTO venue.memberships (organization_id, user_id, role)
VALUES ('{ORG_A}', '{MANAGER_A}', 'manager');
"""


def generate(conn: psycopg.Connection, org: str, day: str) -> int:
    return conn.execute(
        "SELECT api.generate_report('daily_summary', %s, %s::date, %s::date)", (org, day, day)
    ).fetchone()[0]


@pytest.fixture
def two_orgs(migrated_db: str) -> dict:
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute(SETUP)
        return {
            "url": migrated_db,
            "a": [generate(conn, ORG_A, "2026-05-01"), generate(conn, ORG_A, "2026-05-02")],
            "b": [generate(conn, ORG_B, "2026-05-01")],
        }


@pytest.fixture
def login(admin_conninfo: str, migrated_db: str):
    """make(*roles): a new login role granted `roles`; its URL to the test database."""
    made: list[str] = []

    def make(*roles: str, inherit: bool = True, url: str | None = None) -> str:
        name = f"login_{uuid.uuid4().hex[:10]}"
        password = uuid.uuid4().hex
        with psycopg.connect(admin_conninfo, autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN {} PASSWORD {}").format(
                    sql.Identifier(name),
                    sql.SQL("INHERIT" if inherit else "NOINHERIT"),
                    sql.Literal(password),
                )
            )
            for role in roles:
                conn.execute(
                    sql.SQL("GRANT {} TO {}").format(sql.Identifier(role), sql.Identifier(name))
                )
        made.append(name)
        return make_conninfo(url or migrated_db, user=name, password=password)

    yield make
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        for name in made:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def postgrest_request(conn: psycopg.Connection, role: str, claims: dict | None, query: str):
    """One PostgREST request: its own transaction, role and claims; the rows or the error."""
    try:
        with conn.transaction():
            conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
            if claims is not None:
                conn.execute(
                    "SELECT set_config('request.jwt.claims', %s, true)", (json.dumps(claims),)
                )
            return conn.execute(query).fetchall()
    except psycopg.errors.InsufficientPrivilege as exc:
        return exc


def test_a_supabase_manager_reads_their_organizations_reports_and_none_of_the_others(
    two_orgs, login
):
    with psycopg.connect(two_orgs["url"]) as check:
        roles = {r[0] for r in check.execute("SELECT rolname FROM pg_roles")}
    if not {"anon", "authenticated"} <= roles:
        pytest.skip("needs Supabase's roles (make test creates them before migrating)")
    claims = {"sub": MANAGER_A, "role": "authenticated", "aud": "authenticated"}
    history = (
        "SELECT generation_id, organization_id::text FROM reporting.report_generation_history"
        " ORDER BY generation_id"
    )
    with psycopg.connect(login("authenticator", inherit=False), autocommit=True) as conn:
        mine = postgrest_request(conn, "authenticated", claims, history)
        asked_for_b = postgrest_request(
            conn,
            "authenticated",
            claims,
            f"SELECT generation_id FROM reporting.report_generation_history"
            f" WHERE organization_id = '{ORG_B}'",
        )
        snapshot = postgrest_request(
            conn,
            "authenticated",
            claims,
            "SELECT snapshot -> 'organization' ->> 'name' FROM reporting.report_generation_history",
        )
        generate_b = postgrest_request(
            conn,
            "authenticated",
            claims,
            f"SELECT api.generate_report('daily_summary', '{ORG_B}', '2026-05-03', '2026-05-03')",
        )
        no_jwt = postgrest_request(conn, "authenticated", None, history)
        anon = postgrest_request(conn, "anon", {"role": "anon"}, history)
        stranger = postgrest_request(
            conn, "authenticated", {**claims, "sub": str(uuid.uuid4())}, history
        )

    assert mine == [(i, ORG_A) for i in two_orgs["a"]]
    assert asked_for_b == []
    assert snapshot == [("Alpha Bars",), ("Alpha Bars",)]
    assert isinstance(generate_b, psycopg.errors.InsufficientPrivilege)
    assert no_jwt == []
    assert stranger == []
    # anon holds no privilege at all: refused before any policy is asked.
    assert isinstance(anon, psycopg.errors.InsufficientPrivilege)


def test_on_a_supabase_database_its_own_auth_schema_is_left_alone_and_the_policies_work(
    empty_db: str, admin_conninfo: str, login
):
    """Supabase made `auth` before nightcap came: nightcap_owner may not use it.

    The policies must still find the JWT's user, and nightcap's migration must
    neither take over nor re-grant Supabase's objects.
    """
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        roles = {r[0] for r in conn.execute("SELECT rolname FROM pg_roles")}
    if not {"anon", "authenticated", "service_role"} <= roles:
        pytest.skip("needs Supabase's roles (make test creates them before migrating)")
    fixture = Path(__file__).with_name("fixtures") / "supabase_auth.sql"
    with psycopg.connect(make_conninfo(admin_conninfo, dbname=conninfo_dbname(empty_db))) as conn:
        conn.execute(fixture.read_text())
    migrate(empty_db)
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute(SETUP)
        mine = [generate(conn, ORG_A, "2026-05-01")]
        generate(conn, ORG_B, "2026-05-01")
        acl = conn.execute(
            "SELECT pg_get_userbyid(p.proowner), has_function_privilege('authenticated', p.oid,"
            " 'EXECUTE'), has_function_privilege('nightcap_owner', p.oid, 'EXECUTE')"
            " FROM pg_proc p WHERE p.proname = 'uid'"
            " AND p.pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'auth')"
        ).fetchone()
        users = conn.execute(
            "SELECT has_table_privilege('service_role', c.oid, 'SELECT'),"
            " has_schema_privilege('nightcap_owner', c.relnamespace, 'USAGE')"
            " FROM pg_class c WHERE c.relname = 'users'"
            " AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'auth')"
        ).fetchone()
    claims = {"sub": MANAGER_A, "role": "authenticated", "aud": "authenticated"}
    with psycopg.connect(login("authenticator", inherit=False, url=empty_db)) as conn:
        conn.autocommit = True
        seen = postgrest_request(
            conn,
            "authenticated",
            claims,
            "SELECT generation_id, organization_id::text"
            " FROM reporting.report_generation_history ORDER BY generation_id",
        )
    assert seen == [(mine[0], ORG_A)]
    # Supabase's auth.uid() is still Supabase's, as usable as before, and no more.
    assert acl == ("supabase_auth_admin", True, False)
    assert users == (True, False)


def conninfo_dbname(url: str) -> str:
    return conninfo_to_dict(url)["dbname"]


def test_the_renderer_renders_and_delivers_holding_only_nightcap_renderer(
    two_orgs, login, tmp_path: Path
):
    url = two_orgs["url"]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO reporting.report_recipients"
            " (organization_id, recipient_id, name, email, role)"
            " VALUES (%s, 960001, 'Owner', 'owner@alpha.example', 'owner')",
            (ORG_A,),
        )
        conn.execute(
            "INSERT INTO reporting.report_subscriptions (recipient_id, template_id)"
            " SELECT 960001, template_id FROM reporting.report_templates"
            " WHERE organization_id = %s AND template_key = 'daily_summary'",
            (ORG_A,),
        )
        conn.execute(
            "SELECT api.enqueue_run(job_id, '2026-05-01 21:00Z') FROM reporting.scheduled_jobs"
            " WHERE organization_id = %s AND name = 'report:daily_summary'",
            (ORG_A,),
        )
        conn.execute("SELECT api.work(30)")

    daemon_url = login("nightcap_renderer")
    with (
        psycopg.connect(daemon_url) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("SELECT count(*) FROM reporting.report_generation_history")

    env = {
        **os.environ,
        "DATABASE_URL": daemon_url,
        "NIGHTCAP_STORAGE_DIR": str(tmp_path / "reports"),
        "NIGHTCAP_OUTBOX_DIR": str(tmp_path / "outbox"),
        "NIGHTCAP_LINK_SECRET": "s" * 40,
    }
    for key in ("RESEND_API_KEY", "SENDGRID_API_KEY", "SMTP_HOST"):
        env.pop(key, None)
    done = subprocess.run(
        [sys.executable, "-m", "renderer.cli", "renderer", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr

    with psycopg.connect(url) as conn:
        statuses = conn.execute(
            "SELECT organization_id::text, status, count(*)"
            "  FROM reporting.report_generation_history GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
        deliveries = conn.execute(
            "SELECT destination, status FROM reporting.report_delivery_history"
        ).fetchall()
    # Both organizations' three reports on demand plus A's scheduled one: all rendered.
    assert statuses == [(ORG_A, "completed", 3), (ORG_B, "completed", 1)]
    assert deliveries == [("owner@alpha.example", "sent")]
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
