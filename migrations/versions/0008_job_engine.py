"""The job engine: leases, retries, history, dependencies and alert rules for the run ledger."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP TABLE reporting.job_alert_events, reporting.job_alerts,"
        " reporting.job_dependencies, reporting.job_execution_history CASCADE;"
        " DROP INDEX reporting.job_runs_claim_idx, reporting.job_runs_lease_idx,"
        " reporting.job_runs_waiting_idx;"
        " ALTER TABLE reporting.job_runs"
        "  DROP CONSTRAINT job_runs_status_known,"
        "  ADD CONSTRAINT job_runs_status_known CHECK (status IN"
        "  ('queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled')),"
        "  DROP COLUMN job_type, DROP COLUMN priority, DROP COLUMN run_after,"
        "  DROP COLUMN worker, DROP COLUMN started_at, DROP COLUMN heartbeat_at,"
        "  DROP COLUMN lease_expires_at, DROP COLUMN timeout_at, DROP COLUMN finished_at,"
        "  DROP COLUMN result, DROP COLUMN error_sqlstate, DROP COLUMN error_message,"
        "  DROP COLUMN skip_reason;"
        " DELETE FROM internal.applied_objects;"
    )
