"""Whole inputs that are not what ``papertalk import`` reads get one clear line each, never a traceback nor a
flood of lines (issue 21 item 3, issue 22 item 5); every good file beside them is still imported."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import zipfile
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


# --- issue 22 item 5: zips, devices, bad UTF-8, objects that are not pages ----------------------------


def tweets_js(part: int, ids: range) -> bytes:
    entries = [
        {"tweet": {"id_str": str(n), "created_at": "Wed Oct 19 20:07:01 +0000 2022", "full_text": f"t{n} " + "x" * n}}
        for n in ids
    ]
    return f"window.YTD.tweets.part{part} = ".encode() + orjson.dumps(entries)


def archive_zip(path: Path) -> bytes:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data/account.js", b'window.YTD.account.part0 = [{"account": {"accountId": "42"}}]')
        zf.writestr("data/tweets.js", tweets_js(0, range(1, 200)))
        zf.writestr("data/tweets-part1.js", tweets_js(1, range(500, 503)))
    return path.read_bytes()


def test_a_random_or_truncated_zip_is_one_line(db_url: str, tmp_path: Path) -> None:
    whole = archive_zip(tmp_path / "good.zip")
    (tmp_path / "random.zip").write_bytes(random.Random(7).randbytes(5000))
    (tmp_path / "cut.zip").write_bytes(whole[: len(whole) // 2])
    for name in ("random.zip", "cut.zip"):
        result = CliRunner().invoke(
            app, ["--database", db_url, "import", "--format", "x-archive", str(tmp_path / name)]
        )
        assert result.exit_code == 2 and not isinstance(result.exception, zipfile.BadZipFile)
        assert result.stderr.strip() == (
            f"error: {tmp_path / name}: not a readable zip file (File is not a zip file); "
            "an X archive is the .zip X sends, or its unpacked folder"
        )


def test_a_damaged_member_is_one_line_and_the_other_parts_are_read(db_url: str, tmp_path: Path) -> None:
    whole = archive_zip(tmp_path / "good.zip")
    start = whole.index(b"data/tweets.js") + 100  # inside the deflated tweets.js, past its local header
    damaged = whole[:start] + bytes(b ^ 0x5A for b in whole[start : start + 300]) + whole[start + 300 :]
    (tmp_path / "damaged.zip").write_bytes(damaged)
    result = CliRunner().invoke(
        app, ["--database", db_url, "import", "--format", "x-archive", str(tmp_path / "damaged.zip"), "--json"]
    )
    assert (result.exit_code == 1 and result.exception is None) or isinstance(result.exception, SystemExit)
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"{tmp_path / 'damaged.zip'}: tweets.js is damaged in the zip (")
    assert json.loads(result.stdout)["posts_new"] == 3  # tweets-part1.js


def test_a_device_is_not_a_regular_file_and_a_pipe_is_read_as_a_stream(db_url: str, tmp_path: Path) -> None:
    for fmt in ("neutral", "x-v2", "x-archive"):
        code, _, err = run(db_url, "import", "--format", fmt, "/dev/zero")
        assert code == 2 and "no such file" not in err
        assert err.strip().startswith("error: /dev/zero: not a regular file (a character device)")
    code, _, err = run(db_url, "catalogue", "import", "/dev/zero")
    assert code == 2 and err.strip() == "error: /dev/zero: not a regular file (a character device)"
    pipe = tmp_path / "posts.pipe"
    os.mkfifo(pipe)
    lines = b"".join(orjson.dumps(p) + b"\n" for p in posts(4))
    writer = threading.Thread(target=pipe.write_bytes, args=(lines,))
    writer.start()
    code, out, err = run(db_url, "import", str(pipe), "--json")
    writer.join()
    assert code == 0, err
    assert json.loads(out)["posts_new"] == 4


def test_invalid_utf8_is_reported_at_its_real_column(db_url: str, tmp_path: Path) -> None:
    good = orjson.dumps(post("u1", "ada", 1, text="héllo"))
    at = good.index("é".encode()) + 2  # the byte after é: column = its characters before it, plus one
    bad = good[:at] + b"\xff" + good[at:]
    path = write_lines(tmp_path / "utf.jsonl", [bad, good])
    code, _, err = run(db_url, "import", str(path))
    column = len(good[:at].decode()) + 1
    assert code == 1 and err.strip() == f"{path}:1: invalid UTF-8 at column {column} (byte 0xff: invalid start byte)"
    assert column > 1


def test_invalid_utf8_in_the_catalogue_is_reported_at_its_real_column(engine: object, tmp_path: Path) -> None:
    from papertalk.services.catalogue.snapshot_import import CatalogueImporter

    line = b'{"id": "2401.00001", "title": "Caf\xc3\xa9 \xc3(", "authors": "A"}'
    path = tmp_path / "snap.jsonl"
    path.write_bytes(line + b"\n")
    rejects: list[str] = []
    CatalogueImporter(engine, 0, on_reject=lambda _f, n, r: rejects.append(f"{n}: {r}")).import_path(path)  # type: ignore[arg-type]
    column = len(line[: line.index(b"\xc3(")].decode()) + 1  # the bad byte is the second é
    assert column == 37 and rejects == [f"1: invalid UTF-8 at column {column} (byte 0xc3: invalid continuation byte)"]


def test_x_v2_objects_that_are_not_pages_are_rejected(db_url: str, tmp_path: Path) -> None:
    page = {"data": [{"id": "5", "text": "t", "author_id": "9", "created_at": "2023-04-06T15:28:43Z"}]}
    path = write_lines(tmp_path / "v2.jsonl", [{"hello": 1}, {"meta": {"result_count": 0}}, page, {}])
    code, out, err = run(db_url, "import", "--format", "x-v2", str(path), "--json")
    assert code == 1 and err.strip().splitlines() == [
        f"{path}:1:page: not an X API v2 page (no data, includes or meta; its keys: hello)",
        f"{path}:4:page: not an X API v2 page (no data, includes or meta; its keys: none)",
    ]
    assert json.loads(out)["posts_new"] == 1  # an empty page (meta only) is a page
