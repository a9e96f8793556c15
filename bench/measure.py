"""Small measuring helpers shared by the benchmarks: timing, percentiles, peak memory, result files."""

from __future__ import annotations

import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def latency_stats(fn: Callable[[], Any], runs: int, warmup: int = 2) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    samples = [timed(fn)[0] * 1000 for _ in range(runs)]
    return {
        "median_ms": statistics.median(samples),
        "p99_ms": percentile(samples, 99),
        "min_ms": min(samples),
        "runs": runs,
    }


def children_peak_rss_mb() -> float:
    """Peak resident memory of the largest finished child process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def save(name: str, result: dict[str, Any], folder: Path | None = None) -> Path:
    folder = folder or RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    result = {"machine": f"{platform.machine()} {platform.python_version()}", **result}
    path = folder / f"{name}.json"
    path.write_text(json.dumps(result, indent=2))
    return path


def run_papertalk(*args: str) -> tuple[float, float, Any]:
    """Run the real ``papertalk`` CLI in a child process: (seconds, peak RSS MiB of it and its workers,
    its JSON output); exits with the child's error when it fails."""
    code = (
        "import resource, subprocess, sys, json;"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "print(json.dumps({'rc': p.returncode, 'out': p.stdout, 'err': p.stderr[-2000:],"
        " 'rss': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))"
    )
    cli = [str(Path(sys.executable).parent / "papertalk"), *args]
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *cli], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    report = json.loads(done.stdout)
    if report["rc"] != 0:
        raise SystemExit(f"papertalk {' '.join(args[:3])} failed: {report['err']}")
    return seconds, report["rss"] / 1024, json.loads(report["out"])
