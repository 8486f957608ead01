"""Check-ins indexed in scan order, covering the running count of people inside."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "CREATE INDEX check_ins_venue_occurred_idx ON venue.check_ins"
        " (organization_id, venue_id, occurred_at);"
        " DROP INDEX venue.check_ins_venue_scan_idx;"
    )
