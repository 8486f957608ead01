"""`make bench`: every benchmark in one run, then one table.

Builds the benchmark dataset when it is missing (bench/dataset.py: 5
organizations x 10 clubs x a year, about 2M bookings and 7.7M payments), runs
each benchmark as its own process (so one's memory or a crash cannot skew
another's), saying which step it is on and how long the run has taken, and
ends with the table of bench/table.py, which it also writes to
bench/results.md. Each benchmark records its figures in bench/results.json
with the machine's description.

    .venv/bin/python -m bench.run [--quick]

--quick: fewer runs and smaller sizes, to see that everything works (minutes).
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

from bench.results import load
from bench.table import render, rows

# (module, arguments of a full run, arguments of a quick run)
STEPS: tuple[tuple[str, list[str], list[str]], ...] = (
    ("bench.dataset", [], []),
    # One run: the dataset's build above has just shown the generator at
    # scale (`python -m bench.generator --runs 3` gives a median).
    ("bench.generator", ["--runs", "1"], ["--runs", "1", "--days", "30"]),
    ("bench.cron", ["--runs", "3"], ["--runs", "1", "--calls", "10000"]),
    ("bench.tick", ["--runs", "3"], ["--runs", "1", "--jobs", "10000"]),
    ("bench.claim", ["--runs", "3", "--jobs", "12000"], ["--runs", "1", "--jobs", "2000"]),
    (
        "bench.aggregation",
        # The peers take 10-25 s a run: two runs each (their median is the mean).
        ["--runs", "3", "--peer-runs", "2", "--facts-runs", "1"],
        ["--runs", "1", "--facts-runs", "1"],
    ),
    ("bench.reports", ["--runs", "7"], ["--runs", "2"]),
    # Monthly partitions beside a plain copy of the same payments.
    ("bench.partitions", ["--runs", "5"], ["--runs", "1"]),
    ("bench.render_html_pdf", ["--runs", "20"], ["--runs", "3"]),
    (
        "bench.renderer",
        ["--reports", "120", "--samples", "40"],
        ["--reports", "40", "--samples", "20"],
    ),
    ("bench.live_kpis", ["--runs", "50"], ["--runs", "5"]),
    # A streaming standby of the benchmark's cluster, reports read on it.
    ("bench.replica", ["--runs", "3"], ["--runs", "1"]),
    # 1,000 reports due in one minute, through tick, snapshot, render and SMTP,
    # in a database of its own.
    (
        "bench.load",
        ["--reports", "1000", "--organizations", "10"],
        ["--reports", "30", "--organizations", "3"],
    ),
)


def clock(seconds: float) -> str:
    return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


def write_table(took: str) -> str:
    """The table of bench/results.json with the machine and the run's length; also results.md."""
    results = load()
    machine = results.get("machine", {})
    header = (
        f"{machine.get('cpu', '?')}, {machine.get('cores', '?')} cores,"
        f" {machine.get('memory_gib', '?')} GiB; `make bench` took {took}"
    )
    table = render(rows(results))
    legend = "ratio: how many times better nightcap is than the peer (above 1: nightcap is ahead)"
    Path(__file__).with_name("results.md").write_text(
        "# `make bench`: the latest figures\n\n"
        "Written by `bench/run.py` from `bench/results.json` (every figure, with the machine).\n"
        "Medians of several runs unless the step says one run; the machine is shared and noisy.\n\n"
        f"{header}\n\n{legend}.\n\n```\n{table}\n```\n"
    )
    return f"{header}\n{legend}\n{table}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller sizes")
    args = parser.parse_args()

    started = time.monotonic()
    failed = []
    for n, (module, full, quick) in enumerate(STEPS, start=1):
        arguments = quick if args.quick else full
        print(
            f"\n=== [{n}/{len(STEPS)}] {module} {' '.join(arguments)}"
            f"   (elapsed {clock(time.monotonic() - started)})",
            flush=True,
        )
        step_started = time.monotonic()
        code = subprocess.call([sys.executable, "-m", module, *arguments])
        took = clock(time.monotonic() - step_started)
        if code != 0:
            failed.append(module)
            print(f"=== {module} failed (exit {code}) after {took}", flush=True)
        else:
            print(f"=== {module} done in {took}", flush=True)

    print("\n" + write_table(clock(time.monotonic() - started)))
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
