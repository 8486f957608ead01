"""Reports in the database: templates, sections, recipients, subscriptions, generation history."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP TRIGGER IF EXISTS organizations__seed_report_templates__insert"
        " ON venue.organizations;"
        " DROP TABLE reporting.report_generation_history, reporting.report_subscriptions,"
        " reporting.report_recipients, reporting.report_sections,"
        " reporting.report_template_changes, reporting.report_templates CASCADE;"
        " DROP FUNCTION IF EXISTS api.generate_report, internal.generate_report,"
        " internal.ensure_report_templates, internal.tg_organizations__seed_report_templates,"
        " internal.system_report_templates, internal.report_datasets, internal.check_query_config,"
        " internal.report_period, internal.report_warnings, internal.current_actor,"
        " internal.tg_report_templates__guard, internal.tg_report_templates__log,"
        " internal.tg_report_sections__check;"
        " DELETE FROM internal.applied_objects;"
    )
