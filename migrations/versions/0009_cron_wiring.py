"""pg_cron calls only api.tick() and api.work(): the direct jobs of earlier releases go."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    # The old db/cron files are gone from this release, so their pg_cron jobs
    # are not registered again; everything under db/ is re-applied on upgrade.
    run_sql(
        "COMMENT ON TABLE reporting.scheduled_jobs IS"
        " 'What runs when: a cron expression read on the wall clock of timezone."
        " A NULL organization_id is a system job. api.tick enqueues each due occurrence"
        " into reporting.job_runs once and moves next_run_at on.';"
        " DELETE FROM internal.applied_objects;"
    )
