"""JSON: the report snapshot as the database computed it.

Keys are sorted and the text indented by two spaces, so the same snapshot
always gives the same bytes (and sha256); non-ASCII text (£, names) is kept as
UTF-8 rather than escaped. Nothing is added or rounded; only the rows' hidden
fields (keys starting with "_", such as the pseudonymous `_customer_key`
erasure finds rows by) are left out, as every other format leaves them out.
"""

import json
from typing import Any

from renderer.tabular import without_hidden_fields


def render_json(snapshot: dict[str, Any]) -> bytes:
    text = json.dumps(
        without_hidden_fields(snapshot),
        ensure_ascii=False,
        sort_keys=True,
        indent=2,
        allow_nan=False,
    )
    return (text + "\n").encode("utf-8")
