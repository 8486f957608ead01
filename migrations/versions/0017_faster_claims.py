"""The lease index is partial on the lease, so a completion finds its run by primary key."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP INDEX reporting.job_runs_lease_idx;"
        " CREATE INDEX job_runs_lease_idx ON reporting.job_runs (lease_expires_at)"
        " WHERE status = 'running';"
        " DELETE FROM internal.applied_objects;"
    )
