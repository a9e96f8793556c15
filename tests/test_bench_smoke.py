"""The benchmarks run end to end at a tiny scale (the real figures come from full runs: docs/performance.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_trending_benchmark_smoke(db_url: str, tmp_path: Path) -> None:
    args = [sys.executable, "-m", "bench.trending", "--scale", "0.002", "--runs", "3"]
    args += ["--data", str(tmp_path / "data"), "--results", str(tmp_path)]
    if db_url.startswith("postgresql"):
        args += ["--postgres", db_url]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "trending-0.002.json").read_text())
    backend = "postgres" if db_url.startswith("postgresql") else "sqlite"
    result = report[backend]
    assert result["rows"]["papers"] == 2000
    assert result["rows"]["mentions"] > 10_000
    assert result["week_top50"]["median_ms"] > 0
    assert result["naive_week_top50"]["median_ms"] > 0


@pytest.mark.slow
def test_ingest_benchmark_smoke(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "bench.ingest", "--posts", "4000", "--naive-sample", "20"]
    args += ["--data", str(tmp_path / "data"), "--results", str(tmp_path)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "ingest-4000.json").read_text())
    assert report["papertalk"]["summary"]["posts_new"] == 4000
    assert report["papertalk"]["summary"]["rejected"] == 0
    assert report["naive_orm_loop"]["posts"] == 20
    assert report["ratios"]["papertalk_vs_naive"] > 1


@pytest.mark.slow
def test_ingest_budget_benchmark_smoke(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "bench.ingest_budget", "--posts", "3000"]
    args += ["--data", str(tmp_path / "data"), "--results", str(tmp_path)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "ingest-budget-3000.json").read_text())
    assert report["rows"]["posts"] >= 3000
    assert report["rows"]["mentions"] >= 3000
    per_post = report["cpu_us_per_post"]
    for name in ("prepare", "writer_without_unpickle", "deferred_writer_without_unpickle", "floor_store"):
        assert per_post[name] > 0, name


@pytest.mark.slow
def test_search_benchmark_smoke(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "bench.search", "--papers", "1500", "--runs", "1"]
    args += ["--data", str(tmp_path / "data"), "--results", str(tmp_path)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "search-1500.json").read_text())
    imported = report["import"]
    assert imported["papertalk_sqlite_with_index"]["summary"]["papers"] == 1500
    assert imported["plain_loop"]["records_per_s"] > 0
    search = report["search"]
    for name in ("papertalk", "naive_fts_bm25", "linear_like_scan"):
        assert search[name]["median_ms"] > 0, name
    assert search["per_query"]["learning"]["papertalk_ms"] > 0


def test_web_benchmark_smoke(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "bench.web", "--scale", "0.002", "--runs", "3", "--wrk-seconds", "1"]
    args += ["--data", str(tmp_path / "data"), "--results", str(tmp_path)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "web-0.002.json").read_text())
    assert report["render_trending"]["median_ms"] > 0 and report["naive_render_trending"]["median_ms"] > 0
    assert report["render_paper_hottest"]["median_ms"] > 0
    assert "skipped" in report["wrk_trending"] or report["wrk_trending"]["requests_per_s"] > 0


def test_guarded_http_benchmark_smoke() -> None:
    args = [sys.executable, "-m", "bench.guarded_http", "--requests", "5", "--rounds", "1"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    for client in ("plain", "guarded"):
        assert set(report[client]) == {"keep_alive_us_per_get", "new_connection_us_per_get", "client_build_us"}
        assert all(value > 0 for value in report[client].values())


@pytest.mark.slow
def test_worker_share_benchmark_smoke(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "bench.worker_share", "--sources", "12", "--delay", "0.05", "--out", str(tmp_path)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "worker-share-12.json").read_text())
    assert [sum(r["runs"]) for r in report["runs"]] == [12, 12, 12]
    assert report["runs"][2]["runs"].count(0) == 2  # one claim of everything: the other two workers idle


def test_signin_benchmark_smoke() -> None:
    args = [sys.executable, "-m", "bench.signin", "--runs", "1"]
    done = subprocess.run(args, check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    chosen = [r for r in report["verify"] if r["chosen"]]
    assert len(chosen) == 1 and chosen[0]["cpu_ms"] > 10
    assert report["unknown_name"]["cpu_ms"] > 10


def test_people_web_benchmark_smoke(db_url: str, tmp_path: Path) -> None:
    args = [sys.executable, "-m", "bench.people_web", "--scale", "0.002", "--users", "40", "--network", "30"]
    args += ["--runs", "3", "--wrk-seconds", "1", "--data", str(tmp_path / "data"), "--results", str(tmp_path)]
    if db_url.startswith("postgresql"):
        args += ["--postgres", db_url, "--no-sqlite"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "people-web-0.002.json").read_text())
    assert report["people"]["added"] and report["people"]["network_accounts"] > 40
    result = report["postgres" if db_url.startswith("postgresql") else "sqlite"]
    for caches in ("render_cache_off", "render_cache_on"):
        assert result[caches]["signed_in_papers"] == 20  # the reader's network ranks a full page
        assert result[caches]["signed_in"]["median_ms"] > 0 and result[caches]["signed_out"]["median_ms"] > 0
    wrk = result["wrk"]
    assert "skipped" in wrk or (wrk["signed_in"]["requests_per_s"] > 0 and wrk["signed_in"]["non_2xx"] == 0)
    assert "skipped" in wrk or wrk["processes"] == (2 if db_url.startswith("postgresql") else 1)


@pytest.mark.slow
def test_export_benchmark_smoke(tmp_path: Path) -> None:
    postgres = os.environ.get("PAPERTALK_TEST_POSTGRES_URL")
    args = [sys.executable, "-m", "bench.export", "--scale", "0.002"]
    args += [
        "--data",
        str(tmp_path / "data"),
        "--results",
        str(tmp_path),
        "--databases",
        f"smoke_{uuid.uuid4().hex[:8]}",
    ]
    args += ["--postgres", postgres] if postgres else ["--steps", "export,dump,restore,load"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "export-0.002.json").read_text())
    assert report["rows"]["papers"] == 2000 and report["rows"]["posts"] == report["rows"]["mentions"] > 10_000
    assert report["export"]["bytes"] > 0 and report["restore_sqlite"]["peak_rss_mb"] > 0
    assert report["baseline_dump"]["bytes"] > 0
    if postgres:
        assert report["db_copy"]["verified"] is True and report["baseline_csv_copy"]["seconds"] > 0


def test_lists_benchmark_smoke(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "bench.lists", "--papers", "600", "--items", "120", "--runs", "2"]
    args += ["--data", str(tmp_path / "data"), "--results", str(tmp_path)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "lists.json").read_text())
    render, imported = report["render"], report["import"]
    assert (
        render["items"] == 120 and render["page"]["median_ms"] > 0 and render["load_per_item_baseline"]["median_ms"] > 0
    )
    assert imported["unlinked"] == 100 and imported["matched"] > 0 and imported["baseline_like_per_title_s"] > 0
