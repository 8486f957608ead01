"""Create the project database, its owner role and the extensions, as a superuser.

Everything after this (migrations, the daemon) runs as the owner, which is not
a superuser, exactly as on Supabase or another managed PostgreSQL.
"""

from urllib.parse import quote

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

# Extensions that only a superuser can create; nightcap works without either
# (pg_cron → `nightcap scheduler`; pgTAP is only needed by the tests).
OPTIONAL_EXTENSIONS = ("pg_cron", "pgtap")


def bootstrap(admin_conninfo: str, dbname: str, owner: str, owner_password: str) -> str:
    """Create (or update) the owner role and database; return the owner's URL."""
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (owner,)).fetchone()
        verb = "ALTER" if exists else "CREATE"
        conn.execute(
            sql.SQL("{} ROLE {} LOGIN NOSUPERUSER CREATEROLE PASSWORD {}").format(
                sql.SQL(verb), sql.Identifier(owner), sql.Literal(owner_password)
            )
        )
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone():
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(dbname), sql.Identifier(owner)
                )
            )
        host, port = conn.info.host, conn.info.port

    with psycopg.connect(make_conninfo(admin_conninfo, dbname=dbname), autocommit=True) as conn:
        create_extensions(conn, owner)

    if host.startswith("/"):
        host = "localhost"
    return (
        f"postgresql://{quote(owner, safe='')}:{quote(owner_password, safe='')}"
        f"@{host}:{port}/{quote(dbname, safe='')}"
    )


def create_extensions(conn: psycopg.Connection, owner: str) -> list[str]:
    """Create the optional extensions this server offers; return those present."""
    available = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM pg_available_extensions WHERE name = ANY(%s)",
            (list(OPTIONAL_EXTENSIONS),),
        )
    }
    cron_db = conn.execute("SELECT current_setting('cron.database_name', true)").fetchone()[0]
    preloaded = conn.execute("SHOW shared_preload_libraries").fetchone()[0]
    present = []
    for ext in OPTIONAL_EXTENSIONS:
        if ext not in available:
            continue
        if ext == "pg_cron" and ("pg_cron" not in preloaded or cron_db != conn.info.dbname):
            continue
        conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(ext)))
        present.append(ext)
    if "pg_cron" in present:
        # Lets the owner register its own jobs (cron.schedule runs them as the owner).
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA cron TO {}").format(sql.Identifier(owner)))
    return present
