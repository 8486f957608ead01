"""Structured logs: one JSON object a line on stderr, for the daemons."""

import json
import signal
import sys
import threading
from datetime import UTC, datetime
from typing import Any


def log(event: str, **fields: Any) -> None:
    """One JSON object a line, on stderr: the time, the event, then its fields."""
    record = {"ts": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": event}
    record.update(fields)
    print(json.dumps(record, default=str), file=sys.stderr, flush=True)


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT (which then no longer raise KeyboardInterrupt)."""
    stop = threading.Event()

    def handle(signum: int, _frame: object) -> None:
        log("signal", signal=signal.Signals(signum).name)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handle)
    return stop
