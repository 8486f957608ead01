"""Payments and check-ins partitioned by month, with BRIN on time and a DEFAULT partition."""

from pathlib import Path

from renderer.migration_sql import run_sql, run_sql_file

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    # Back to one plain table each, rows copied over; detached months in the
    # archive schema must be dropped (or attached again) first. Every db/ file
    # is applied again by the next migrate.
    run_sql(Path(__file__).with_name("0026_partitioned_facts_downgrade.sql").read_text())
