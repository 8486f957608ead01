"""Connections: psycopg 3 with dict rows, server notices passed to the caller."""

import sys
from collections.abc import Callable

import psycopg
from psycopg.rows import dict_row

from renderer import settings


def print_notice(diag: psycopg.errors.Diagnostic) -> None:
    """Show the server's notices, except the chatter of DROP ... IF EXISTS."""
    message = diag.message_primary or ""
    if message.endswith(", skipping"):
        return
    print(f"{diag.severity}: {message}", file=sys.stderr)


def connect(
    url: str | None = None,
    *,
    autocommit: bool = False,
    on_notice: Callable[[psycopg.errors.Diagnostic], None] | None = print_notice,
) -> psycopg.Connection:
    """Open a connection to `url` (default: DATABASE_URL or the local cluster)."""
    conn = psycopg.connect(
        settings.database_url() if url is None else url,
        autocommit=autocommit,
        row_factory=dict_row,
        application_name="nightcap",
    )
    if on_notice is not None:
        conn.add_notice_handler(on_notice)
    return conn
