"""The render queue: leases on generated reports, and a row per render attempt."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP TABLE reporting.report_render_attempts;"
        " DROP FUNCTION IF EXISTS api.claim_reports, api.heartbeat_report, api.complete_report,"
        " api.fail_report, api.release_report, internal.reclaim_expired_reports,"
        " internal.rendering_report;"
        " DROP INDEX reporting.report_generation_history_leases_idx,"
        " reporting.report_generation_history_generation_idx,"
        " reporting.report_generation_history_render_queue_idx;"
        " ALTER TABLE reporting.report_generation_history"
        "  DROP COLUMN priority_rank, DROP COLUMN render_attempts, DROP COLUMN max_render_attempts,"
        "  DROP COLUMN render_after, DROP COLUMN render_worker, DROP COLUMN heartbeat_at,"
        "  DROP COLUMN lease_expires_at, DROP COLUMN peak_memory_kb;"
        " CREATE INDEX report_generation_history_render_queue_idx"
        "  ON reporting.report_generation_history (priority, requested_at)"
        "  WHERE status = 'data_ready';"
        " DELETE FROM internal.applied_objects;"
    )
