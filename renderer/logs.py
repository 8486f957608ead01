"""What the daemons share: JSON log lines on stderr, signal handling, waiting for a NOTIFY."""

import json
import signal
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any

# print() writes the text and the newline separately, so two threads could
# interleave their lines; one write under a lock keeps each line whole. The
# lock is re-entrant: the signal handler logs too, and may run in the main
# thread while that thread holds it.
_WRITE_LOCK = threading.RLock()


def log(event: str, **fields: Any) -> None:
    """One JSON object a line, on stderr: the time, the event, then its fields."""
    record = {"ts": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": event}
    record.update(fields)
    line = json.dumps(record, default=str) + "\n"
    with _WRITE_LOCK:
        sys.stderr.write(line)
        sys.stderr.flush()


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT (which then no longer raise KeyboardInterrupt)."""
    stop = threading.Event()

    def handle(signum: int, _frame: object) -> None:
        log("signal", signal=signal.Signals(signum).name)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handle)
    return stop


def wait_for_notify(listener, seconds: float, stop: threading.Event) -> bool:
    """Wait up to `seconds` for one NOTIFY on `listener`; True if one came.

    Waits in half-second slices, so a stop (SIGTERM) is seen within half a
    second even when the poll interval is long; a NOTIFY still ends the wait
    at once.
    """
    deadline = time.monotonic() + seconds
    while not stop.is_set():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        for _ in listener.notifies(timeout=min(0.5, remaining), stop_after=1):
            return True
    return False
