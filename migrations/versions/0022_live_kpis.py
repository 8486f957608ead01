"""Live KPIs and monitoring: indexes for the monitoring views' time windows."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0022"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP INDEX reporting.job_execution_history_finished_idx,"
        " reporting.report_generation_history_requested_idx,"
        " reporting.report_generation_history_finished_idx,"
        " reporting.report_delivery_history_email_sent_idx;"
    )
