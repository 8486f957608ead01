"""Daily rollups from the hourly ones: party counts per hour, customer and table sets per day."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP TABLE reporting.daily_table_use, reporting.daily_customer_visits;"
        " DROP INDEX venue.customers_vip_idx;"
        " ALTER TABLE reporting.hourly_aggregations"
        "  DROP COLUMN parties, DROP COLUMN party_size_sum, DROP COLUMN table_bookings;"
        " DELETE FROM internal.applied_objects;"
    )
