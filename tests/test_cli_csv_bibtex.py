"""--csv on trending, posts and search (the --json fields), search --bibtex, and papertalk bibtex ID…"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.storage.engine import Engine
from tests.web_world import load_world


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--database", db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def test_csv_outputs_carry_the_json_fields(engine: Engine, db_url: str, tmp_path: Path) -> None:
    load_world(engine, tmp_path)
    for command, key in ((["trending", "--window", "month"], "papers"), (["search", "learning"], "papers")):
        code, out, err = run(db_url, *command, "--json")
        assert code == 0, err
        expected = json.loads(out)[key]
        code, out, err = run(db_url, *command, "--csv")
        assert code == 0, err
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [r["arxiv_id"] for r in rows] == [p["arxiv_id"] for p in expected] and rows
        assert rows[0]["title"] == (expected[0]["title"] or "")
        assert rows[0]["authors"] == "; ".join(expected[0]["authors"])
    code, out, _ = run(db_url, "posts", "--json", "-n", "5")
    posts = json.loads(out)
    code, out, err = run(db_url, "posts", "--csv", "-n", "5")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["arxiv_ids"] for r in rows] == ["; ".join(p["arxiv_ids"]) for p in posts]


def test_bibtex_of_search_results_and_of_ids(engine: Engine, db_url: str, tmp_path: Path) -> None:
    load_world(engine, tmp_path)
    code, out, _ = run(db_url, "search", "learning", "--json", "-n", "5")
    ids = [p["arxiv_id"] for p in json.loads(out)["papers"]]
    code, out, err = run(db_url, "search", "learning", "--bibtex", "-n", "5")
    assert code == 0, err and out.count("@misc{") == len(ids) > 0
    code, out, err = run(db_url, "bibtex", *ids[:2], ids[0])
    assert code == 0, err
    assert out.count("@misc{") == 2 and ids[0] in out and ids[1] in out
    code, out, err = run(db_url, "bibtex", ids[0], "2701.99999")
    assert code == 1 and out.count("@misc{") == 1
    assert err.strip() == "error: 2701.99999: not in papertalk (import or enrich it first)"
    code, _, err = run(db_url, "bibtex", "not-an-id")
    assert code == 2 and "not an arXiv id" in err and len(err.strip().splitlines()) == 1
