"""Enrichment end to end: posts cite ids, the local arXiv server answers, papers get their metadata."""

from __future__ import annotations

import dataclasses
import itertools
import json
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papertalk.arxiv.api_client import ArxivApiError
from papertalk.cli.main import app
from papertalk.fetching.pages import FetcherRegistry
from papertalk.services.catalogue.enrich import enrich, pending_count
from papertalk.services.jobs.worker import ENRICH_EVERY_SECONDS, Worker
from papertalk.storage.engine import Engine
from tests.fake_arxiv import FakeArxiv, MakeClient, status
from tests.helpers import NOW, post, run_import, table, write_lines

UNKNOWN = "2401.00999"  # the local arXiv knows 2401.00001 ... 2401.00250


def cite(engine: Engine, tmp_path: Path, numbers: list[int], extra: list[str] = ()) -> None:  # type: ignore[assignment]
    ids = [f"2401.{n:05d}" for n in numbers] + list(extra)
    records = [post(f"p{i}", f"u{i % 7}", 10, text=f"arXiv:{a}") for i, a in enumerate(ids)]
    run_import(engine, write_lines(tmp_path / "posts.jsonl", records), batch_size=500)


def test_enrich_fills_papers_in_batches_and_schedules_unknown_ids(
    engine: Engine, tmp_path: Path, arxiv: FakeArxiv, make_client: MakeClient
) -> None:
    cite(engine, tmp_path, list(range(1, 121)), [UNKNOWN])
    assert pending_count(engine, NOW) == 121
    summary = enrich(engine, make_client(), NOW, limit=1000)
    assert (summary.asked, summary.filled, summary.unknown) == (121, 120, 1)
    assert [len(r.ids) for r in arxiv.requests] == [100, 21]
    rows = table(
        engine, "SELECT title, authors, categories, latest_version, doi FROM papers WHERE arxiv_id = '2401.00007'"
    )
    title, authors, categories, version, doi = rows[0]
    assert title == "Paper 7: $\\alpha$-stable & <heavy> tails"
    assert json.loads(authors) == ["Ada Lovelace 7", "Émile Borel"]
    assert categories == "cs.LG stat.ML" and version == 2 and doi == "10.1000/test.7"
    state = table(engine, f"SELECT fetch_state, fetch_attempts, next_fetch_at FROM papers WHERE arxiv_id = '{UNKNOWN}'")
    assert state == [("unknown", 1, NOW + 3600)]
    assert pending_count(engine, NOW) == 0
    assert enrich(engine, make_client(), NOW + 60, limit=1000).asked == 0  # not due yet: no tight loop


def test_unknown_ids_are_retried_with_growing_delays_then_given_up(
    engine: Engine, tmp_path: Path, arxiv: FakeArxiv, make_client: MakeClient
) -> None:
    cite(engine, tmp_path, [1], [UNKNOWN])
    enrich(engine, make_client(), NOW, limit=10)
    waits = []
    for _ in range(10):
        due = table(engine, f"SELECT next_fetch_at FROM papers WHERE arxiv_id = '{UNKNOWN}'")[0][0]
        if due is None:
            break
        waits.append(due)
        enrich(engine, make_client(), due, limit=10)
    gaps = [b - a for a, b in itertools.pairwise(waits)]
    assert gaps == [4 * 3600, 16 * 3600, 64 * 3600, 256 * 3600, 30 * 86400, 30 * 86400]
    assert table(engine, f"SELECT fetch_state, fetch_attempts FROM papers WHERE arxiv_id = '{UNKNOWN}'") == [
        ("gone", 8)
    ]


def test_a_post_citing_a_newer_version_gets_the_paper_fetched_again(
    engine: Engine, tmp_path: Path, arxiv: FakeArxiv, make_client: MakeClient
) -> None:
    cite(engine, tmp_path, [3])  # the local arXiv holds 2401.00003 in version 1
    enrich(engine, make_client(), NOW, limit=10)
    assert table(engine, "SELECT latest_version, fetch_state FROM papers WHERE arxiv_id = '2401.00003'") == [(1, "ok")]
    arxiv.papers["2401.00003"] = dataclasses.replace(arxiv.papers["2401.00003"], version=3, title="Revised title")
    citing_old = [post("q1", "u1", 20, text="still good: arxiv.org/abs/2401.00003v1")]
    run_import(engine, write_lines(tmp_path / "old.jsonl", citing_old))
    assert pending_count(engine, NOW) == 0  # a citation of a version we hold asks nothing
    citing_new = [post("q2", "u2", 30, text="v3 is out: https://arxiv.org/abs/2401.00003v3")]
    run_import(engine, write_lines(tmp_path / "new.jsonl", citing_new))
    assert table(engine, "SELECT fetch_state FROM papers WHERE arxiv_id = '2401.00003'") == [("stale",)]
    assert pending_count(engine, NOW) == 1
    summary = enrich(engine, make_client(), NOW + 60, limit=10)
    assert (summary.asked, summary.filled) == (1, 1)
    assert table(engine, "SELECT latest_version, title, fetch_state FROM papers WHERE arxiv_id = '2401.00003'") == [
        (3, "Revised title", "ok")
    ]
    assert table(engine, "SELECT m.version FROM mentions m JOIN posts p ON p.id = m.post_id ORDER BY p.post_id") == [
        (None,),
        (1,),
        (3,),
    ]  # the version each post cited is kept
    assert pending_count(engine, NOW + 120) == 0


