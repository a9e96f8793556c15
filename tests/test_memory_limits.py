"""Size limits enforced while reading, so peak memory stays flat whatever the input (issue 22 item 3).
Big inputs are made on the fly and streamed; peak memory is read with wait4 in a small parent of the
measured process."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import orjson

from tests.helpers import post

PAPERTALK = str(Path(sys.executable).parent / "papertalk")
MiB = 1 << 20


# Linux carries a process's peak RSS over fork and exec, so a child forked straight from this pytest worker
# (hundreds of MiB after a few hundred tests) would report the worker's size, not its own. A small Python
# in between runs the command as its own child, forked from a fresh interpreter, and writes its peak.
_MEASURER = (
    "import os, subprocess, sys; child = subprocess.Popen(sys.argv[2:]); usage = os.wait4(child.pid, 0)[2]; "
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))"
)


def peak_rss_mib(args: list[str], stdin_bytes: int = 0, stdin_line: bytes = b"x") -> tuple[float, str, str]:
    """Run the console script in a grandchild, feeding it ``stdin_bytes`` of ``stdin_line`` repeated; its
    peak resident memory (MiB, from wait4 in a small parent of its own), standard output and error."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "maxrss"
        measured = [sys.executable, "-c", _MEASURER, str(report), *args]
        child = subprocess.Popen(measured, stdin=subprocess.PIPE, stdout=out, stderr=err)
        assert child.stdin is not None
        block = stdin_line * (MiB // len(stdin_line))
        try:
            for _ in range(stdin_bytes // len(block)):
                child.stdin.write(block)
        except BrokenPipeError:
            pass
        child.stdin.close()
        child.wait()
        out.seek(0)
        err.seek(0)
        return int(report.read_text()) / 1024, out.read().decode(), err.read().decode()


def test_a_huge_line_on_standard_input_is_rejected_without_holding_it(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    peak, out, err = peak_rss_mib([PAPERTALK, "--database", db, "import", "-", "--json"], stdin_bytes=400 * MiB)
    assert err.strip() == f"<stdin>:1: line is {400 * MiB:,} bytes, over the {MiB:,}-byte limit"
    assert json.loads(out)["rejected"] == 1
    assert peak < 200, f"peak {peak:.0f} MiB for a 400 MiB line (the whole line was held before)"


def test_a_long_line_in_a_file_is_skipped_in_blocks_and_the_next_lines_imported(tmp_path: Path) -> None:
    from papertalk.services.line_files import read_chunks

    path = tmp_path / "long.jsonl"
    with path.open("wb") as out:
        out.write(orjson.dumps(post("g1", "ada", 1)) + b"\n")
        out.write(b'{"text": "' + b"x" * (5 * MiB) + b'"}\n')
        out.write(orjson.dumps(post("g2", "ada", 1)) + b"\n")
    with path.open("rb") as handle:
        [chunk] = read_chunks(handle, 1, 0, 10, MiB)
    assert chunk.lines[1] == b"" and chunk.too_long == {2: 5 * MiB + 13}
    assert chunk.lines[2].startswith(b'{"platform"') and chunk.end_offset == path.stat().st_size
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    done = subprocess.run(
        [PAPERTALK, "--database", db, "import", str(path), "--json"], capture_output=True, check=False
    )
    assert done.returncode == 1 and json.loads(done.stdout)["posts_new"] == 2
    assert done.stderr.decode().strip() == f"{path}:2: line is {5 * MiB + 13:,} bytes, over the {MiB:,}-byte limit"


def test_a_zip_bomb_tweets_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A few MB of zip holding a 600 MiB tweets.js: refused by its size, memory flat, part1 still read."""
    import zipfile

    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("data/account.js", b'window.YTD.account.part0 = [{"account": {"accountId": "42"}}]')
        with zf.open("data/tweets.js", "w", force_zip64=True) as member:  # streamed: never in memory
            member.write(b"window.YTD.tweets.part0 = [")
            for _ in range(600):
                member.write(b" " * MiB)
            member.write(b"]")
        tweet = {"tweet": {"id_str": "7", "created_at": "Wed Oct 19 20:07:01 +0000 2022", "full_text": "hi"}}
        zf.writestr("data/tweets-part1.js", b"window.YTD.tweets.part1 = " + orjson.dumps([tweet]))
    assert bomb.stat().st_size < 5 * MiB
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    peak, out, err = peak_rss_mib([PAPERTALK, "--database", db, "import", "--format", "x-archive", str(bomb), "--json"])
    assert (
        err.strip()
        == f"{bomb}: tweets.js is {600 * MiB + 28:,} bytes, over the {512 * MiB:,}-byte limit for one archive file"
    )
    assert json.loads(out)["posts_new"] == 1
    assert peak < 250, f"peak {peak:.0f} MiB"


def test_an_http_body_is_refused_while_it_streams_past_the_limit() -> None:
    """A reply of 200 MiB from a local server (made by a generator, never whole in memory): the getter
    stops reading once past its limit, so the server could not send more than a few socket buffers."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import httpx

    from papertalk.fetching.polite_http import PoliteGetter, Politeness

    sent = [0]

    class Endless(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b"<rss>" + b" " * (MiB - 5))
                    sent[0] += MiB
            except OSError:
                pass  # the client hung up: what this test expects

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endless)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rules = Politeness(0.0, 5.0, 3, 1.0, "papertalk-tests", max_body_bytes=2 * MiB)
    with httpx.Client() as http:
        getter = PoliteGetter(http, rules, lambda: 0.0, lambda _s: None)
        url = f"http://127.0.0.1:{server.server_address[1]}/feed"
        try:
            getter.get(url, {}, lambda r: r.content, lambda n, what: RuntimeError(f"{n}: {what}"))
        except RuntimeError as exc:
            assert str(exc) == f"1: the reply is over the {2 * MiB:,}-byte limit"  # one attempt: not retried
        else:
            raise AssertionError("a 200 MiB reply was accepted")
    server.shutdown()
    assert sent[0] < 50 * MiB


def v1_line(n: int) -> bytes:
    tweet = {
        "id_str": str(n),
        "created_at": "Thu Apr 06 15:28:43 +0000 2023",
        "full_text": f"tweet {n} https://arxiv.org/abs/2305.{n:05d}",
        "user": {"id_str": "9", "screen_name": "bo"},
    }
    return orjson.dumps(tweet) + b"\n"


def test_x_api_lines_are_capped_in_small_and_in_big_files(tmp_path: Path) -> None:
    small = tmp_path / "small.jsonl"
    small.write_bytes(v1_line(1) + b"[" + b" " * (17 * MiB) + b"]\n" + v1_line(2))
    big = tmp_path / "big.jsonl"  # over 64 MiB: read line by line, the long line never held whole
    with big.open("wb") as out:
        out.write(v1_line(3))
        for _ in range(70):
            out.write(b" " * MiB)
        out.write(b"\n" + v1_line(4))
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    args = [PAPERTALK, "--database", db, "import", "--format", "x-v1", str(small), str(big), "--json"]
    peak, out, err = peak_rss_mib(args)
    assert err.strip().splitlines() == [
        f"{small}:2: line is {17 * MiB + 2:,} bytes, over the {16 * MiB:,}-byte limit",
        f"{big}:2: line is {70 * MiB + 1:,} bytes, over the {16 * MiB:,}-byte limit",
    ]
    assert json.loads(out)["posts_new"] == 4
    assert peak < 250, f"peak {peak:.0f} MiB"
