"""JSON: the report snapshot exactly as the database computed it.

Keys are sorted and the text indented by two spaces, so the same snapshot
always gives the same bytes (and sha256); non-ASCII text (£, names) is kept as
UTF-8 rather than escaped. Nothing is added, removed or rounded.
"""

import json
from typing import Any


def render_json(snapshot: dict[str, Any]) -> bytes:
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False)
    return (text + "\n").encode("utf-8")
