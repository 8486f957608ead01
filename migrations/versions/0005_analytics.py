"""Event performance, customer analytics and data-quality findings."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP TABLE reporting.data_quality_findings, reporting.customer_analytics,"
        " internal.organization_secrets, reporting.event_performance_analytics CASCADE;"
        " DELETE FROM internal.applied_objects;"
    )
