"""JSON nested 1,000 deep (issue 22 item 1): msgspec raised RecursionError on it, which aborted the import
with a traceback and lost the batch, and every re-run crashed at the same place. Now each reader rejects
the one line or item with ``FILE:LINE: nested too deep`` and keeps every other one, on real databases."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.core.json_depth import MAX_JSON_DEPTH, array_elements, json_depth, nested_too_deep
from tests.helpers import post, write_lines

DEEP = b"[" * 1000 + b"]" * 1000
DEEP_OBJECTS = b'{"a":' * 1000 + b"1" + b"}" * 1000


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--database", db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def test_depth_counts_brackets_outside_strings_only() -> None:
    assert json_depth(b"1") == 0 and json_depth(b"[]") == 1 and json_depth(b'[[],{"a":[1]}]') == 3
    assert json_depth(b'["[[[[", "\\"[[", {"k]": "}}"}]') == 2  # brackets and escaped quotes in strings
    assert json_depth(DEEP) == 1000 and json_depth(DEEP_OBJECTS) == 1000
    assert nested_too_deep(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1))
    assert not nested_too_deep(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH)
    assert not nested_too_deep(b'"' + b"[" * 5000 + b'"')  # one string full of brackets


def test_array_elements_are_cut_at_top_level_commas() -> None:
    body = b'[ {"a": "],["}, [1, 2] , 3, "x,y" ]'
    assert list(array_elements(body)) == [b'{"a": "],["}', b"[1, 2]", b"3", b'"x,y"']
    assert list(array_elements(b"[]")) == [] and list(array_elements(b"[" + DEEP + b", 1]")) == [DEEP, b"1"]


def deep_neutral_file(path: Path) -> Path:
    good = [orjson.dumps(post(f"p{n}", "ada", 2, text=f"https://arxiv.org/abs/2101.{n:05d}")) for n in range(1, 7)]
    bad_field = orjson.dumps(post("deep1", "bo", 2))[:-1] + b',"extra":' + DEEP + b"}"
    bad_text = orjson.dumps(post("deep2", "bo", 2))[:-1] + b',"text":' + DEEP_OBJECTS + b"}"
    return write_lines(path, [*good[:3], bad_field, bad_text, *good[3:]])


def test_a_neutral_line_nested_too_deep_is_rejected_and_the_rest_imported_once(db_url: str, tmp_path: Path) -> None:
    path = deep_neutral_file(tmp_path / "deep.jsonl")
    code, out, err = run(db_url, "import", str(path), "--json")
    assert code == 1 and "Traceback" not in err
    assert f"{path}:4: nested too deep" in err and f"{path}:5: nested too deep" in err
    assert json.loads(out)["posts_new"] == 6 and json.loads(out)["rejected"] == 2
    code, out, err = run(db_url, "import", str(path), "--json", "--restart")  # read it all again
    assert json.loads(out)["posts_new"] == 0 and json.loads(out)["posts_read"] == 6


@pytest.mark.parametrize("parallel", [False, True])
def test_the_importer_keeps_going_in_a_worker_process_too(engine: object, tmp_path: Path, parallel: bool) -> None:
    from tests.helpers import run_import

    path = deep_neutral_file(tmp_path / "deep.jsonl")
    importer, rejects = run_import(engine, path, batch_size=2, parallel=parallel)  # type: ignore[arg-type]
    assert importer.summary.posts_new == 6
    assert [r.split(": ")[0] for r in rejects] == ["deep.jsonl:4", "deep.jsonl:5"]


def archive_tweet(n: int, **extra: object) -> dict[str, object]:
    return {
        "tweet": {
            "id_str": str(n),
            "created_at": f"Wed Oct 19 20:07:{n:02d} +0000 2022",
            "full_text": f"tweet {n} https://arxiv.org/abs/2401.{n:05d}",
            **extra,
        }
    }


def archive_zip(path: Path, deep: bytes) -> Path:
    tweets = [orjson.dumps(archive_tweet(n)) for n in range(1, 6)]
    tweets.insert(2, orjson.dumps(archive_tweet(9))[:-2] + b',"extra":' + deep + b"}}")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data/account.js", b'window.YTD.account.part0 = [{"account": {"accountId": "42"}}]')
        zf.writestr("data/tweets.js", b"window.YTD.tweets.part0 = [" + b",\n".join(tweets) + b"]")
    return path


@pytest.mark.parametrize("depth", [300, 1000, 5000])
def test_a_tweet_nested_too_deep_in_an_archive_is_rejected_alone(db_url: str, tmp_path: Path, depth: int) -> None:
    deep = b"[" * depth + b"]" * depth
    path = archive_zip(tmp_path / "archive.zip", deep)
    code, out, err = run(db_url, "import", "--format", "x-archive", str(path), "--json")
    assert code == 1 and "Traceback" not in err
    assert "tweets.js:?#2: nested too deep" in err
    assert json.loads(out)["posts_new"] == 5
    _, out, _ = run(db_url, "import", "--format", "x-archive", str(path), "--json")
    assert json.loads(out)["posts_new"] == 0 and json.loads(out)["posts_read"] == 5


def test_x_api_lines_nested_too_deep_are_rejected_alone(db_url: str, tmp_path: Path) -> None:
    def v1(n: int) -> bytes:
        return orjson.dumps(
            {
                "id_str": str(n),
                "created_at": "Thu Apr 06 15:28:43 +0000 2023",
                "full_text": f"tweet {n} https://arxiv.org/abs/2305.{n:05d}",
                "user": {"id_str": "9", "screen_name": "bo"},
            }
        )

    path = write_lines(tmp_path / "v1.jsonl", [v1(1), v1(2)[:-1] + b',"x":' + DEEP + b"}", v1(3)])
    code, out, err = run(db_url, "import", "--format", "x-v1", str(path), "--json")
    assert code == 1 and f"{path}:2: nested too deep" in err and "Traceback" not in err
    assert json.loads(out)["posts_new"] == 2
    page = {"data": [{"id": "5", "text": "t", "author_id": "9", "created_at": "2023-04-06T15:28:43Z"}]}
    v2 = write_lines(tmp_path / "v2.jsonl", [orjson.dumps(page), b'{"data": ' + DEEP_OBJECTS + b"}"])
    code, out, err = run(db_url, "import", "--format", "x-v2", str(v2), "--json")
    assert code == 1 and f"{v2}:2: nested too deep" in err and json.loads(out)["posts_new"] == 1
