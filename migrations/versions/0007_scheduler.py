"""Scheduled jobs and the run ledger that api.tick fills exactly once per occurrence."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP TABLE reporting.job_runs, reporting.scheduled_jobs CASCADE;"
        " DELETE FROM internal.applied_objects;"
    )
