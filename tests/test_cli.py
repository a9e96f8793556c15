"""The command line as people use it: exit codes, messages, JSON, schema checks, a kill -9 mid-import."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.demo.world import WorldSize, generate_post_lines
from papertalk.storage.engine import make_engine
from tests.helpers import post, snapshot, write_lines

PAPERTALK = str(Path(sys.executable).parent / "papertalk")


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--database", db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def test_import_reports_bad_lines_and_exit_status(db_url: str, tmp_path: Path) -> None:
    good = write_lines(tmp_path / "good.jsonl", [post("p1", "ada", 3, text="arXiv:2411.01234")])
    code, out, err = run(db_url, "import", str(good))
    assert code == 0, err
    assert "new posts" in out and err == ""
    bad = write_lines(tmp_path / "bad.jsonl", [post("p2", "bo", 2, text="arXiv:2411.05555"), b"{nope"])
    code, out, err = run(db_url, "import", str(bad), "--json")
    assert code == 1
    assert f"{bad}:2: invalid JSON" in err
    summary = json.loads(out)
    assert summary["posts_new"] == 1 and summary["rejected"] == 1
    code, _out, err = run(db_url, "import", str(tmp_path / "missing.jsonl"))
    assert code == 2 and "no such file" in err
    code, _out, err = run(db_url, "import", str(tmp_path))
    assert code == 2 and f"{tmp_path}: a directory; for an X data archive add --format x-archive" in err
    hundred = write_lines(tmp_path / "hundred.jsonl", [b"{nope"] * 100)
    code, _out, err = run(db_url, "import", str(hundred))
    assert code == 1 and f"{hundred}:100: invalid JSON" in err  # not turned into an emoji (":100:")


def test_trending_json_and_table(db_url: str, tmp_path: Path) -> None:
    records = [post("p1", "ada", 3, text="arXiv:2411.01234"), post("r1", "bo", 2, "repost", original="p1")]
    run(db_url, "import", str(write_lines(tmp_path / "a.jsonl", records)))
    code, out, err = run(db_url, "trending", "--window", "all", "--json", "--explain")
    assert code == 0, err
    data = json.loads(out)
    assert data["window"] == "all" and data["demo"] is None
    [paper] = data["papers"]
    assert (paper["arxiv_id"], paper["posts"], paper["people"], paper["score"]) == ("2411.01234", 2, 2, 1.25)
    assert {b["account"] for b in paper["breakdown"]} == {"bluesky:ada.example", "bluesky:bo.example"}
    code, out, _ = run(db_url, "trending", "--window", "all")
    assert code == 0 and "2411.01234" in out and "metadata not fetched yet" in out
    code, _, err = run(db_url, "trending", "--window", "decade")
    assert code == 2 and "unknown window 'decade'" in err
    code, _, err = run(db_url, "trending", "--network", "nobody")
    assert code == 2 and "no network named 'nobody'" in err


def test_networks_and_blocking(db_url: str, tmp_path: Path) -> None:
    records = [post("p1", "ada", 3, text="arXiv:2411.01234"), post("p2", "bo", 2, text="arXiv:2411.05555")]
    run(db_url, "import", str(write_lines(tmp_path / "a.jsonl", records)))
    code, out, err = run(db_url, "network", "add", "lab", "bluesky:ada.example")
    assert code == 0, err
    code, out, _ = run(db_url, "trending", "--network", "lab", "--json")
    assert [p["arxiv_id"] for p in json.loads(out)["papers"]] == ["2411.01234"]
    code, _, err = run(db_url, "network", "add", "lab", "bluesky:nobody")
    assert code == 2 and "no bluesky account 'nobody'" in err
    code, _, err = run(db_url, "block", "ada")
    assert code == 2 and "PLATFORM:HANDLE" in err
    assert run(db_url, "block", "bluesky:ada.example")[0] == 0
    _, out, _ = run(db_url, "trending", "--json")
    assert [p["arxiv_id"] for p in json.loads(out)["papers"]] == ["2411.05555"]
    assert run(db_url, "block", "--unblock", "bluesky:ada.example")[0] == 0
    _, out, _ = run(db_url, "trending", "--json")
    assert len(json.loads(out)["papers"]) == 2


def test_stale_or_missing_schema_is_refused_with_the_fix(db_url: str) -> None:
    code, _, err = run(db_url, "trending")
    if db_url.startswith("sqlite"):  # a missing file is not created by a command that only reads
        assert code == 2 and "no papertalk database at" in err and "papertalk import FILE" in err
        assert not Path(db_url.removeprefix("sqlite:///")).exists()
    else:
        assert code == 2 and "papertalk db upgrade" in err
    code, out, _ = run(db_url, "db", "status")
    assert "none" in out and "needs `papertalk db upgrade`" in out
    assert run(db_url, "db", "upgrade")[0] == 0
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    engine.dispose()
    code, _, err = run(db_url, "trending")
    assert code == 2 and "newer than this papertalk" in err


def test_help_explains() -> None:
    result = CliRunner().invoke(app, ["import", "--help"])
    assert result.exit_code == 0
    assert "FILE:LINE" in result.stdout and "resumes" in result.stdout


@pytest.mark.slow
def test_demo_builds_a_marked_demo_world(tmp_path: Path) -> None:
    args = ["demo", "--no-serve", "--dir", str(tmp_path), "--papers", "300", "--accounts", "60", "--posts", "3000"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "DEMO DATA" in result.stdout
    url = f"sqlite:///{tmp_path / 'papertalk-demo.sqlite3'}"
    _, out, _ = run(url, "trending", "--json", "--limit", "5")
    data = json.loads(out)
    assert data["demo"].startswith("DEMO DATA")
    assert len(data["papers"]) == 5 and all(p["title"] for p in data["papers"])
    assert data["papers"][0]["people"] >= data["papers"][-1]["people"] // 10


@pytest.mark.slow
def test_kill_9_during_import_then_rerun_counts_like_one_run(db_url: str, tmp_path: Path) -> None:
    size = WorldSize(papers=2000, accounts=300, posts=40_000, days=30)
    source = tmp_path / "world.jsonl"
    with source.open("wb") as out:
        for line in generate_post_lines(7, 1_795_000_000, size):
            out.write(orjson.dumps(line) + b"\n")
    env = {**os.environ, "PAPERTALK_DATABASE_URL": db_url, "PAPERTALK_IMPORT_BATCH_SIZE": "500"}
    engine = make_engine(db_url)
    subprocess.run([PAPERTALK, "db", "upgrade"], env=env, check=True, capture_output=True)
    victim = subprocess.Popen(
        [PAPERTALK, "import", str(source)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    committed = 0
    while time.monotonic() < deadline and committed < 5_000:
        time.sleep(0.05)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT line_number FROM import_checkpoints")).fetchall()
        committed = rows[0][0] if rows else 0
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert 0 < committed < 40_000, "the import was killed in the middle"
    rerun = subprocess.run(
        [PAPERTALK, "import", str(source), "--json"], env=env, capture_output=True, text=True, check=False
    )
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["resumed_at"] == {str(source): pytest.approx(committed, abs=10_000)}
    killed = snapshot(engine)
    engine.dispose()
    reference_url = f"sqlite:///{tmp_path / 'reference.sqlite3'}"
    subprocess.run(
        [PAPERTALK, "import", str(source)],
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
    assert len(killed["posts"]) > 39_000
    reference.dispose()
