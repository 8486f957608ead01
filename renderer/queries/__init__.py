"""SQL the Python side runs, one statement per `.sql` file, loaded by name."""

from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent


@cache
def load(name: str) -> str:
    """The text of renderer/queries/<name>.sql."""
    return (_HERE / f"{name}.sql").read_text()
