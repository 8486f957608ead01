"""Keep the run ledger's claim index lean under a busy queue; drop replaced signatures."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "ALTER TABLE reporting.job_runs RESET (autovacuum_vacuum_scale_factor,"
        " autovacuum_vacuum_threshold, autovacuum_vacuum_cost_delay,"
        " autovacuum_analyze_scale_factor, autovacuum_analyze_threshold);"
        " DELETE FROM internal.applied_objects;"
    )
