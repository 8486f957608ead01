"""One LISTEN connection for the dashboard's live pages, fanned out to every stream.

Each browser watching a venue holds a server-sent-events stream; all of them
share this hub's single direct connection (NIGHTCAP_LISTEN_URL, else the
database URL: LISTEN does not survive a pooler in transaction mode). The hub
LISTENs to a venue's channel, `nightcap_live_<venue_id>`, while at least one
stream watches it and UNLISTENs when the last one leaves. A notification is
only a wake-up: each stream then asks the database for the venue's figures as
its own user, so what it shows is what row-level security lets that user see.

When the connection breaks, the hub reconnects (after a second, then every
five) and LISTENs again to every watched channel; each stream is woken once
so it re-reads what it may have missed.
"""

import queue
import threading
import time

import psycopg
from psycopg import sql

from renderer.logs import log

RECONNECT_S = (1.0, 5.0)


def channel_for(venue_id: int) -> str:
    return f"nightcap_live_{int(venue_id)}"


class LiveHub:
    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self._listened = threading.Condition(self._lock)
        self._watchers: dict[str, set[queue.Queue]] = {}
        self._listening: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "LiveHub":
        self._thread = threading.Thread(target=self._run, name="live-hub", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def subscribe(self, channel: str, timeout: float = 5.0) -> queue.Queue:
        """A queue that receives each notification's payload on `channel`.

        Returns once the hub LISTENs on the channel (or after `timeout`), so a
        caller that reads the database after this misses no change: what
        commits later is notified, what committed earlier is in its read.
        """
        inbox: queue.Queue = queue.Queue()
        with self._lock:
            self._watchers.setdefault(channel, set()).add(inbox)
            self._listened.wait_for(lambda: channel in self._listening, timeout)
        return inbox

    def unsubscribe(self, channel: str, inbox: queue.Queue) -> None:
        with self._lock:
            watchers = self._watchers.get(channel)
            if watchers is not None:
                watchers.discard(inbox)
                if not watchers:
                    del self._watchers[channel]

    def _sync_channels(self, conn: psycopg.Connection) -> None:
        with self._lock:
            wanted = set(self._watchers)
        for channel in wanted - self._listening:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
            with self._lock:
                self._listening.add(channel)
                self._listened.notify_all()
        for channel in self._listening - wanted:
            conn.execute(sql.SQL("UNLISTEN {}").format(sql.Identifier(channel)))
            with self._lock:
                self._listening.discard(channel)

    def _deliver(self, channel: str, payload: str) -> None:
        with self._lock:
            watchers = list(self._watchers.get(channel, ()))
        for inbox in watchers:
            inbox.put(payload)

    def _run(self) -> None:
        attempt = 0
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self.url, autocommit=True, application_name="nightcap-live-hub"
                ) as conn:
                    with self._lock:
                        self._listening = set()
                    if attempt:
                        log("live_hub_reconnected")
                        with self._lock:
                            channels = list(self._watchers)
                        for channel in channels:
                            self._deliver(channel, "reconnected")
                    attempt = 0
                    while not self._stop.is_set():
                        self._sync_channels(conn)
                        for note in conn.notifies(timeout=0.2):
                            self._deliver(note.channel, note.payload)
            except psycopg.Error as exc:
                delay = RECONNECT_S[min(attempt, len(RECONNECT_S) - 1)]
                attempt += 1
                log("live_hub_disconnected", error=str(exc).strip(), retry_in_s=delay)
                self._stop.wait(delay)
            except Exception as exc:  # a bug must not end the live pages silently
                log("live_hub_failed", error=repr(exc))
                time.sleep(1.0)
