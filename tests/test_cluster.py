"""`nightcap db up` / `db url` / `db down` on a cluster of its own, as CI's user."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import psycopg.conninfo
import pytest

from renderer.cluster import free_port


def nightcap(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "renderer.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


@pytest.fixture
def cluster_env(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") and k != "DATABASE_URL"}
    env["NIGHTCAP_STATE_DIR"] = str(tmp_path / "state")
    env["NIGHTCAP_PG_PORT"] = str(free_port())
    yield env
    nightcap("db", "down", env=env)
    state = tmp_path / "state" / "cluster.json"
    if state.exists():
        shutil.rmtree(json.loads(state.read_text())["datadir"], ignore_errors=True)


def test_db_up_creates_a_migrated_cluster_with_pg_cron_and_is_idempotent(
    cluster_env, head_revision
):
    first = nightcap("db", "up", env=cluster_env)
    assert first.returncode == 0, first.stderr
    url = first.stdout.strip().splitlines()[-1]
    assert f":{cluster_env['NIGHTCAP_PG_PORT']}/nightcap" in url

    assert nightcap("db", "url", env=cluster_env).stdout.strip() == url
    state = json.loads((Path(cluster_env["NIGHTCAP_STATE_DIR"]) / "cluster.json").read_text())
    admin = psycopg.conninfo.make_conninfo(
        url, user="postgres", password=state["superuser_password"]
    )
    # These settings are visible to superusers only. The WAL ones are what a
    # bulk load needs (see LocalCluster.write_config); Debian's server is
    # built with lz4.
    with psycopg.connect(admin) as conn:
        settings = dict(
            conn.execute(
                "SELECT name, current_setting(name) FROM pg_settings WHERE name IN"
                " ('shared_preload_libraries', 'cron.database_name', 'cron.use_background_workers',"
                "  'wal_buffers', 'wal_writer_delay', 'wal_compression')"
            ).fetchall()
        )
        assert settings == {
            "shared_preload_libraries": "pg_cron",
            "cron.database_name": "nightcap",
            "cron.use_background_workers": "on",
            "wal_buffers": "128MB",
            "wal_writer_delay": "20ms",
            "wal_compression": "lz4",
        }
    with psycopg.connect(url) as conn:
        extensions = {r[0] for r in conn.execute("SELECT extname FROM pg_extension")}
        assert {"pg_cron", "pgtap"} <= extensions
        assert conn.execute("SELECT version_num FROM internal.alembic_version").fetchone() == (
            head_revision,
        )
        assert conn.execute("SELECT jobname FROM cron.job ORDER BY 1").fetchall() == [
            ("nightcap-tick",),
            ("nightcap-work",),
        ]
        assert conn.execute(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone() == (False,)
        conn.execute("SELECT api.create_organization('Kept', 'kept')")
        conn.commit()

    again = nightcap("db", "up", env=cluster_env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines()[-1] == url
    assert "0 object file(s) applied" in again.stderr
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM venue.organizations").fetchone() == (1,)


def test_db_url_without_a_cluster_says_what_to_do(cluster_env):
    done = nightcap("db", "url", env=cluster_env)
    assert done.returncode == 1
    assert "nightcap db up" in done.stderr


def test_database_url_overrides_the_local_cluster(cluster_env):
    cluster_env["DATABASE_URL"] = "postgresql://someone@db.example.com:6543/reports"
    done = nightcap("db", "url", env=cluster_env)
    assert done.stdout.strip() == "postgresql://someone@db.example.com:6543/reports"
