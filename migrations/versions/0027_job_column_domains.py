"""A scheduled job's one-column rules become domains: api.tick's updates stop checking them."""

from pathlib import Path

from renderer.migration_sql import run_sql, run_sql_file

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__)


def downgrade() -> None:
    # Back to text columns with CHECK constraints; every db/ file is applied
    # again by the next migrate (the views and triggers on the columns went).
    run_sql(Path(__file__).with_name("0027_job_column_domains_downgrade.sql").read_text())
