"""${message}"""

from renderer.migration_sql import run_sql, run_sql_file

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    # Stateful changes only, in the .sql file beside this one.
    run_sql_file(__file__)


def downgrade() -> None:
    # The reverse of the .sql file: drop what it created, restore what it changed.
    run_sql("SELECT 1")
