"""Live KPIs and monitoring: indexes for the monitoring views' time windows."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    # The monitoring views (db/views/api) read tables that earlier downgrades
    # change or drop: they go first, and are made again by the next migrate.
    run_sql(
        "DO $$DECLARE v regclass; BEGIN"
        " FOR v IN SELECT c.oid FROM pg_class c"
        "  WHERE c.relnamespace = 'api'::regnamespace AND c.relkind = 'v' LOOP"
        "  EXECUTE format('DROP VIEW %s', v); END LOOP; END$$;"
        " DELETE FROM internal.applied_objects;"
        " DROP INDEX reporting.job_execution_history_finished_idx,"
        " reporting.report_generation_history_requested_idx,"
        " reporting.report_generation_history_finished_idx,"
        " reporting.report_delivery_history_email_sent_idx;"
    )
