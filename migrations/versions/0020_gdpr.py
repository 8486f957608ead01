"""GDPR: what retention and erasure record on reports, their files and deliveries."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP FUNCTION IF EXISTS api.erase_customer(uuid, bigint),"
        " api.claim_expired_files(text, integer, interval), api.files_deleted(bigint, text),"
        " internal.apply_retention(uuid, timestamptz), internal.redact_snapshot(jsonb, text);"
        " DROP INDEX reporting.report_generation_history_expired_files_idx,"
        " reporting.report_generation_history_retention_idx,"
        " reporting.report_delivery_history_retention_idx;"
        " ALTER TABLE reporting.report_generation_history"
        "   DROP CONSTRAINT report_generation_history_snapshot_when_ready,"
        "   DROP CONSTRAINT report_generation_history_files_deleted_after_expiry,"
        "   DROP CONSTRAINT report_generation_history_files_expiry_reason_known,"
        "   DROP COLUMN files_expired_at, DROP COLUMN files_expiry_reason,"
        "   DROP COLUMN files_deleted_at, DROP COLUMN files_worker,"
        "   DROP COLUMN files_lease_expires_at, DROP COLUMN redacted_at,"
        "   ADD CONSTRAINT report_generation_history_snapshot_when_ready CHECK ("
        "     status NOT IN ('data_ready', 'rendering', 'completed') OR snapshot IS NOT NULL);"
        " ALTER TABLE reporting.report_delivery_history DROP COLUMN redacted_at;"
        " DELETE FROM internal.applied_objects;"
    )
