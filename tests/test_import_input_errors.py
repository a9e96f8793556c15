"""Whole inputs that are not what ``papertalk import`` reads get one clear line each, never a traceback nor a
flood of lines (issue 21 item 3, issue 22 item 5); every good file beside them is still imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
from typer.testing import CliRunner

from papertalk.cli.main import app
from tests.helpers import post, write_lines

PAPERTALK = str(Path(sys.executable).parent / "papertalk")  # the console script of this environment


def run(db_url: str, *args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--database", db_url, *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def posts(n: int) -> list[dict[str, object]]:
    return [post(f"a{i}", "ada", 2, text=f"https://arxiv.org/abs/2101.{i:05d}") for i in range(n)]


def test_a_json_array_is_said_once_with_how_to_convert_it(db_url: str, tmp_path: Path) -> None:
    pretty = tmp_path / "export.json"
    pretty.write_bytes(orjson.dumps(posts(100), option=orjson.OPT_INDENT_2))
    compact = tmp_path / "compact.json"
    compact.write_bytes(b"\xef\xbb\xbf  " + orjson.dumps(posts(3)))
    good = write_lines(tmp_path / "good.jsonl", [post("g1", "bo", 1, text="arXiv:2411.01234")])
    code, out, err = run(db_url, "import", str(pretty), str(compact), str(good), "--json")
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 2, err
    assert lines[0] == (
        f"{pretty}:1: the file is one JSON array, not JSON lines (one post object per line); "
        f"convert it with: jq -c '.[]' {pretty} > posts.jsonl"
    )
    assert lines[1].startswith(f"{compact}:1: the file is one JSON array")
    summary = json.loads(out)
    assert summary["posts_new"] == 1 and summary["rejected"] == 2 and summary["files"] == 3


def test_a_json_array_on_standard_input_is_said_once(db_url: str) -> None:
    code, out, err = run(db_url, "import", "-", "--json", stdin=orjson.dumps(posts(50), option=orjson.OPT_INDENT_2))
    assert code == 1 and err.strip().splitlines() == [
        "<stdin>:1: the file is one JSON array, not JSON lines (one post object per line); "
        "convert it with: jq -c '.[]' <stdin> > posts.jsonl"
    ]
    assert json.loads(out)["posts_new"] == 0


def test_the_suggested_conversion_imports_every_post(db_url: str, tmp_path: Path) -> None:
    """What the hint says works: the array's posts as JSON lines (done here as jq -c '.[]' would)."""
    exported = posts(100)
    converted = write_lines(tmp_path / "posts.jsonl", exported)
    code, out, err = run(db_url, "import", str(converted), "--json")
    assert code == 0, err
    assert json.loads(out)["posts_new"] == 100


def test_the_cli_prints_no_traceback_for_an_array_in_a_real_process(tmp_path: Path) -> None:
    pretty = tmp_path / "export.json"
    pretty.write_bytes(orjson.dumps(posts(5), option=orjson.OPT_INDENT_2))
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    done = subprocess.run(
        [PAPERTALK, "--database", db, "import", str(pretty)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr and "jq -c '.[]'" in done.stderr
