"""Run raw SQL from alembic revisions, verbatim.

`op.execute` treats `:name` as a bind parameter and `exec_driver_sql` chokes on
`%`, so the SQL goes through the raw psycopg cursor, which sends a statement
without parameters as is.
"""

from pathlib import Path

from alembic import op


def run_sql(sql: str) -> None:
    """Execute `sql` (one or more statements) on the migration's connection."""
    dbapi_connection = op.get_bind().connection.dbapi_connection
    with dbapi_connection.cursor() as cursor:
        cursor.execute(sql)


def run_sql_file(revision_file: str) -> None:
    """Execute the `.sql` file that sits beside the revision `revision_file`."""
    run_sql(Path(revision_file).with_suffix(".sql").read_text())
