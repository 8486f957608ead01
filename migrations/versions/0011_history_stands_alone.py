"""The attempt history is an audit log of its own, not a dependent of the run ledger."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DELETE FROM reporting.job_execution_history h WHERE NOT EXISTS"
        " (SELECT 1 FROM reporting.job_runs r WHERE r.run_id = h.run_id);"
        " ALTER TABLE reporting.job_execution_history ADD CONSTRAINT"
        " job_execution_history_run_id_fkey FOREIGN KEY (run_id)"
        " REFERENCES reporting.job_runs ON DELETE CASCADE;"
        " DELETE FROM internal.applied_objects;"
    )