def test_a_stale_paper_arxiv_does_not_return_keeps_its_metadata(
    engine: Engine, tmp_path: Path, arxiv: FakeArxiv, make_client: MakeClient
) -> None:
    cite(engine, tmp_path, [3])
    enrich(engine, make_client(), NOW, limit=10)
    run_import(engine, write_lines(tmp_path / "new.jsonl", [post("q2", "u2", 30, text="arXiv:2401.00003v9")]))
    del arxiv.papers["2401.00003"]
    summary = enrich(engine, make_client(), NOW + 60, limit=10)
    assert (summary.asked, summary.unknown) == (1, 1)
    assert table(engine, "SELECT latest_version, fetch_state, next_fetch_at FROM papers") == [(1, "ok", None)]
    assert pending_count(engine, NOW + 3600 * 24) == 0


def test_an_api_failure_keeps_what_was_fetched(
    engine: Engine, tmp_path: Path, arxiv: FakeArxiv, make_client: MakeClient
) -> None:
    cite(engine, tmp_path, list(range(1, 151)))
    arxiv.script = [None] + [status(503)] * 5  # type: ignore[list-item]
    with pytest.raises(ArxivApiError, match="gave up on 50 ids"):
        enrich(engine, make_client(max_attempts=5), NOW, limit=1000)
    assert table(engine, "SELECT COUNT(*) FROM papers WHERE title IS NOT NULL") == [(100,)]
    assert pending_count(engine, NOW) == 50


def test_cli_enrich_then_trending_shows_titles(
    db_url: str, tmp_path: Path, arxiv: FakeArxiv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERTALK_ARXIV_API_URL", arxiv.url)
    records = [post("p1", "ada", 3, text="arXiv:2401.00003"), post("p2", "bo", 2, text=f"arXiv:{UNKNOWN}")]
    runner = CliRunner()
    assert (
        runner.invoke(app, ["--database", db_url, "import", str(write_lines(tmp_path / "a.jsonl", records))]).exit_code
        == 0
    )
    result = runner.invoke(app, ["--database", db_url, "enrich", "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["filled"] == 1 and json.loads(result.stdout)["unknown"] == 1
    result = runner.invoke(app, ["--database", db_url, "trending", "--json"])
    titles = {p["arxiv_id"]: p["title"] for p in json.loads(result.stdout)["papers"]}
    assert titles == {"2401.00003": "Paper 3: $\\alpha$-stable & <heavy> tails", UNKNOWN: None}
    assert arxiv.requests[0].headers["user-agent"].startswith("papertalk/")


def test_the_worker_enriches_new_papers_and_backs_off_when_arxiv_fails(
    engine: Engine, tmp_path: Path, arxiv: FakeArxiv, make_client: MakeClient
) -> None:
    cite(engine, tmp_path, [1, 2, 3])
    stop = threading.Event()
    worker = Worker(engine, FetcherRegistry(), stop, lambda: float(NOW), tick=0.05, metadata=make_client())
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and table(engine, "SELECT COUNT(*) FROM papers WHERE title IS NULL") != [(0,)]:
        time.sleep(0.05)
    stop.set()
    thread.join(timeout=30)
    assert table(engine, "SELECT COUNT(*) FROM papers WHERE title IS NOT NULL") == [(3,)]
    assert worker.next_enrich == NOW + ENRICH_EVERY_SECONDS  # the next round waits ten minutes

    # A round that fails (arXiv keeps answering 503) keeps nothing back and retries later, longer each time.
    cite(engine, tmp_path, [4])
    arxiv.script = [status(503)] * 50  # type: ignore[list-item]
    failing = Worker(engine, FetcherRegistry(), stop, lambda: float(NOW), metadata=make_client(max_attempts=2))
    failing._enrich(make_client(max_attempts=2), NOW)
    assert failing.next_enrich == NOW + 2 * ENRICH_EVERY_SECONDS
    failing._enrich(make_client(max_attempts=2), NOW)
    assert failing.next_enrich == NOW + 4 * ENRICH_EVERY_SECONDS
