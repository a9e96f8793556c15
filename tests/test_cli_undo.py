"""The CLI's undo commands and its JSON outputs (issue 14 item 8), through Typer's CliRunner against a
local AppView look-alike, on SQLite and PostgreSQL: unfollow, network remove, sources disable / enable /
remove (a disabled source is not captured by ``fetch``), ``--json`` on network list, db status, follow,
follows import and block, and source names kept whole in an 80-column terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.storage.engine import Engine
from tests.fake_bluesky import FakeAppView, post_view, profile

PAPERTALK = str(Path(sys.executable).parent / "papertalk")
ALICE = "did:plc:user0001"
BOB = "did:plc:user0002"


def run(db_url: str, appview: FakeAppView, *args: str) -> tuple[int, str, str]:
    env = {"PAPERTALK_BLUESKY_APPVIEW_URL": appview.url, "COLUMNS": "200"}
    result = CliRunner().invoke(app, ["--database", db_url, *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def ok_json(db_url: str, appview: FakeAppView, *args: str) -> object:
    code, out, err = run(db_url, appview, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def two_accounts(appview: FakeAppView) -> None:
    for n, did in ((1, ALICE), (2, BOB)):
        appview.profiles[f"user{n}.bsky.social"] = profile(n)
        appview.feeds[did] = [{"post": post_view(n, n, 0, arxiv=f"2411.0000{n}")}]
    appview.follows["user1.bsky.social"] = [profile(2)]


def test_follow_and_unfollow_with_json(engine: Engine, db_url: str, fake_appview: FakeAppView) -> None:
    two_accounts(fake_appview)
    followed = ok_json(db_url, fake_appview, "follow", "bluesky:user1.bsky.social")
    assert followed == {
        "account": {"platform": "bluesky", "platform_id": ALICE, "handle": "user1.bsky.social"},
        "accounts": 1,
        "sources_new": 1,
        "network": "following",
        "network_size": 1,
    }
    imported = ok_json(db_url, fake_appview, "follows", "import", "bluesky:user1.bsky.social")
    assert imported == {
        "account": "bluesky:user1.bsky.social",
        "accounts": 1,
        "sources_new": 1,
        "network": "following",
        "network_size": 2,
    }
    gone = ok_json(db_url, fake_appview, "unfollow", "bluesky:user2.bsky.social")
    assert gone == {
        "account": "bluesky:user2.bsky.social",
        "network": "following",
        "network_size": 1,
        "source_removed": f"bluesky:feed:{BOB}",
    }
    sources = ok_json(db_url, fake_appview, "sources")
    assert [s["name"] for s in sources] == [f"bluesky:feed:{ALICE}"]  # type: ignore[index]
    assert ok_json(db_url, fake_appview, "network", "list") == [{"network": "following", "accounts": 1}]

    code, _, err = run(db_url, fake_appview, "unfollow", "bluesky:user2.bsky.social")
    assert code == 2 and "bluesky:user2.bsky.social is not followed" in err and "\n" not in err.strip()
    code, _, err = run(db_url, fake_appview, "unfollow", "bluesky:nobody.bsky.social")
    assert code == 2 and "no bluesky account 'nobody.bsky.social' has been captured yet" in err


def test_network_remove_accounts_or_the_whole_network(engine: Engine, db_url: str, fake_appview: FakeAppView) -> None:
    two_accounts(fake_appview)
    ok_json(db_url, fake_appview, "follows", "import", "bluesky:user1.bsky.social")
    ok_json(db_url, fake_appview, "follow", "bluesky:user1.bsky.social")
    code, out, err = run(db_url, fake_appview, "network", "add", "lab", "bluesky:user1.bsky.social", f"bluesky:{BOB}")
    assert code == 0 and "network lab: 2 accounts" in out, err

    code, out, err = run(db_url, fake_appview, "network", "remove", "lab", "bluesky:user2.bsky.social")
    assert code == 0 and "network lab: 1 accounts" in out, err
    assert ok_json(db_url, fake_appview, "network", "remove", "lab") == {
        "network": "lab",
        "deleted": True,
        "accounts": 1,
        "removed": [],
    }
    assert ok_json(db_url, fake_appview, "network", "list") == [{"network": "following", "accounts": 2}]
    code, _, err = run(db_url, fake_appview, "network", "remove", "lab")
    assert code == 2 and "no network 'lab' (networks: following; see `papertalk network list`)" in err
    code, out, _ = run(db_url, fake_appview, "trending", "--window", "all", "--network", "lab")
    assert code == 2


def test_a_disabled_source_is_not_captured_until_enabled(
    engine: Engine, db_url: str, fake_appview: FakeAppView
) -> None:
    two_accounts(fake_appview)
    ok_json(db_url, fake_appview, "follows", "import", "bluesky:user1.bsky.social")
    ok_json(db_url, fake_appview, "follow", "bluesky:user1.bsky.social")
    code, out, err = run(db_url, fake_appview, "sources", "disable", f"bluesky:feed:{ALICE}")
    assert code == 0 and f"disabled bluesky:feed:{ALICE}" in out, err
    states = {s["name"]: s["state"] for s in ok_json(db_url, fake_appview, "sources")}  # type: ignore[attr-defined]
    assert states == {f"bluesky:feed:{ALICE}": "disabled", f"bluesky:feed:{BOB}": "new"}

    report = ok_json(db_url, fake_appview, "fetch")
    assert [r["source"] for r in report["runs"]] == [f"bluesky:feed:{BOB}"]  # type: ignore[index]
    code, _, err = run(db_url, fake_appview, "fetch", f"bluesky:feed:{ALICE}")
    assert code == 2 and "disabled: bluesky:feed:did:plc:user0001 (`papertalk sources enable NAME` first)" in err

    code, out, err = run(db_url, fake_appview, "sources", "enable", f"bluesky:feed:{ALICE}")
    assert code == 0 and "enabled" in out, err
    report = ok_json(db_url, fake_appview, "fetch")
    assert [(r["source"], r["posts_new"]) for r in report["runs"]] == [(f"bluesky:feed:{ALICE}", 1)]  # type: ignore[index]

    code, out, err = run(db_url, fake_appview, "sources", "remove", f"bluesky:feed:{BOB}")
    assert code == 0 and f"removed bluesky:feed:{BOB}" in out, err
    assert [s["name"] for s in ok_json(db_url, fake_appview, "sources")] == [f"bluesky:feed:{ALICE}"]  # type: ignore[attr-defined]
    assert len(ok_json(db_url, fake_appview, "trending", "--window", "all")["papers"]) == 2  # type: ignore[index]


def test_unknown_source_names_change_nothing(engine: Engine, db_url: str, fake_appview: FakeAppView) -> None:
    two_accounts(fake_appview)
    ok_json(db_url, fake_appview, "follow", "bluesky:user1.bsky.social")
    for action in ("disable", "enable", "remove"):
        code, _, err = run(db_url, fake_appview, "sources", action, f"bluesky:feed:{ALICE}", "rss:feed:nope")
        assert code == 2, action
        assert err.strip() == "error: no such source: rss:feed:nope (see `papertalk sources` for the names)"
    states = {s["name"]: s["state"] for s in ok_json(db_url, fake_appview, "sources")}  # type: ignore[attr-defined]
    assert states == {f"bluesky:feed:{ALICE}": "new"}


def test_block_and_db_status_print_json(engine: Engine, db_url: str, fake_appview: FakeAppView) -> None:
    two_accounts(fake_appview)
    ok_json(db_url, fake_appview, "follow", "bluesky:user1.bsky.social")
    assert ok_json(db_url, fake_appview, "block", "bluesky:user1.bsky.social") == {
        "blocked": True,
        "accounts": ["bluesky:user1.bsky.social"],
    }
    assert ok_json(db_url, fake_appview, "block", "--unblock", "bluesky:user1.bsky.social")["blocked"] is False  # type: ignore[index]
    status = ok_json(db_url, fake_appview, "db", "status")
    assert status["current"] is True and status["schema"] == status["needed"]  # type: ignore[index]


def test_source_names_are_not_cut_at_80_columns(engine: Engine, db_url: str, tmp_path: Path) -> None:
    feed = "https://export.arxiv.example/rss/cs.LG+stat.ML+math.OC+cs.AI?version=2.0&format=long-names-for-testing"
    env = {**os.environ, "PAPERTALK_DATABASE_URL": db_url, "COLUMNS": "80", "NO_COLOR": "1"}
    added = subprocess.run(
        [PAPERTALK, "sources", "add", "rss:feed", feed], env=env, capture_output=True, text=True, check=False
    )
    assert added.returncode == 0, added.stderr
    listed = subprocess.run([PAPERTALK, "sources"], env=env, capture_output=True, text=True, check=False)
    assert listed.returncode == 0, listed.stderr
    rows = [line for line in listed.stdout.splitlines() if line.startswith("│")]
    assert all(len(line) <= 80 for line in listed.stdout.splitlines())
    name = "".join(line.split("│")[1].strip() for line in rows)
    assert name == f"rss:feed:{feed}"
