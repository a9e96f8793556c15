"""bench/notes runs end to end at a tiny size (the real figures come from full runs: docs/notes.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_notes_benchmark_smoke(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "bench.notes", "--summaries", "2500", "--runs", "3"]
    args += ["--data", str(tmp_path / "data"), "--results", str(tmp_path)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "notes.json").read_text())
    assert report["summaries"] == 2500
    for name in ("paper_page_200_summaries", "summary_page_10_comments", "summaries_page_recent",
                 "summaries_page_best", "summaries_page_popular"):  # fmt: skip
        assert report[name]["median_ms"] > 0, name
        assert report[name + "_baseline_render_on_read"]["median_ms"] > 0, name
    assert report["save_50kb_200_formulas"]["median_ms"] > 0
    assert report["render_only_50kb_200_formulas"]["median_ms"] > 0
    assert len(report["load_average_before"]) == 3
