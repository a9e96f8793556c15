"""Enrichment end to end: posts cite ids, the local arXiv server answers, papers get their metadata."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papertalk.arxiv.api_client import ArxivApiError
from papertalk.cli.main import app
from papertalk.services.enrich import enrich, pending_count
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
