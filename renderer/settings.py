"""Where things are: the checkout, its local state, and the database to use."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DB_DIR = PROJECT_ROOT / "db"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
STATE_DIR = Path(os.environ.get("NIGHTCAP_STATE_DIR", PROJECT_ROOT / ".nightcap"))

# The local cluster's database and its owner (not a superuser, as on Supabase).
LOCAL_DATABASE = "nightcap"
LOCAL_OWNER = "nightcap"
DEFAULT_PORT = 55432


def database_url() -> str:
    """DATABASE_URL when set (an existing server or Supabase), else the local cluster."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    from renderer.cluster import LocalCluster

    return LocalCluster.load().url()
