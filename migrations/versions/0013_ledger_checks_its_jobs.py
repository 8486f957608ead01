"""The run ledger's reference to its job: kept by triggers that api.tick's own runs skip."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP TRIGGER IF EXISTS job_runs__check_job__insert ON reporting.job_runs;"
        " DROP TRIGGER IF EXISTS job_runs__check_job__update ON reporting.job_runs;"
        " DROP TRIGGER IF EXISTS scheduled_jobs__keep_runs ON reporting.scheduled_jobs;"
        " DROP TRIGGER IF EXISTS scheduled_jobs__keep_runs__truncate ON reporting.scheduled_jobs;"
        " COMMENT ON COLUMN reporting.job_runs.job_id IS NULL;"
        " ALTER TABLE reporting.job_runs ADD CONSTRAINT job_runs_job_id_fkey"
        " FOREIGN KEY (job_id) REFERENCES reporting.scheduled_jobs;"
        " DELETE FROM internal.applied_objects;"
    )
