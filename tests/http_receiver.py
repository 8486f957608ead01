"""A loopback HTTP server answering from a script, for the webhook and Slack senders' tests."""

from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer


@dataclass
class Receiver:
    """A loopback HTTP server answering from a script: [(status, headers, body), ...]."""

    script: list[tuple[int, dict[str, str], bytes]]
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/reports"
