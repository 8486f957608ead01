"""Tenancy: the roles, the membership table, the audit log and the retention setting."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    # Roles are the cluster's, shared with other databases: they stay.
    run_sql(
        "DROP TABLE audit.events, venue.memberships;"
        " ALTER TABLE venue.organizations DROP COLUMN retention_days;"
        " DELETE FROM internal.applied_objects;"
    )
