"""Report snapshots can be read on a hot standby: the generation row says where it was read."""

from renderer.migration_sql import run_sql, run_sql_file

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    run_sql(
        "DROP FUNCTION IF EXISTS internal.generate_report"
        "(text, uuid, date, date, jsonb, text[], text, bigint, bigint, boolean, jsonb);"
        " DROP FUNCTION IF EXISTS api.work(numeric, text[]);"
        " ALTER TABLE reporting.report_generation_history DROP COLUMN read_from;"
        " DELETE FROM internal.applied_objects;"
    )
