"""KPI definitions and calculations, and the metrics cache."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP TABLE internal.organization_data_versions, reporting.report_metrics_cache,"
        " reporting.kpi_calculations,"
        " reporting.kpi_definitions CASCADE;"
        " DELETE FROM internal.applied_objects;"
    )
