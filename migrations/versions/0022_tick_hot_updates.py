"""Scheduled jobs keep half of each page free, so a tick's updates stay on their page (HOT)."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "ALTER TABLE reporting.scheduled_jobs RESET (fillfactor);"
        " DELETE FROM internal.applied_objects;"
    )
