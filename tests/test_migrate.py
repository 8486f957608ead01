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


def test_second_migrate_applies_nothing(migrated_db):
    result = migrate(migrated_db)
    assert result.revision == "0008"
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
    assert Path(settings.DB_DIR / "cron" / "purge_cron_history.sql") in object_files()


def test_without_pg_cron_cron_jobs_are_skipped_with_a_notice(empty_db, capsys):
    # Only the test database is pg_cron's (cron.database_name): this one has none.
    result = migrate(empty_db)
    assert "db/cron/purge_cron_history.sql" in result.applied
    assert "pg_cron is not installed" in capsys.readouterr().err


def test_with_pg_cron_the_job_is_registered_by_name(admin_conninfo):
    import os

    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        rows = conn.execute(
            "SELECT schedule, command FROM cron.job WHERE jobname = 'nightcap-purge-cron-history'"
        ).fetchall()
    assert len(rows) == 1
    assert rows[0][0] == "17 3 * * *"
    assert "cron.job_run_details" in rows[0][1]


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
