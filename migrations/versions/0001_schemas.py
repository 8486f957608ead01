"""Schemas and the bookkeeping of replaceable objects."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP TABLE internal.applied_objects; DROP SCHEMA venue, reporting, api, audit CASCADE;"
    )
