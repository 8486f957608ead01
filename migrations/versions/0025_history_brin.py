"""The job history's time index is BRIN: an entry per completed attempt costs next to nothing."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP INDEX reporting.job_execution_history_finished_idx;"
        " CREATE INDEX job_execution_history_finished_idx"
        " ON reporting.job_execution_history (finished_at);"
        " DELETE FROM internal.applied_objects;"
    )
