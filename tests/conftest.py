"""Fixtures: per-test databases on the throwaway cluster `make test` starts.

scripts/run-tests-in-cluster exports the superuser's libpq variables (PGHOST,
PGPORT, PGUSER, PGPASSWORD) and DATABASE_URL of the migrated test database,
owned by the non-superuser role `nightcap`.
"""

import os
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from renderer import settings
from renderer.bootstrap import bootstrap
from renderer.migrate import migrate
from tests.http_receiver import Receiver

OWNER = "nightcap"


@pytest.fixture(scope="session")
def head_revision() -> str:
    """The newest revision: revisions are numbered 0001, 0002, ... and named so."""
    return max(p.name[:4] for p in (settings.MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py"))


def owner_password() -> str:
    return conninfo_to_dict(os.environ["DATABASE_URL"])["password"]


@pytest.fixture(scope="session")
def admin_conninfo() -> str:
    if "DATABASE_URL" not in os.environ or "PGHOST" not in os.environ:
        pytest.skip("run through `make test` (needs the throwaway cluster's PG* and DATABASE_URL)")
    return make_conninfo("", dbname="postgres")


def drop_database(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def empty_db(admin_conninfo: str) -> Iterator[str]:
    """A new, unmigrated database owned by `nightcap` (no pg_cron in it); its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = bootstrap(admin_conninfo, name, OWNER, owner_password())
    yield url
    drop_database(admin_conninfo, name)


@pytest.fixture(scope="session")
def migrated_template(admin_conninfo: str) -> Iterator[str]:
    """A database migrated to head, used as the template of `migrated_db`."""
    name = f"tmpl_{uuid.uuid4().hex[:8]}"
    migrate(bootstrap(admin_conninfo, name, OWNER, owner_password()))
    yield name
    drop_database(admin_conninfo, name)


@pytest.fixture
def migrated_db(admin_conninfo: str, migrated_template: str) -> Iterator[str]:
    """A fresh copy of the migrated template; its owner URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(migrated_template), sql.Identifier(OWNER)
            )
        )
    yield make_conninfo(os.environ["DATABASE_URL"], dbname=name)
    drop_database(admin_conninfo, name)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(script=[])

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append((self.path, dict(self.headers.items()), body))
            status, headers, answer = state.script.pop(0) if state.script else (200, {}, b"ok")
            if status == 0:  # hang past the client's timeout
                time.sleep(1.5)
                status = 200
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.server = server
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield state
    server.shutdown()
    thread.join(5)
    server.server_close()
