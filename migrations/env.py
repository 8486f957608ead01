"""Alembic environment: raw SQL revisions, no models, version table in `internal`."""

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=NullPool)
    with engine.connect() as conn:
        _run(conn)


def _run(connection) -> None:
    # The version table lives in `internal`, away from clients (PostgREST exposes `public`).
    connection.exec_driver_sql("CREATE SCHEMA IF NOT EXISTS internal")
    context.configure(
        connection=connection,
        version_table_schema="internal",
        transactional_ddl=True,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("nightcap migrations run online only: use `nightcap migrate`.")
run_migrations_online()
