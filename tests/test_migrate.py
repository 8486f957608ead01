"""Migrations: raw SQL revisions, then db/ objects applied only when changed."""

import shutil
import subprocess
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict

from renderer import settings
from renderer.cluster import server_bindir
from renderer.migrate import alembic_upgrade, apply_objects, migrate, object_files


def schema_dump(url: str) -> str:
    """pg_dump --schema-only, without the lines that differ between any two dumps."""
    params = conninfo_to_dict(url)
    out = subprocess.run(
        [str(server_bindir() / "pg_dump"), "--schema-only", "--no-owner", url],
        capture_output=True,
        text=True,
        check=True,
        env={"PGPASSWORD": params.get("password", "")},
    ).stdout
    # pg_dump stamps each dump with its versions and a random \restrict key.
    volatile = ("-- Dumped", "\\restrict", "\\unrestrict")
    return "\n".join(line for line in out.splitlines() if not line.startswith(volatile))


def applied_objects(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT path, sha256 FROM internal.applied_objects ORDER BY path"
        ).fetchall()


def test_fresh_and_upgraded_databases_end_identical(empty_db, migrated_db):
    # migrated_db went to head in one go; empty_db is migrated release by
    # release, as an installation that upgraded along the way would be.
    alembic_upgrade(empty_db, "0001")
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("SELECT to_regclass('venue.bookings')").fetchone() == (None,)
    alembic_upgrade(empty_db, "0002")
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("SELECT to_regclass('reporting.daily_aggregations')").fetchone() == (
            None,
        )
    migrate(empty_db)
    assert schema_dump(empty_db) == schema_dump(migrated_db)
    assert applied_objects(empty_db) == applied_objects(migrated_db)


def test_downgrade_then_upgrade_restores_the_same_schema(migrated_db):
    before = schema_dump(migrated_db)
    from alembic import command

    from renderer.migrate import alembic_config_for

    with alembic_config_for(migrated_db) as cfg:
        command.downgrade(cfg, "0001")
    with psycopg.connect(migrated_db) as conn:
        assert conn.execute("SELECT to_regclass('venue.payments')").fetchone() == (None,)
    migrate(migrated_db)
    assert schema_dump(migrated_db) == before


def test_second_migrate_applies_nothing(migrated_db, head_revision):
    result = migrate(migrated_db)
    assert result.revision == head_revision
    assert result.applied == []
    assert result.unchanged == len(object_files())


def test_only_the_changed_file_is_reapplied(migrated_db, tmp_path):
    db_copy = tmp_path / "db"
    shutil.copytree(settings.DB_DIR, db_copy)
    changed = db_copy / "functions" / "api" / "create_organization.sql"
    changed.write_text(
        changed.read_text().replace("Creates an organization (tenant)", "Creates a tenant")
    )
    with psycopg.connect(migrated_db) as conn:
        result = apply_objects(conn, db_copy)
        comment = conn.execute(
            "SELECT obj_description('api.create_organization(text,text,text)'::regprocedure)"
        ).fetchone()[0]
    assert result.applied == ["db/functions/api/create_organization.sql"]
    assert comment.startswith("Creates a tenant")


def test_objects_apply_in_kind_order():
    kinds = [p.relative_to(settings.DB_DIR).parts[0] for p in object_files()]
    order = ("functions", "triggers", "views", "policies", "cron")
    assert kinds == sorted(kinds, key=order.index)
    assert Path(settings.DB_DIR / "cron" / "tick.sql") in object_files()


def test_without_pg_cron_cron_jobs_are_skipped_with_a_notice(empty_db, capsys):
    # Only the test database is pg_cron's (cron.database_name): this one has none.
    result = migrate(empty_db)
    assert "db/cron/tick.sql" in result.applied
    assert "pg_cron is not installed" in capsys.readouterr().err


def test_with_pg_cron_the_ticker_is_registered_by_name(admin_conninfo):
    import os

    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        rows = conn.execute(
            "SELECT schedule, command FROM cron.job WHERE jobname = 'nightcap-tick'"
        ).fetchall()
    assert rows == [("* * * * *", "SELECT count(*) FROM api.tick()")]


OLD_CRON_JOBS = (
    "nightcap-clear-metrics-cache",
    "nightcap-process-aggregations",
    "nightcap-customer-analytics",
    "nightcap-daily-aggregations",
    "nightcap-purge-cron-history",
    "nightcap-refresh-daily-views",
    "nightcap-refresh-monthly-view",
)


