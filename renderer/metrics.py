"""The renderer's Prometheus metrics, served on --metrics-port (prometheus-client)."""

from prometheus_client import Counter, Gauge, Histogram, start_http_server

RENDERS = Counter("nightcap_renders_total", "Render attempts by outcome.", ["status"])
FILES = Counter("nightcap_rendered_files_total", "Files rendered, by format.", ["format"])
RENDER_SECONDS = Histogram(
    "nightcap_render_seconds",
    "Time to render one format of one report (total: the whole report).",
    ["format"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
IN_FLIGHT = Gauge("nightcap_renders_in_flight", "Reports this daemon is rendering now.")
QUEUE = Gauge("nightcap_render_queue", "Reports in the database by render state.", ["state"])


def record_render(status: str, render_ms: dict[str, float], files: list[dict]) -> None:
    RENDERS.labels(status).inc()
    for fmt, ms in render_ms.items():
        RENDER_SECONDS.labels(fmt).observe(ms / 1000)
    for f in files:
        FILES.labels(f["format"]).inc()


def set_in_flight(count: int) -> None:
    IN_FLIGHT.set(count)


def set_queue(waiting: int, rendering: int) -> None:
    QUEUE.labels("data_ready").set(waiting)
    QUEUE.labels("rendering").set(rendering)


def serve(port: int, host: str = "127.0.0.1") -> None:
    """GET /metrics on host:port, from a background thread."""
    start_http_server(port, addr=host)
