"""``papertalk trending --category/--new`` (the web's filters, the same papers as the trending page) and
``papertalk posts`` with its filters (issue 14 item 8), through CliRunner on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.config import Settings
from papertalk.core.records import Paper
from papertalk.services.capture.accounts import add_to_network
from papertalk.services.ingest.post_files import Importer
from papertalk.services.pages.trending_page import TrendingPageQuery, trending_page
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine
from tests.helpers import NOW, post, write_lines

DAY = 86_400
NEW_LG, OLD_LG, NEW_OC = "2611.00001", "2401.00002", "2611.00003"


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> Engine:
    papers = [
        Paper(NEW_LG, "A new learning paper", ("A. One",), None, ("cs.LG", "stat.ML"), NOW - 3 * DAY),
        Paper(OLD_LG, "An old learning paper", ("B. Two",), None, ("cs.LG",), NOW - 300 * DAY),
        Paper(NEW_OC, "A new optimisation paper", ("C. Three",), None, ("math.OC", "cs.LG"), NOW - 2 * DAY),
    ]
    with engine.begin() as conn:
        upsert_papers(conn, papers, NOW - DAY)
    lines = [
        post("p1", "ada", 5, text=f"great https://arxiv.org/abs/{NEW_LG}"),
        post("p2", "bob", 4, text=f"see arXiv:{NEW_LG} and arXiv:{OLD_LG}"),
        post("p3", "cy", 3, text=f"arXiv:{OLD_LG} again", platform="mastodon"),
        post("p4", "ada", 2, text=f"arXiv:{NEW_OC}"),
        post("p5", "dee", 1, text=f"arXiv:{OLD_LG} is a classic"),
        post("p6", "eve", 1, text="no paper here"),
    ]
    Importer(engine, now=NOW).import_path(write_lines(tmp_path / "posts.jsonl", lines))
    add_to_network(engine, "lab", ["bluesky:ada.example", "bluesky:bob.example"])
    return engine


def cli(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--database", db_url, *args], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def cli_json(db_url: str, *args: str) -> object:
    code, out, err = cli(db_url, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def ranked(db_url: str, *args: str) -> list[str]:
    result = cli_json(db_url, "trending", "--window", "month", *args)
    return [p["arxiv_id"] for p in result["papers"]]  # type: ignore[index]


@pytest.mark.parametrize(
    ("args", "new_only", "category"),
    [
        (["--category", "cs.LG"], False, "cs.LG"),
        (["--new"], True, None),
        (["--new", "--category", "cs.LG"], True, "cs.LG"),
        (["--category", "math.OC"], False, "math.OC"),
    ],
)
def test_trending_filters_match_the_web(
    world: Engine, db_url: str, settings: Settings, args: list[str], new_only: bool, category: str | None
) -> None:
    page = trending_page(world, settings, NOW, TrendingPageQuery("month", None, new_only, category), None)
    assert ranked(db_url, *args) == [item.arxiv_id for item in page.items]


def test_trending_filters_keep_the_right_papers(world: Engine, db_url: str) -> None:
    assert sorted(ranked(db_url)) == sorted([NEW_LG, OLD_LG, NEW_OC])
    assert sorted(ranked(db_url, "--category", "cs.LG")) == sorted([NEW_LG, OLD_LG])  # primary category only
    assert sorted(ranked(db_url, "--new")) == sorted([NEW_LG, NEW_OC])
    assert ranked(db_url, "--new", "--category", "cs.LG", "--network", "lab") == [NEW_LG]
    result = cli_json(db_url, "trending", "--window", "month", "--new", "--category", "cs.LG")
    assert (result["new_only"], result["category"]) == (True, "cs.LG")  # type: ignore[index]
    code, out, _ = cli(db_url, "trending", "--window", "month", "--new", "--category", "cs.LG")
    assert code == 0 and "new papers only · cs.LG" in out
    code, _, err = cli(db_url, "trending", "--category", "cs LG; drop")
    assert code == 2 and "not an arXiv category: 'cs LG; drop' (write it like cs.LG or hep-th)" in err


def listed(db_url: str, *args: str) -> list[str]:
    return [p["text"] for p in cli_json(db_url, "posts", *args)]  # type: ignore[attr-defined, index]


def test_posts_lists_the_newest_citing_posts_with_filters(world: Engine, db_url: str) -> None:
    everything = cli_json(db_url, "posts")
    assert [p["text"] for p in everything] == [  # type: ignore[attr-defined, index]
        f"arXiv:{OLD_LG} is a classic",
        f"arXiv:{NEW_OC}",
        f"arXiv:{OLD_LG} again",
        f"see arXiv:{NEW_LG} and arXiv:{OLD_LG}",
        f"great https://arxiv.org/abs/{NEW_LG}",
    ]
    assert everything[3]["arxiv_ids"] == sorted([NEW_LG, OLD_LG])  # type: ignore[index]
    assert everything[0]["author"] == "dee.example" and everything[0]["platform"] == "bluesky"  # type: ignore[index]
    assert listed(db_url, "--paper", f"https://arxiv.org/abs/{NEW_LG}v2") == [
        f"see arXiv:{NEW_LG} and arXiv:{OLD_LG}",
        f"great https://arxiv.org/abs/{NEW_LG}",
    ]
    assert listed(db_url, "--account", "bluesky:ada.example") == [
        f"arXiv:{NEW_OC}",
        f"great https://arxiv.org/abs/{NEW_LG}",
    ]
    assert listed(db_url, "--network", "lab", "--paper", OLD_LG) == [f"see arXiv:{NEW_LG} and arXiv:{OLD_LG}"]
    assert listed(db_url, "--platform", "mastodon") == [f"arXiv:{OLD_LG} again"]
    assert listed(db_url, "--limit", "2") == [f"arXiv:{OLD_LG} is a classic", f"arXiv:{NEW_OC}"]
    code, out, err = cli(db_url, "posts", "--paper", NEW_OC)
    assert code == 0 and "ada.example" in out and NEW_OC in out, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--paper", "2611.99999"], "--paper: no post has cited 2611.99999 yet"),
        (["--paper", "not-a-paper"], "--paper: 'not-a-paper' is not an arXiv id or URL (e.g. 2411.00001)"),
        (["--account", "bluesky:ghost"], "--account: no bluesky account 'ghost' has been captured yet"),
        (["--network", "nope"], "--network: no network 'nope' (networks: lab)"),
    ],
)
def test_posts_filters_naming_nothing_say_so(world: Engine, db_url: str, args: list[str], message: str) -> None:
    code, _, err = cli(db_url, "posts", *args)
    assert code == 2 and err.strip() == f"error: {message}"
