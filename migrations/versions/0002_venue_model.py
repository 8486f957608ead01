"""The venue data model: organizations, venues, events, customers, bookings, payments, ..."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = (
    "feedback",
    "check_ins",
    "payments",
    "bookings",
    "shifts",
    "staff",
    "customers",
    "events",
    "tables",
    "areas",
    "venues",
    "organizations",
)


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    # Functions under db/ that read these tables are re-applied on the next upgrade.
    run_sql(
        "DROP TABLE " + ", ".join(f"venue.{t}" for t in TABLES) + " CASCADE;"
        " DELETE FROM internal.applied_objects;"
    )
