"""Reading the database as the dashboard's signed-in user, under row-level security.

Each request gets a short read-only transaction in which the dashboard's login
switches to a client role and names the user, exactly as PostgREST does for a
Supabase client:

    SET TRANSACTION READ ONLY;
    SET LOCAL ROLE nightcap_staff;              -- enough to read one's own memberships
    SELECT set_config('nightcap.user_id', <user>, true);
    ... read the user's memberships ...
    SET LOCAL ROLE nightcap_<highest role>;     -- the ceiling; policies narrow it per organization

So the dashboard can show nothing the user could not select themselves, and
writes nothing. The login (NIGHTCAP_DASHBOARD_URL, else the database URL)
must be a member of the client roles; `nightcap migrate` makes the migrating
login one, and a production server should use a login of its own with just
those memberships (NOINHERIT, like PostgREST's authenticator).
"""

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from renderer import settings
from renderer.queries import load

# Highest first: the database role of a user with several memberships.
ROLE_ORDER = ("admin", "manager", "auditor", "staff")


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    roles: frozenset[str]


PAGES = (
    Page("live", "Live", frozenset({"admin", "manager"})),
    Page("reports", "Scheduled reports", frozenset({"admin", "manager"})),
    Page("history", "Execution history", frozenset({"admin", "manager", "auditor"})),
    Page("deliveries", "Deliveries", frozenset({"admin", "manager", "auditor"})),
    Page("monitoring", "Monitoring", frozenset({"admin", "manager", "auditor"})),
    Page("me", "My shifts", frozenset({"staff"})),
)


@dataclass(frozen=True)
class Viewer:
    user_id: str
    role: str
    organizations: list[dict] = field(default_factory=list)

    @property
    def organization_names(self) -> str:
        return ", ".join(o["name"] for o in self.organizations)

    @property
    def pages(self) -> list[Page]:
        return [p for p in PAGES if self.role in p.roles]

    def may_see(self, path: str) -> bool:
        return any(p.path == path for p in self.pages)


def dashboard_url() -> str:
    return os.environ.get("NIGHTCAP_DASHBOARD_URL") or settings.database_url()


@contextlib.contextmanager
def as_user(url: str, user_id: str) -> Iterator[tuple[psycopg.Connection, Viewer | None]]:
    """A read-only transaction acting as `user_id`; Viewer None: a user of no organization."""
    with (
        psycopg.connect(
            url, row_factory=dict_row, connect_timeout=5, application_name="nightcap-dashboard"
        ) as conn,
        conn.transaction(),
    ):
        conn.execute("SET TRANSACTION READ ONLY")
        conn.execute("SET LOCAL ROLE nightcap_staff")
        conn.execute("SELECT set_config('nightcap.user_id', %s, true)", (user_id,))
        memberships = conn.execute(load("dashboard_memberships"), {"user_id": user_id}).fetchall()
        if not memberships:
            yield conn, None
            return
        role = min((m["role"] for m in memberships), key=ROLE_ORDER.index)
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(f"nightcap_{role}")))
        yield conn, Viewer(user_id=user_id, role=role, organizations=memberships)
