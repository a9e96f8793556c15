"""The capture commands as people use them (Typer's CliRunner) against local AppView and Jetstream
look-alikes, on SQLite and PostgreSQL: follow, follows import, sources, fetch, worker, and the errors."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.config import Settings
from papertalk.services.capture import sources
from papertalk.services.capture.fetchers import build_registry
from papertalk.services.jobs.worker import Worker
from papertalk.storage.engine import Engine
from tests.fake_bluesky import FakeAppView, post_view, profile
from tests.fake_jetstream import FakeJetstream, post_event
from tests.helpers import table

PAPERTALK = str(Path(sys.executable).parent / "papertalk")


def _run(db_url: str, appview: str, *args: str, jetstream: str = "ws://127.0.0.1:9/subscribe") -> tuple[int, str, str]:
    env = {"PAPERTALK_BLUESKY_APPVIEW_URL": appview, "PAPERTALK_JETSTREAM_URL": jetstream, "COLUMNS": "200"}
    result = CliRunner().invoke(app, ["--database", db_url, *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_follow_fetch_and_list_sources(engine: Engine, db_url: str, fake_appview: FakeAppView) -> None:
    alice = {**profile(1), "handle": "alice.bsky.social"}
    fake_appview.profiles["alice.bsky.social"] = alice
    fake_appview.follows["alice.bsky.social"] = [profile(n) for n in (2, 3, 4, 5)]
    fake_appview.feeds[alice["did"]] = [{"post": post_view(1, 1, 0, arxiv="2411.00001")}]
    for n in (2, 3, 4, 5):
        fake_appview.feeds[f"did:plc:user{n:04d}"] = [{"post": post_view(10 + n, n, n, arxiv=f"2411.0000{n}")}]

    code, out, err = _run(db_url, fake_appview.url, "follow", "bluesky:alice.bsky.social")
    assert code == 0, err
    assert "following bluesky:alice.bsky.social (did:plc:user0001)" in out
    code, out, err = _run(db_url, fake_appview.url, "follows", "import", "bluesky:alice.bsky.social")
    assert code == 0, err
    assert "4 accounts followed (4 new sources); network following: 5 accounts" in out
    code, out, err = _run(db_url, fake_appview.url, "sources", "add", "bluesky:search", "arxiv.org", "--every", "30m")
    assert code == 0 and "added bluesky:search:arxiv.org (every 30 min)" in out, err

    code, out, err = _run(db_url, fake_appview.url, "fetch", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert len(report["runs"]) == 6 and report["posts_new"] == 5
    code, out, _ = _run(db_url, fake_appview.url, "fetch")
    assert code == 0 and "nothing is due" in out

    code, out, _ = _run(db_url, fake_appview.url, "sources", "--json")
    listed = {s["name"]: s for s in json.loads(out)}
    assert listed[f"bluesky:feed:{alice['did']}"]["posts_captured"] == 1
    assert listed["bluesky:search:arxiv.org"]["state"] == "ok"
    code, out, _ = _run(db_url, fake_appview.url, "sources")
    assert code == 0 and "bluesky:search:arxiv.org" in out and "last error" in out
    # --window all: the fake's posts are dated 2026-11-30, and the command reads the real clock
    code, out, err = _run(db_url, fake_appview.url, "trending", "--window", "all", "--network", "following", "--json")
    assert code == 0, err
    assert len(json.loads(out)["papers"]) == 5


def test_errors_say_what_to_do(engine: Engine, db_url: str, fake_appview: FakeAppView) -> None:
    code, _, err = _run(db_url, fake_appview.url, "follow", "gopher:alice")
    assert code == 2 and "cannot look up gopher accounts (known platforms: bluesky, mastodon, x)" in err
    code, _, err = _run(db_url, fake_appview.url, "follow", "bluesky:ghost.bsky.social")
    assert code == 2 and "bluesky:ghost.bsky.social: no such account" in err
    code, _, err = _run(db_url, fake_appview.url, "follow", "alice")
    assert code == 2 and "PLATFORM:HANDLE" in err
    code, _, err = _run(db_url, fake_appview.url, "sources", "add", "gopher:feed", "x")
    assert code == 2 and "no fetcher for gopher:feed (known: bluesky:feed, bluesky:jetstream, bluesky:search, " in err
    code, _, err = _run(db_url, fake_appview.url, "sources", "add", "bluesky:search", "arxiv.org", "--every", "soon")
    assert code == 2 and "write an interval like 15m" in err
    down = f"http://127.0.0.1:{_closed_port()}"
    code, _, err = _run(db_url, down, "follow", "bluesky:alice.bsky.social")
    assert code == 2 and "connection error" in err and "\n" not in err.strip()


def test_worker_runs_schedule_and_jetstream_until_stopped(
    engine: Engine, settings: Settings, fake_appview: FakeAppView, fake_jetstream: FakeJetstream
) -> None:
    fake_appview.search = [post_view(1, 1, 0, arxiv="2411.00001")]
    fake_jetstream.add(*(post_event(k, "did:plc:zz", arxiv=f"2411.1000{k}" if k % 2 else None) for k in range(1, 7)))
    live = Settings(settings.database_url, bluesky_appview_url=fake_appview.url, jetstream_url=fake_jetstream.url)
    sources.add(engine, "bluesky", "search", "arxiv.org", 1_796_040_000)
    sources.add(engine, "bluesky", "jetstream", "arxiv", 1_796_040_000)
    stop = threading.Event()
    worker = Worker(engine, build_registry(live, stop), stop, lambda: 1_796_040_000.0, tick=0.1)
    thread = threading.Thread(target=worker.run)
    thread.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and table(engine, "SELECT COUNT(*) FROM posts") != [(4,)]:
        time.sleep(0.1)
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(4,)]  # 1 from search, 3 arXiv posts from the stream


def test_kill_9_during_a_jetstream_session_then_restart(
    engine: Engine, db_url: str, fake_appview: FakeAppView, fake_jetstream: FakeJetstream
) -> None:
    linked = 0
    # A live session: events of seconds ago (a catch-up from old events is not cut into pages by time).
    base = int(time.time() * 1_000_000) - 10_000_000
    for k in range(1, 1201):
        arxiv = f"2411.{k:05d}" if k % 20 == 0 else None
        linked += arxiv is not None
        fake_jetstream.add({**post_event(k, f"did:plc:a{k % 7}", arxiv=arxiv), "time_us": base + k * 1000})
    fake_jetstream.delay = 0.004  # about five seconds of stream
    sources.add(engine, "bluesky", "jetstream", "arxiv", 1_796_040_000)
    env = {
        **os.environ,
        "PAPERTALK_DATABASE_URL": db_url,
        "PAPERTALK_BLUESKY_APPVIEW_URL": fake_appview.url,
        "PAPERTALK_JETSTREAM_URL": fake_jetstream.url,
    }
    fetch = [PAPERTALK, "fetch", "bluesky:jetstream:arxiv"]
    proc = subprocess.Popen(fetch, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and table(engine, "SELECT cursor FROM sources")[0][0] is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    cursor = table(engine, "SELECT cursor FROM sources")[0][0]
    assert cursor is not None and int(cursor) < base + 1200 * 1000  # killed in the middle of the session
    partial = table(engine, "SELECT COUNT(*) FROM posts")[0][0]
    assert 0 < partial < linked
    fake_jetstream.delay = 0
    done = subprocess.run(fetch, env=env, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(fake_jetstream.connections[1]["cursor"][0]) == int(cursor) - 5_000_000
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(linked,)]
    assert table(engine, "SELECT COUNT(*) FROM mentions") == [(linked,)]


def test_kill_9_during_a_backfill_then_restart(engine: Engine, db_url: str, fake_appview: FakeAppView) -> None:
    did = "did:plc:user0001"
    fake_appview.feeds[did] = [
        {"post": post_view(k, 1, k * 60, arxiv=f"2411.{k:05d}" if k % 2 else None)} for k in range(60, 0, -1)
    ]
    sources.add(engine, "bluesky", "feed", did, 1_796_040_000)
    env = {**os.environ, "PAPERTALK_DATABASE_URL": db_url, "PAPERTALK_BLUESKY_APPVIEW_URL": fake_appview.url}
    fetch = [PAPERTALK, "fetch", f"bluesky:feed:{did}"]
    proc = subprocess.Popen(fetch, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and table(engine, "SELECT cursor FROM sources")[0][0] is None:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    cursor = table(engine, "SELECT cursor FROM sources")[0][0]
    assert cursor is not None and '"page"' in cursor  # killed in the middle of the backfill
    done = subprocess.run(fetch, env=env, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(60,)]
    assert table(engine, "SELECT COUNT(*) FROM mentions") == [(30,)]
    assert table(engine, "SELECT posts_captured FROM sources")[0][0] >= 60
