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
        "DROP TABLE reporting.report_generation_history, reporting.report_subscriptions,"
        " reporting.report_recipients, reporting.report_sections,"
        " reporting.report_template_changes,"
        " reporting.report_templates;"
        " DELETE FROM internal.applied_objects;"
    )