def test_upgrade_to_0009_unschedules_the_direct_pg_cron_jobs(admin_conninfo):
    # On the pg_cron database, as its owner, in a transaction rolled back at the
    # end: the jobs the db/cron files of 0008 registered, then 0009's SQL.
    # (A database without pg_cron goes through 0009 in every other test.)
    import os

    revision_sql = (settings.MIGRATIONS_DIR / "versions" / "0009_cron_wiring.sql").read_text()
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        for name in OLD_CRON_JOBS:
            conn.execute("SELECT cron.schedule(%s, '0 3 * * *', 'SELECT 1')", (name,))
        conn.execute(
            "INSERT INTO internal.applied_objects (path, sha256) VALUES (%s, repeat('0', 64))",
            ("db/cron/purge_cron_history.sql",),
        )
        with conn.cursor() as cur:
            cur.execute(revision_sql)
        jobs = conn.execute("SELECT jobname FROM cron.job ORDER BY jobname").fetchall()
        stale = conn.execute(
            "SELECT count(*) FROM internal.applied_objects WHERE path = %s",
            ("db/cron/purge_cron_history.sql",),
        ).fetchone()
        conn.rollback()
    assert jobs == [("nightcap-tick",), ("nightcap-work",)]
    assert stale == (0,)


SYSTEM_JOBS = {
    "hourly_aggregations",
    "daily_aggregations",
    "customer_analytics",
    "refresh_daily_views",
    "clear_metrics_cache",
    "refresh_summary_views",
    "archive_job_history",
    "purge_cron_history",
    "check_missed_runs",
    "apply_retention",
    "kpi_alerts",
    "create_fact_partitions",
}


def system_jobs(conn: psycopg.Connection) -> dict:
    return {
        name: (expr, enabled)
        for name, expr, enabled in conn.execute(
            "SELECT name, cron_expression, enabled FROM reporting.scheduled_jobs"
            " WHERE organization_id IS NULL"
        )
    }


def test_the_calendar_is_seeded_without_pg_cron_and_a_dbas_edits_survive(migrated_db):
    calendar = (settings.DB_DIR / "cron" / "system_jobs.sql").read_text()
    dependencies = (
        "SELECT c.name FROM reporting.job_dependencies d"
        " JOIN reporting.scheduled_jobs c ON c.job_id = d.child_job_id ORDER BY 1"
    )
    with psycopg.connect(migrated_db) as conn:
        assert conn.execute("SELECT to_regclass('cron.job')").fetchone() == (None,)
        assert set(system_jobs(conn)) == SYSTEM_JOBS
        # A DBA moves one job, switches one off, drops one dependency and one job.
        conn.execute(
            "UPDATE reporting.scheduled_jobs SET cron_expression = '30 2 * * *'"
            " WHERE name = 'daily_aggregations'"
        )
        conn.execute(
            "UPDATE reporting.scheduled_jobs SET enabled = false WHERE name = 'purge_cron_history'"
        )
        conn.execute(
            "DELETE FROM reporting.job_dependencies WHERE child_job_id ="
            " (SELECT job_id FROM reporting.scheduled_jobs WHERE name = 'refresh_daily_views')"
        )
        conn.execute("DELETE FROM reporting.scheduled_jobs WHERE name = 'customer_analytics'")
        before = system_jobs(conn)
        with conn.cursor() as cur:
            cur.execute(calendar)  # what a later migration does when the file changes
            cur.execute(calendar)
        after = system_jobs(conn)
        children = [r[0] for r in conn.execute(dependencies)]

    assert after == {**before, "customer_analytics": ("0 2 * * *", True)}
    assert after["daily_aggregations"] == ("30 2 * * *", True)
    assert after["purge_cron_history"] == ("17 3 * * *", False)
    # The removed dependency stays removed; the re-created job gets its own back;
    # kpi_alerts' was never touched.
    assert children == ["customer_analytics", "kpi_alerts"]


def test_migrations_ran_as_a_role_that_is_not_superuser(migrated_db):
    with psycopg.connect(migrated_db) as conn:
        owner_is_super = conn.execute(
            "SELECT r.rolsuper FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
            " WHERE c.oid = 'venue.payments'::regclass"
        ).fetchone()[0]
        me_super = conn.execute(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()[0]
    assert owner_is_super is False
    assert me_super is False
