"""X: data archives (both prefixes, parts, note tweets, RT retweets, following.js, zip), API v1.1 and v2
files, through ``papertalk import --format`` on real databases; bad items are one line each, the rest kept."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.core.records import Author, PostKind
from papertalk.sources.x.api_files import v1_posts, v2_posts
from papertalk.sources.x.archive import archive_tweets, read_archive_file
from papertalk.storage.engine import Engine, make_engine
from tests.helpers import NOW, table

OWNER = Author("x", "42", "ada", "Ada")


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--database", db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def tweet(n: int, text: str, urls: list[dict[str, str]] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "tweet": {
            "id_str": str(n),
            "id": str(n),
            "created_at": f"Wed Oct 19 20:07:{n % 60:02d} +0000 2022",
            "full_text": text,
            "favorite_count": "3",
            "retweet_count": "0",
            "entities": {"urls": urls or [], "user_mentions": [], "hashtags": []},
            "lang": "en",
            **extra,
        }
    }


def js(table_name: str, part: int, entries: list[Any]) -> bytes:
    return f"window.YTD.{table_name}.part{part} = ".encode() + orjson.dumps(entries, option=orjson.OPT_INDENT_2)


ARXIV = {"url": "https://t.co/abc", "expanded_url": "https://arxiv.org/abs/2401.00001", "indices": ["10", "33"]}


def make_archive(root: Path, singular: bool = False) -> Path:
    data = root / "data"
    data.mkdir(parents=True)
    (data / "account.js").write_bytes(js("account", 0, [{"account": {"accountId": "42", "username": "ada"}}]))
    name, table_name = ("tweet", "tweet") if singular else ("tweets", "tweets")
    first = [
        tweet(1, "great paper https://t.co/abc", [ARXIV]),
        tweet(
            2,
            "RT @bo: look at https://t.co/def",
            [{"url": "https://t.co/def", "expanded_url": "https://arxiv.org/pdf/2402.00002v2"}],
        ),
        tweet(3, "@bo agreed", in_reply_to_status_id_str="99"),
        tweet(4, "Long thread start about the paper https://t.co/x…"),
        {"tweet": {"id_str": "5", "full_text": "no date"}},  # missing created_at
        {"tweet": {"id_str": "6", "created_at": "Wed Oct 19 20:07:06 +0000 2022", "full_text": ["not", "text"]}},
    ]
    (data / f"{name}.js").write_bytes(js(table_name, 0, first))
    (data / f"{name}-part1.js").write_bytes(js(table_name, 1, [tweet(7, "second part")]))
    note = {
        "noteTweet": {
            "noteTweetId": "n1",
            "createdAt": "2022-10-19T20:07:04.000Z",
            "core": {
                "text": "Long thread start about the paper and everything else, read arxiv.org/abs/2403.00003",
                "urls": [{"shortUrl": "https://t.co/x", "expandedUrl": "https://arxiv.org/abs/2403.00003"}],
            },
        }
    }
    (data / "note-tweet.js").write_bytes(js("note_tweet", 0, [note, {"noteTweet": {"core": {}}}]))
    (data / "following.js").write_bytes(js("following", 0, [{"following": {"accountId": "7"}}, {"following": {}}]))
    return root


def test_archive_parser_reads_prefixes_kinds_and_string_numbers(tmp_path: Path) -> None:
    for singular in (False, True):
        root = make_archive(tmp_path / str(singular), singular=singular)
        name = "tweet.js" if singular else "tweets.js"
        parsed = list(archive_tweets(read_archive_file((root / "data" / name).read_bytes(), name).entries, OWNER, name))
        posts = [p for p in parsed if not isinstance(p, str)]
        rejects = [p for p in parsed if isinstance(p, str)]
        assert [p.kind for p in posts] == [PostKind.POST, PostKind.REPOST, PostKind.REPLY, PostKind.POST]
        assert posts[0].links == ("https://arxiv.org/abs/2401.00001",) and posts[0].author == OWNER
        assert posts[1].original and posts[1].original.post  # made from the "RT @bo: text"
        assert posts[1].original.post.author.platform_id == "@bo" and posts[1].original.post.text.startswith("look")
        assert rejects[0].startswith(f"{name}:5#4: created_at:")
        assert rejects[1].startswith(f"{name}:6#5: full_text: expected a string")


def test_archive_import_end_to_end_is_idempotent_and_fills_following(db_url: str, tmp_path: Path) -> None:
    root = make_archive(tmp_path / "archive")
    code, out, err = run(db_url, "import", "--format", "x-archive", str(root), "--json")
    assert code == 1, err  # two bad tweets and two bad note/following entries were reported
    summary = json.loads(out)
    assert (summary["posts_new"], summary["files"], summary["following"]) == (6, 2, 1)  # with the RT original
    assert "tweets.js:5#4: created_at" in err and "note-tweet.js:?#1: core.text: missing" in err
    assert "following.js:#1:" in err
    engine = make_engine(db_url)
    try:
        rows = table(
            engine,
            "SELECT p.post_id, a.platform_id, p.kind FROM posts p JOIN accounts a ON a.id = p.account_id "
            "ORDER BY p.post_id",
        )
        assert rows == [
            ("1", "42", "post"),
            ("2", "42", "repost"),
            ("2:rt", "@bo", "post"),
            ("3", "42", "reply"),
            ("4", "42", "post"),
            ("7", "42", "post"),
        ]
        [(text,)] = table(engine, "SELECT text FROM posts WHERE post_id = '4'")
        assert text.endswith("arxiv.org/abs/2403.00003")  # the note's full text replaced the cut one
        papers = table(engine, "SELECT arxiv_id FROM papers ORDER BY arxiv_id")
        assert papers == [("2401.00001",), ("2402.00002",), ("2403.00003",)]
        assert table(
            engine,
            "SELECT n.name, a.platform_id FROM networks n JOIN network_accounts na ON na.network_id = n.id "
            "JOIN accounts a ON a.id = na.account_id",
        ) == [("following", "7")]
    finally:
        engine.dispose()
    code, out, _ = run(db_url, "import", "--format", "x-archive", str(root), "--json")
    again = json.loads(out)
    assert again["posts_new"] == 0 and again["posts_read"] == 5 and again["following"] == 1


def test_archive_zip_is_read_member_by_member(db_url: str, tmp_path: Path) -> None:
    root = make_archive(tmp_path / "archive", singular=True)
    bundle = tmp_path / "twitter-2024.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        for path in (root / "data").iterdir():
            zf.write(path, f"data/{path.name}")
        zf.writestr("Your archive.html", "<html></html>")
    _code, out, err = run(db_url, "import", "--format", "x-archive", str(bundle), "--json")
    assert json.loads(out)["posts_new"] == 6, err


def test_archive_without_account_or_tweets_is_a_clear_error(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "a" / "data").mkdir(parents=True)
    code, _, err = run(db_url, "import", "--format", "x-archive", str(tmp_path / "a"))
    assert code == 2 and "no data/account.js" in err
    root = make_archive(tmp_path / "b")
    (root / "data" / "tweets.js").write_bytes(b'window.YTD.tweets.part0 = [ {"tweet" : {')  # truncated
    code, out, err = run(db_url, "import", "--format", "x-archive", str(root), "--json")
    assert code == 1 and "tweets.js: unreadable JSON" in err
    assert json.loads(out)["posts_new"] == 1  # part1 is still read


def v1(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": n,
        "id_str": str(n),
        "created_at": "Thu Apr 06 15:28:43 +0000 2023",
        "full_text": f"tweet {n} https://t.co/q",
        "user": {"id": 9, "id_str": "9", "screen_name": "bo", "name": "Bo"},
        "entities": {"urls": [{"url": "https://t.co/q", "expanded_url": "https://arxiv.org/abs/2305.00001"}]},
        **extra,
    }


def test_v1_files_read_retweets_quotes_and_extended_tweets(db_url: str, tmp_path: Path) -> None:
    original = v1(1)
    lines = [
        orjson.dumps(original),
        orjson.dumps(v1(2, retweeted_status=original, full_text="RT @bo: tweet 1", entities={})),
        orjson.dumps(
            v1(
                3,
                quoted_status=v1(4, entities={}),
                extended_tweet={
                    "full_text": "long one",
                    "entities": {"urls": [{"expanded_url": "https://arxiv.org/abs/2306.00002"}]},
                },
            )
        ),
        b'{"id_str": "5", "created_at": "Thu Apr 06 15:28:43 +0000 2023"}',  # no user
        b'{"id_str": "6", "created_at": 5',  # truncated line
    ]
    path = tmp_path / "v1.jsonl"
    path.write_bytes(b"\n".join(lines))
    parsed = list(v1_posts(path.read_bytes(), "v1.jsonl"))
    rejects = [p for p in parsed if isinstance(p, str)]
    assert rejects[0] == "v1.jsonl:4:5#0: user: missing (an API v1.1 tweet names its author)"
    assert rejects[1].startswith("v1.jsonl:5: unreadable JSON")
    posts = {p.post_id: p for p in parsed if not isinstance(p, str)}
    assert posts["2"].kind is PostKind.REPOST and posts["2"].original and posts["2"].original.post_id == "1"
    assert posts["3"].kind is PostKind.QUOTE and posts["3"].text == "long one"
    assert "https://arxiv.org/abs/2306.00002" in posts["3"].links
    code, out, _ = run(db_url, "import", "--format", "x-v1", str(path), "--json")
    summary = json.loads(out)
    assert code == 1 and summary["posts_new"] == 4 and summary["rejected"] == 2
    search = tmp_path / "search.json"
    search.write_bytes(orjson.dumps({"statuses": [v1(10), v1(11)], "search_metadata": {}}))
    code, out, _ = run(db_url, "import", "--format", "x-v1", str(search), "--json")
    assert code == 0 and json.loads(out)["posts_new"] == 2


def test_v2_pages_hydrate_originals_and_note_tweets(db_url: str, tmp_path: Path) -> None:
    page = {
        "data": [
            {
                "id": "20",
                "author_id": "1",
                "created_at": "2024-05-01T10:00:00.000Z",
                "text": "RT @ada: new paper",
                "referenced_tweets": [{"type": "retweeted", "id": "10"}],
            },
            {
                "id": "21",
                "author_id": "2",
                "created_at": "2024-05-01T11:00:00.000Z",
                "text": "cut…",
                "note_tweet": {
                    "text": "the whole thing",
                    "entities": {"urls": [{"expanded_url": "https://arxiv.org/abs/2405.00005"}]},
                },
                "referenced_tweets": [{"type": "quoted", "id": "11"}, {"type": "something_new", "id": "x"}],
            },
            {"id": "22", "author_id": 5, "created_at": "yesterday"},
            {
                "id": "23",
                "author_id": "2",
                "created_at": "2024-05-01T12:00:00.000Z",
                "text": "reply",
                "referenced_tweets": [{"type": "replied_to", "id": "10"}],
            },
        ],
        "includes": {
            "users": [
                {"id": "1", "username": "bo", "name": "Bo"},
                {"id": "2", "username": "cy"},
                {"id": "3", "username": "ada"},
            ],
            "tweets": [
                {
                    "id": "10",
                    "author_id": "3",
                    "created_at": "2024-04-30T10:00:00.000Z",
                    "text": "new paper https://t.co/z",
                    "entities": {
                        "urls": [
                            {
                                "url": "https://t.co/z",
                                "expanded_url": "https://arxiv.org/abs/2404.00004",
                                "unwound_url": "https://arxiv.org/abs/2404.00004v2",
                            }
                        ]
                    },
                },
                {"id": "11", "author_id": "9", "created_at": "2024-04-30T11:00:00.000Z", "text": "quoted"},
            ],
        },
        "meta": {"result_count": 4},
    }
    path = tmp_path / "page.json"
    path.write_bytes(orjson.dumps(page))
    parsed = list(v2_posts(path.read_bytes(), "page.json"))
    [reject] = [p for p in parsed if isinstance(p, str)]
    assert reject.startswith("page.json:22#2: created_at: not an ISO 8601 time")
    posts = {p.post_id: p for p in parsed if not isinstance(p, str)}
    repost = posts["20"]
    assert repost.kind is PostKind.REPOST and repost.author.handle == "bo"
    assert repost.original and repost.original.post and repost.original.post.author.handle == "ada"
    assert repost.original.post.links == ("https://arxiv.org/abs/2404.00004v2", "https://arxiv.org/abs/2404.00004")
    assert posts["21"].kind is PostKind.QUOTE and posts["21"].text == "the whole thing"
    assert posts["23"].kind is PostKind.REPLY and posts["23"].original and posts["23"].original.post is None
    code, out, _ = run(db_url, "import", "--format", "x-v2", str(path), "--json")
    assert code == 1 and json.loads(out)["posts_new"] == 5  # 3 posts + the hydrated originals 10 and 11


def test_real_archives_and_api_samples(shared_data: Path) -> None:
    x = shared_data / "x_twitter"
    for name, table_name, count in [("smithjd_tweets.js", "tweets", 1758), ("dsajgiouawj_tweet.js", "tweet", 1163)]:
        parsed = read_archive_file((x / "archive" / name).read_bytes(), name)
        assert parsed.table == table_name
        posts = list(archive_tweets(parsed.entries, OWNER, name))
        assert len(posts) == count and not any(isinstance(p, str) for p in posts)
    smith = list(
        archive_tweets(read_archive_file((x / "archive" / "smithjd_tweets.js").read_bytes(), "s").entries, OWNER, "s")
    )
    assert Counter(p.kind for p in smith if not isinstance(p, str))[PostKind.REPOST] == 128
    noflat = list(v2_posts((x / "v2_twarc_csv" / "noflat.jsonl").read_bytes(), "noflat"))
    assert len(noflat) == 100 and not any(isinstance(p, str) for p in noflat)
    broken = list(v2_posts((x / "v2_twarc_csv" / "streaming_output_with_error.jsonl").read_bytes(), "stream"))
    assert sum(isinstance(p, str) for p in broken) == 1 and len(broken) > 1
    home = orjson.loads((x / "tweepy_cassettes" / "testhometimeline.json").read_bytes())
    body = home["interactions"][0]["response"]["body"]["string"]
    timeline = list(v1_posts(body.encode(), "home"))
    assert timeline and not any(isinstance(p, str) for p in timeline)
    assert any(p.kind is PostKind.REPOST and p.original and p.original.post for p in timeline if not isinstance(p, str))


@pytest.mark.parametrize("fmt", ["x-v3"])
def test_unknown_format_is_a_usage_error(db_url: str, tmp_path: Path, fmt: str) -> None:
    code, _, err = run(db_url, "import", "--format", fmt, str(tmp_path))
    assert code == 2 and "unknown --format" in err


def test_archive_read_in_a_worker_process_gives_the_same(engine: Engine, tmp_path: Path) -> None:
    from papertalk.services.ingest.x_import import XImporter

    root = make_archive(tmp_path / "archive")
    lines: list[str] = []
    importer = XImporter(engine, now=NOW, batch_size=2, on_reject=lines.append, parallel=True)
    importer.import_archive(root)
    assert (importer.summary.posts_new, importer.summary.rejected, importer.summary.following) == (6, 4, 1)
    assert any(line.startswith("tweets.js:5#4: created_at") for line in lines)
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(6,)]


def test_archive_parts_read_by_one_process_each_give_the_same_messages_in_order(tmp_path: Path) -> None:
    from papertalk.services.ingest.x_archive_reading import archive_messages, messages_in_workers

    root = make_archive(tmp_path / "archive")
    expected = list(archive_messages(root, 2))
    assert [m[1] for m in expected if m[0] == "file"] == ["tweets.js", "tweets-part1.js"]
    assert list(messages_in_workers(root, 2, readers=2)) == expected
    assert list(messages_in_workers(root, 2, readers=1)) == expected


def test_an_error_in_the_first_part_stops_the_other_reading_processes(tmp_path: Path) -> None:
    from papertalk.services.ingest.x_archive_reading import messages_in_workers

    root = make_archive(tmp_path / "archive")
    (root / "data" / "account.js").write_bytes(js("account", 0, [{"account": {}}]))
    assert list(messages_in_workers(root, 2, readers=2)) == [("error", "account.js: no account with an accountId")]


def test_a_reader_whose_writer_was_killed_stops_instead_of_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing
    import os

    from papertalk.services.ingest import x_archive_reading

    queue = multiprocessing.get_context("spawn").Queue(maxsize=1)
    queue.put(("rejects", []))  # full: the writer reads nothing more
    parents = iter([os.getppid()])
    monkeypatch.setattr(x_archive_reading, "WORKER_POLL_SECONDS", 0.05)
    monkeypatch.setattr(x_archive_reading, "leave_with_parent", lambda parent: None)  # it would see the fake ppid
    monkeypatch.setattr(x_archive_reading.os, "getppid", lambda: next(parents, 1))  # then orphaned
    x_archive_reading._relay(iter([("rejects", ["a"]), ("rejects", ["b"])]), "archive", queue)
    assert queue.get(timeout=1) == ("rejects", [])
    queue.close()


ORPHANING_WRITER = """
import os, sys, time
from pathlib import Path
from papertalk.services.ingest.x_archive_reading import ReadingProcess, _produce
reader = ReadingProcess(Path(sys.argv[1]), 5000, _produce)
print(reader.worker.pid, flush=True)
time.sleep(3)  # the reader has put its few, large messages; their bytes fill the pipe
os._exit(0)  # gone without reading them or stopping the reader (as a killed or abandoned writer)
"""


def test_a_reader_left_with_unread_messages_exits_when_its_writer_is_gone(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    root = make_archive(tmp_path / "archive")
    entries = [tweet(n, f"tweet {n} " + "words " * 40, [ARXIV] if n % 7 == 0 else None) for n in range(1, 3001)]
    (root / "data" / "tweets.js").write_bytes(js("tweets", 0, entries))
    for extra in (root / "data").glob("tweets-part*.js"):
        extra.unlink()
    writer = subprocess.Popen(
        [sys.executable, "-c", ORPHANING_WRITER, str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert writer.stdout is not None
    reader = int(writer.stdout.readline())
    assert writer.wait(timeout=60) == 0
    writer.stdout.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and os.path.exists(f"/proc/{reader}"):
        time.sleep(0.2)
    alive = os.path.exists(f"/proc/{reader}") and "zombie" not in _state(reader)
    if alive:
        os.kill(reader, 9)
    assert not alive, "the reading process outlived its writer"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "gone"


def test_odd_encodings_keep_the_rest(tmp_path: Path) -> None:
    entries = [tweet(1, "caf\u00e9 \u2014 \u0645\u0631\u062d\u0628\u0627 \U0001f600 https://t.co/abc", [ARXIV])]
    raw = b"\xef\xbb\xbf" + js("tweets", 0, entries).replace("caf\u00e9".encode(), b"caf\xe9")  # BOM + a Latin-1 byte
    table_ = read_archive_file(raw, "tweets.js")
    [post] = list(archive_tweets(table_.entries, OWNER, "tweets.js"))
    assert not isinstance(post, str)
    assert post.text.startswith("caf\ufffd \u2014 \u0645\u0631\u062d\u0628\u0627 \U0001f600")
    assert post.links == ("https://arxiv.org/abs/2401.00001",)
    lines = b"\n".join([orjson.dumps(v1(1)), b"\xff\xfe{garbage", orjson.dumps(v1(2))])
    parsed = list(v1_posts(lines, "odd.jsonl"))
    assert [p.post_id for p in parsed if not isinstance(p, str)] == ["1", "2"]
    assert next(p for p in parsed if isinstance(p, str)).startswith("odd.jsonl:2: unreadable JSON")


@pytest.mark.slow
def test_kill_9_during_archive_import_then_rerun_counts_like_one_run(db_url: str, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from bench.x_archive import make_archive as make_big_archive
    from tests.helpers import snapshot

    papertalk = str(Path(sys.executable).parent / "papertalk")
    root = tmp_path / "big"
    make_big_archive(root, 12_000)
    env = {**os.environ, "PAPERTALK_DATABASE_URL": db_url, "PAPERTALK_IMPORT_BATCH_SIZE": "500"}
    subprocess.run([papertalk, "db", "upgrade"], env=env, check=True, capture_output=True)
    engine = make_engine(db_url)
    victim = subprocess.Popen(
        [papertalk, "import", "--format", "x-archive", str(root)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline, stored = time.monotonic() + 120, 0
    while time.monotonic() < deadline and stored < 2_000:
        time.sleep(0.05)
        stored = table(engine, "SELECT COUNT(*) FROM posts")[0][0]
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert 0 < stored < 13_000, "the import was killed in the middle"
    rerun = subprocess.run(
        [papertalk, "import", "--format", "x-archive", str(root), "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr
    killed = snapshot(engine)
    engine.dispose()
    reference_url = f"sqlite:///{tmp_path / 'reference.sqlite3'}"
    subprocess.run(
        [papertalk, "import", "--format", "x-archive", str(root)],
        env={**env, "PAPERTALK_DATABASE_URL": reference_url},
        check=True,
        capture_output=True,
    )
    reference = make_engine(reference_url)

    def normal(snap: dict[str, list[tuple[object, ...]]]) -> dict[str, list[tuple[object, ...]]]:
        return {
            k: [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in rows] for k, rows in snap.items()
        }

    assert normal(killed) == normal(snapshot(reference))
    assert len(killed["posts"]) > 12_000
    reference.dispose()


@pytest.mark.slow
def test_x_archive_benchmark_smoke(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    args = [
        sys.executable,
        "-m",
        "bench.x_archive",
        "--tweets",
        "600",
        "--data",
        str(tmp_path),
        "--results",
        str(tmp_path),
    ]
    done = subprocess.run(args, cwd=root, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "x-archive-600.json").read_text())
    assert report["papertalk"]["summary"]["posts_read"] == 600 and report["papertalk"]["summary"]["rejected"] == 0
    assert report["bare"]["rows"] == 600 and report["papertalk"]["cpu_seconds"] > 0


def die_at_once(path: str, batch_size: int, queue: object) -> None:
    """A reading process killed before it says anything (run in the worker: must be importable)."""
    import os

    os._exit(3)


def test_a_reading_process_that_dies_is_an_error_not_a_hang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from papertalk.services.ingest import x_archive_reading

    root = make_archive(tmp_path / "archive")
    monkeypatch.setattr(x_archive_reading, "WORKER_POLL_SECONDS", 0.1)
    messages = list(x_archive_reading.messages_in_worker(root, 10, produce=die_at_once))
    assert messages == [("error", f"{root}: the reading process stopped (exit code 3)")]
