"""bench/results.json: every benchmark's figures under a key of its own, and the machine.

Each benchmark calls record(key, figures) when it ends; the file keeps the
other benchmarks' latest figures, so `make bench` (bench/run.py) leaves one
file with every figure of one run, and a single benchmark run on its own
updates just its part.
"""

import json
import os
import platform
import time
from pathlib import Path

PATH = Path(__file__).with_name("results.json")


def machine() -> dict:
    """What these figures were measured on."""
    cpu = ""
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as info:
        mem_kb = next(int(line.split()[1]) for line in info if line.startswith("MemTotal"))
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def load() -> dict:
    return json.loads(PATH.read_text()) if PATH.exists() else {}


def record(key: str, figures: dict) -> None:
    """Replace `key`'s figures (with the time measured) and the machine; keep the rest."""
    results = load()
    results[key] = {**figures, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    results["machine"] = machine()
    tmp = PATH.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, indent=2, default=str) + "\n")
    tmp.replace(PATH)
