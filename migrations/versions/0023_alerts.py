"""Alert notifications: KPI alert state with hysteresis, alert deliveries, admins' contacts."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    # api.claim_deliveries returns the new alert column, and the recipients'
    # audit trigger names user_id: both are dropped, with the kpi_alerts system
    # job, and the next migrate makes them again from db/ (applied_objects
    # forgotten).
    run_sql(
        "DROP FUNCTION IF EXISTS api.claim_deliveries(text, integer, interval, text[]);"
        " DROP FUNCTION IF EXISTS"
        "   internal.create_alert_deliveries(uuid, bigint, bigint, jsonb, text[]);"
        " DROP FUNCTION IF EXISTS api.evaluate_kpi_alerts(uuid, date, date, bigint);"
        " DROP FUNCTION IF EXISTS api.evaluate_kpi_value(uuid, bigint, text, date, numeric);"
        " DROP TRIGGER IF EXISTS job_alert_events__notify ON reporting.job_alert_events;"
        " DROP TRIGGER IF EXISTS report_delivery_history__alert_notified"
        "   ON reporting.report_delivery_history;"
        " DROP TRIGGER IF EXISTS report_recipients__audit__update ON reporting.report_recipients;"
        " DELETE FROM reporting.scheduled_jobs"
        "   WHERE organization_id IS NULL AND name = 'kpi_alerts';"
        " DELETE FROM internal.applied_objects;"
        " DELETE FROM reporting.report_delivery_history WHERE generation_id IS NULL;"
        " ALTER TABLE reporting.report_delivery_history"
        "   DROP COLUMN job_alert_event_id, DROP COLUMN kpi_alert_event_id, DROP COLUMN alert,"
        "   ALTER COLUMN generation_id SET NOT NULL;"
        " DROP INDEX reporting.job_alert_events_organization_key;"
        " DROP TABLE reporting.kpi_alert_events, reporting.kpi_alert_states;"
        " ALTER TABLE reporting.report_recipients DROP COLUMN user_id;"
        " ALTER TABLE reporting.kpi_definitions DROP COLUMN alert_after_breaches;"
    )
