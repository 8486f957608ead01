"""The download-link server: `GET /files/<key>?expires=&signature=` from a Storage.

200 with the file, its Content-Type and Content-Disposition for a valid link;
403 for an expired, altered or malformed link; 404 for anything else (another
path, a file that is not there, a key that would leave the store). The key is
taken only from a link whose signature is right, and the store refuses keys
outside its root, so nothing else on the machine can be served.

Standard library only (ThreadingHTTPServer). The daemon starts it in a
background thread with start_link_server() and stops it with .stop(); on its
own: `python -m renderer.link_server` (NIGHTCAP_LINK_HOST / NIGHTCAP_LINK_PORT,
default 127.0.0.1:8765; NIGHTCAP_STORAGE_DIR). One JSON log line per request on
stderr, without the signature.
"""

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, urlsplit

from renderer import signed_links
from renderer.logs import log
from renderer.signed_links import LinkError
from renderer.storage import (
    NotFoundError,
    Storage,
    StorageError,
    UnsafeKeyError,
    content_type_for,
    default_storage,
)

INLINE_EXTENSIONS = {"pdf", "html"}
# The HTML reports have inline styles and data: images, never scripts.
HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"


def content_disposition(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    kind = "inline" if name.rsplit(".", 1)[-1].lower() in INLINE_EXTENSIONS else "attachment"
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name
    )
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


class LinkServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], storage: Storage, secret: bytes) -> None:
        super().__init__(address, LinkHandler)
        self.storage = storage
        self.secret = secret
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.server_address[0]}:{self.port}"

    def start(self) -> "LinkServer":
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="link-server",
            daemon=True,
        )
        self._thread.start()
        log("link_server_started", url=self.base_url)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stops accepting, lets the thread end, and closes the socket."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout)
            self._thread = None
        self.server_close()
        log("link_server_stopped", url=self.base_url)


class LinkHandler(BaseHTTPRequestHandler):
    server: LinkServer
    server_version = "nightcap"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.respond(send_body=True)

    def do_HEAD(self) -> None:
        self.respond(send_body=False)

    def respond(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        if not path.startswith(signed_links.PREFIX):
            self.fail(HTTPStatus.NOT_FOUND, "not found", path, send_body)
            return
        try:
            key = signed_links.verify(self.path, self.server.secret)
            data = self.server.storage.open(key)
        except LinkError as exc:
            self.fail(HTTPStatus.FORBIDDEN, str(exc), path, send_body, reason=type(exc).__name__)
            return
        except (NotFoundError, UnsafeKeyError):
            self.fail(HTTPStatus.NOT_FOUND, "no such file", path, send_body)
            return
        except StorageError as exc:
            self.fail(HTTPStatus.INTERNAL_SERVER_ERROR, "cannot read the file", path, send_body)
            log("link_read_failed", path=path, error=str(exc))
            return
        self.send_response(HTTPStatus.OK)
        content_type = content_type_for(key)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Content-Disposition", content_disposition(key))
        self.send_header("Cache-Control", "private, no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", HTML_POLICY)
        self.end_headers()
        log("link_served", path=path, status=200, bytes=len(data), method=self.command)
        if send_body:
            self.wfile.write(data)

    def fail(
        self, status: HTTPStatus, message: str, path: str, send_body: bool, reason: str = ""
    ) -> None:
        body = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        log("link_refused", path=path, status=int(status), reason=reason or message)
        if send_body:
            self.wfile.write(body)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: respond() logs one JSON line, without the link's signature."""


def start_link_server(
    storage: Storage | None = None,
    secret: bytes | None = None,
    host: str | None = None,
    port: int | None = None,
) -> LinkServer:
    """Serves links in a background thread; port 0 picks a free port (see .port)."""
    server = LinkServer(
        (host or signed_links.link_host(), signed_links.link_port() if port is None else port),
        storage if storage is not None else default_storage(),
        secret if secret is not None else signed_links.link_secret(),
    )
    return server.start()


def main() -> None:
    server = start_link_server()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
