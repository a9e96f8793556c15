"""``papertalk search``: table, JSON, id jump, bad query and bad option, through the real command."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.core.records import Paper
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine
from tests.helpers import NOW


def test_search_command(engine: Engine, db_url: str) -> None:
    with engine.begin() as conn:
        upsert_papers(
            conn,
            [
                Paper(
                    "2401.00001", "Sparse attention kernels", ("Ada Lovelace",), "We make attention fast.", ("cs.LG",)
                ),
                Paper("2401.00002", "Dense retrieval", ("Alan Turing",), "Attention is not needed.", ("cs.IR",)),
            ],
            NOW,
        )
    runner = CliRunner()
    table = runner.invoke(app, ["--database", db_url, "search", "attention", "--limit", "5"])
    assert table.exit_code == 0, table.output
    assert "2401.00001" in table.output and "2401.00002" in table.output
    as_json = runner.invoke(app, ["--database", db_url, "search", "attention", "cat:cs.LG", "--json"])
    data = json.loads(as_json.output)
    assert [p["arxiv_id"] for p in data["papers"]] == ["2401.00001"] and data["total"] == 1
    jump = runner.invoke(app, ["--database", db_url, "search", "https://arxiv.org/abs/2401.00002v1"])
    assert jump.exit_code == 0 and "Dense retrieval" in jump.output and "Attention is not needed." in jump.output
    bad = runner.invoke(app, ["--database", db_url, "search", "year:20x6"])
    assert bad.exit_code == 2 and "year:20x6: expected a year" in bad.output
    long = runner.invoke(app, ["--database", db_url, "search", "a" * 1200])
    assert long.exit_code == 2 and "the query is 1,200 characters long; at most 1,000" in long.output
    assert "a" * 78 not in long.output and len(long.output) < 300  # the query is shown cut short
    wrong = runner.invoke(app, ["--database", db_url, "search", "x", "--order", "hot"])
    assert wrong.exit_code == 2 and "--order hot" in wrong.output
