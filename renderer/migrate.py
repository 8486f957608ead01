"""`nightcap migrate`: alembic revisions, then the replaceable objects under db/.

Revisions hold stateful changes (schemas, tables, indexes, data). Functions,
views, policies and cron registrations live once under db/ and are applied
after every upgrade, in a fixed order, each only when its checksum changed.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from psycopg.rows import tuple_row
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from renderer import db, settings

# Kinds in the order they are applied; within a kind, schemas in this order,
# then file names. Function bodies are not checked while applying
# (check_function_bodies = off, as pg_dump does), so functions may call each
# other in any order; triggers and views come after the functions they use.
KIND_ORDER = ("functions", "triggers", "views", "policies", "cron")
SCHEMA_ORDER = ("internal", "venue", "reporting", "api", "audit")


@dataclass
class MigrationResult:
    revision: str | None
    applied: list[str] = field(default_factory=list)
    unchanged: int = 0


def object_files(db_dir: Path = settings.DB_DIR) -> list[Path]:
    """Every replaceable-object file under db/, in the order they are applied."""

    def key(path: Path) -> tuple:
        rel = path.relative_to(db_dir)
        kind = KIND_ORDER.index(rel.parts[0])
        schema = rel.parts[1] if len(rel.parts) > 2 else ""
        rank = SCHEMA_ORDER.index(schema) if schema in SCHEMA_ORDER else len(SCHEMA_ORDER)
        return (kind, rank, str(rel))

    files = [p for kind in KIND_ORDER for p in (db_dir / kind).rglob("*.sql")]
    return sorted(files, key=key)


@contextmanager
def alembic_config_for(url: str) -> Iterator[Config]:
    """An alembic Config bound to one connection to `url` (any libpq URL or conninfo).

    The work done through it is committed when the block ends without error.
    """
    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: psycopg.connect(url), poolclass=NullPool
    )
    cfg = Config()
    cfg.set_main_option("script_location", str(settings.MIGRATIONS_DIR))
    with engine.connect() as connection:
        cfg.attributes["connection"] = connection
        yield cfg
        connection.commit()


def alembic_upgrade(url: str, revision: str = "head") -> None:
    """Run alembic's upgrade to `revision` on `url`."""
    with alembic_config_for(url) as cfg:
        command.upgrade(cfg, revision)


def current_revision(conn: psycopg.Connection) -> str | None:
    cur = conn.cursor(row_factory=tuple_row)
    (missing,) = cur.execute("SELECT to_regclass('internal.alembic_version') IS NULL").fetchone()
    if missing:
        return None
    row = cur.execute("SELECT version_num FROM internal.alembic_version").fetchone()
    return row[0] if row else None


def apply_objects(conn: psycopg.Connection, db_dir: Path = settings.DB_DIR) -> MigrationResult:
    """Apply the db/ files whose checksum changed, in one transaction."""
    result = MigrationResult(revision=current_revision(conn))
    with conn.transaction():
        conn.execute("SET LOCAL check_function_bodies = off")
        # What the upgrade just made goes to nightcap_owner before the objects
        # (SECURITY DEFINER, so run as the owner) are applied over it.
        adopt_objects(conn)
        known = dict(
            conn.cursor(row_factory=tuple_row).execute(
                "SELECT path, sha256 FROM internal.applied_objects"
            )
        )
        adopted = False
        for path in object_files(db_dir):
            rel = str(path.relative_to(db_dir.parent))
            text = path.read_text()
            digest = hashlib.sha256(text.encode()).hexdigest()
            if known.get(rel) == digest:
                result.unchanged += 1
                continue
            if not adopted and path.relative_to(db_dir).parts[0] != "functions":
                # The functions are in: the owner takes them before triggers, views,
                # policies and cron files run anything (a system job's insert fires
                # audit triggers that run as nightcap_owner, and may call a function
                # this run made anew, after a downgrade and upgrade).
                adopt_objects(conn)
                adopted = True
            try:
                with conn.cursor() as cur:
                    cur.execute(text)
            except psycopg.Error as exc:
                exc.add_note(f"while applying {rel}")
                raise
            conn.execute(
                "INSERT INTO internal.applied_objects (path, sha256) VALUES (%s, %s)"
                " ON CONFLICT (path) DO UPDATE"
                " SET sha256 = excluded.sha256, applied_at = now()",
                (rel, digest),
            )
            result.applied.append(rel)
        adopt_objects(conn)
        # Supabase's NOINHERIT roles get nightcap's client roles' privileges.
        conn.execute("SELECT internal.mirror_client_grants()")
    return result


def adopt_objects(conn: psycopg.Connection) -> None:
    """Hand what the migrating role made to nightcap_owner (once the function exists)."""
    cur = conn.cursor(row_factory=tuple_row)
    if cur.execute("SELECT to_regprocedure('internal.adopt_objects()')").fetchone()[0]:
        conn.execute("SELECT internal.adopt_objects()")


def migrate(url: str | None = None, revision: str = "head") -> MigrationResult:
    """Upgrade `url` to `revision`, then apply the changed replaceable objects."""
    url = settings.database_url() if url is None else url
    alembic_upgrade(url, revision)
    with db.connect(url) as conn:
        return apply_objects(conn)
