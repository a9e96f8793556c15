"""The Jetstream benchmark runs end to end at a tiny scale (the real figures: docs/performance.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_jetstream_benchmark_smoke(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "bench.jetstream", "--events", "5000"]
    args += ["--data", str(tmp_path / "data"), "--results", str(tmp_path)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "jetstream-5000.json").read_text())
    assert report["file"]["plain_found"] == report["file"]["ours_kept_linking_arxiv"] > 20
    assert report["websocket"]["plain_found"] == report["file"]["plain_found"]
    assert report["websocket"]["ours_kept_posts"] == report["file"]["ours_kept_posts"]
    assert report["websocket"]["stored_posts"] == report["file"]["ours_kept_posts"]
    assert report["websocket"]["stored_mentions"] >= report["file"]["plain_found"] * 0.95  # valid ids
