"""Hourly and daily rollups, and the queue of venue-days to re-aggregate."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP TABLE internal.aggregation_queue, reporting.daily_aggregations,"
        " reporting.hourly_aggregations CASCADE;"
        " DELETE FROM internal.applied_objects;"
    )
