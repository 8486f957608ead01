"""The one table of `make bench`: figure, value, peer, peer value, ratio, target.

Read from bench/results.json (what each benchmark recorded); a figure whose
benchmark did not run is left out. Printed by bench/run.py, and on its own:

    .venv/bin/python -m bench.table
"""

from collections.abc import Iterator

from bench.results import load

# figure, value, peer, peer value, ratio, target. The ratio says how many times
# better nightcap is than the peer: peer time / ours, or our rate / the peer's.
Row = tuple[str, str, str, str, str, str]


def _s(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _ms(ms: float | None) -> str:
    return "" if ms is None else _s(ms / 1000)


def _x(ratio: float | None) -> str:
    return "" if ratio is None else f"{ratio:.2f}x"


def _generator(r: dict) -> Iterator[Row]:
    g = r["generator"]
    on = f", {g['connections']} organizations at once" if g.get("connections", 1) > 1 else ""
    yield (
        f"generate_demo_data, {g['bookings']:,} bookings ({g['rows']:,} rows){on}",
        f"{_s(g['median_seconds'])}, {g['median_rows_per_second']:,.0f} rows/s",
        "",
        "",
        "",
        "well under 60 s (issue 3)",
    )


def _cron(r: dict) -> Iterator[Row]:
    c = r["cron"]
    yield (f"api.cron_next, {c['calls']:,} calls", _s(c["median_seconds"]), "", "", "", "a few s")


def _tick(r: dict) -> Iterator[Row]:
    t = r["tick"]
    yield (f"api.tick, {t['jobs']:,} due jobs", _s(t["median_seconds"]), "", "", "", "< 1 s")
    if "tick_distinct" in r:
        d = r["tick_distinct"]
        yield (
            f"api.tick, {d['jobs']:,} jobs, distinct schedules",
            _s(d["median_seconds"]),
            "",
            "",
            "",
            "",
        )


def _claim(r: dict) -> Iterator[Row]:
    rate = r["claim"]["jobs_per_second"]
    pairs = (
        ("one at a time", "nightcap, one at a time", "procrastinate, one at a time", ">= 2x"),
        ("batched", "nightcap, batched", "pgqueuer, batched", ">= 1x"),
    )
    for label, ours, peer, target in pairs:
        if ours in rate and peer in rate:
            yield (
                f"claim + complete, 2 workers, {label} (jobs/s)",
                f"{rate[ours]:,.0f}",
                peer.split(",")[0],
                f"{rate[peer]:,.0f}",
                _x(rate[ours] / rate[peer]),
                target,
            )


def _aggregation(r: dict) -> Iterator[Row]:
    a = r["aggregation"]
    seconds = a["seconds"]
    bare = seconds.get("bare GROUP BY (venue, business_date)")
    daily = seconds.get("daily rebuild from hourly, whole range")
    rows = f"{a['payments']:,} payments"
    if daily and bare:
        yield (
            f"daily rollup, {rows}",
            _s(daily),
            "bare GROUP BY",
            _s(bare),
            _x(bare / daily),
            ">= 0.67x (<= 1.5x bare)",
        )
    for peer in ("pandas", "polars", "DuckDB"):
        key = f"{peer}: COPY + group by"
        if daily and key in seconds:
            yield (
                f"daily rollup, {rows}",
                _s(daily),
                peer,
                _s(seconds[key]),
                _x(seconds[key] / daily),
                "1M records < 30 s (seed 002)",
            )
    facts = seconds.get("whole rebuild from facts (hourly+daily+events+DQ)")
    if facts:
        yield (
            f"whole rebuild from the facts, {rows}",
            _s(facts),
            "bare GROUP BY",
            _s(bare),
            "",
            "",
        )
    hour = seconds.get("one venue-hour change, re-aggregated")
    if hour:
        yield ("one venue-hour re-aggregated", _s(hour), "", "", "", "< 50 ms")


def _reports(r: dict) -> Iterator[Row]:
    for name, f in r["reports"]["figures"].items():
        yield (f"snapshot: {name}", _ms(f["median_ms"]), "", "", "", "< 3 s (seed 002)")


def _render(r: dict) -> Iterator[Row]:
    m = r["render_html_pdf"]["median_ms"]
    for name, ms in m.items():
        yield (f"render one Daily Summary: {name}", _ms(ms), "", "", "", "")


def _renderer(r: dict) -> Iterator[Row]:
    lat, thr = r["renderer"]["latency"], r["renderer"]["throughput"]
    yield ("NOTIFY to claim, p99", _ms(lat["p99_ms"]), "", "", "", "< 50 ms (seed 002)")
    yield (
        f"renderer, {thr['reports']:,} reports, {thr['daemons']} daemons",
        f"{thr['reports_per_minute']:,.0f} reports/min",
        "",
        "",
        "",
        "",
    )
    peak = max(thr["peak_rss_mb"].values(), default=None)
    if peak is not None:
        yield ("renderer daemon peak memory", f"{peak:,.0f} MB", "", "", "", "< 2 GB (seed 002)")


def _live(r: dict) -> Iterator[Row]:
    for name, ms in r["live_kpis"]["median_ms"].items():
        yield (f"api.live_kpis {name}", _ms(ms), "", "", "", "milliseconds (issue 10)")


def _load(r: dict) -> Iterator[Row]:
    load_ = r["load"]
    reports = load_["reports"]
    yield (
        f"{reports:,} reports due in one minute: tick to last delivery",
        _s(load_["time_to_last_delivery_s"]),
        "",
        "",
        "",
        "1,000 concurrent (seed 002)",
    )
    own = load_["per_report_own_work_s"]
    yield (
        "  each report's own work (snapshot + render + send), p50 / p99",
        f"{_s(own['p50'])} / {_s(own['p99'])}",
        "",
        "",
        "",
        "< 3 s (seed 002)",
    )
    total = (load_.get("memory") or {}).get("peak_total_mb")
    if total is not None:
        yield (
            "  daemons + backends, peak memory",
            f"{total:,.0f} MB",
            "",
            "",
            "",
            "< 2 GB (seed 002)",
        )


def _partitions(r: dict) -> Iterator[Row]:
    part = r["partitions"]
    for name, case in part["cases"].items():
        plain = case.get("plain_ms")
        yield (
            f"partitioned payments: {name}",
            _ms(case["partitioned_ms"]),
            "plain table" if plain is not None else "",
            _ms(plain),
            _x(plain / case["partitioned_ms"]) if plain is not None else "",
            "no api result changes (issue 11)",
        )


def _replica(r: dict) -> Iterator[Row]:
    rep = r["replica"]
    yield (
        f"{rep['reports']} week reports read on a hot standby (all equal to the primary's)",
        _s(rep["standby_median_seconds"]),
        "on the primary",
        _s(rep["primary_median_seconds"]),
        _x(rep["primary_median_seconds"] / rep["standby_median_seconds"]),
        "",
    )
    yield (
        "  standby paused: wait, then read on the primary",
        _s(rep["lagging_fallback_seconds"]),
        "",
        "",
        "",
        "keeps working (issue 11)",
    )
    yield (
        "  standby stopped: read on the primary",
        _s(rep["down_fallback_seconds"]),
        "",
        "",
        "",
        "keeps working (issue 11)",
    )


SECTIONS = {
    "generator": _generator,
    "cron": _cron,
    "tick": _tick,
    "claim": _claim,
    "aggregation": _aggregation,
    "reports": _reports,
    "render_html_pdf": _render,
    "renderer": _renderer,
    "live_kpis": _live,
    "partitions": _partitions,
    "replica": _replica,
    "load": _load,
}


def rows(results: dict | None = None) -> list[Row]:
    results = load() if results is None else results
    out: list[Row] = []
    for key, build in SECTIONS.items():
        if key in results:
            try:
                out.extend(build(results))
            except (KeyError, TypeError, ZeroDivisionError) as exc:
                out.append((f"{key}: unreadable figures ({exc!r})", "", "", "", "", ""))
    return out


def render(table: list[Row]) -> str:
    header = ("figure", "value", "peer", "peer value", "ratio", "target")
    lines = [header, *table]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = []
    for n, line in enumerate(lines):
        text.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            text.append("  ".join("-" * w for w in widths))
    return "\n".join(text)


def main() -> None:
    results = load()
    machine = results.get("machine", {})
    if machine:
        cpu, cores, memory = machine.get("cpu"), machine.get("cores"), machine.get("memory_gib")
        print(f"{cpu}, {cores} cores, {memory} GiB")
    print(render(rows(results)))


if __name__ == "__main__":
    main()
