"""Deliveries: a row per completed report, subscription and channel; the compliance log."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP TRIGGER IF EXISTS report_generation_history__deliver"
        " ON reporting.report_generation_history;"
        " DROP TABLE audit.delivery_events, reporting.report_delivery_history CASCADE;"
        " DROP FUNCTION IF EXISTS internal.create_deliveries, internal.count_recipient_bounce,"
        " internal.tg_report_generation_history__deliver, internal.reclaim_expired_deliveries,"
        " internal.tg_report_delivery_history__audit, internal.tg_audit__append_only,"
        " api.pause_subscription;"
        " ALTER TABLE reporting.report_recipients"
        "  DROP CONSTRAINT report_recipients_webhook_url_http,"
        "  DROP CONSTRAINT report_recipients_slack_url_http,"
        "  DROP CONSTRAINT report_recipients_webhook_channel_has_url,"
        "  DROP CONSTRAINT report_recipients_slack_channel_has_url;"
        " ALTER TABLE venue.organizations DROP COLUMN require_verified_recipients,"
        "  DROP COLUMN bounce_suppression_threshold;"
        " DELETE FROM internal.applied_objects;"
    )
