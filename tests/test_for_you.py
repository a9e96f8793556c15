"""For you on both backends: seeds from the person's network, the window's discussed papers ranked by
closeness to them with the reason, what the person already has left out, and seeds given by other
features (the hook lists and notes will use)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from papertalk.config import Settings
from papertalk.core.people_records import User
from papertalk.services.capture.accounts import add_ids_to_network
from papertalk.services.discover.for_you import Seed, for_you, seed_papers
from papertalk.services.networks.my_network import ensure_network
from papertalk.services.people.user_accounts import create_user
from papertalk.storage.capture.account_rows import account_ids_by_platform_id
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine
from tests.helpers import NOW, post, run_import, write_lines
from tests.test_discover import topic_papers
from tests.web_world import served

PASSWORD = "a long enough password"


def _cite(n: str, who: str, hours_ago: float, arxiv_id: str) -> dict[str, object]:
    return post(f"{who}-{n}", who, hours_ago, text=f"see https://arxiv.org/abs/{arxiv_id}")


def world(engine: Engine, tmp_path: Path) -> User:
    """The topic papers; ada, whose network (ann, bob) discussed two protein papers weeks ago; this week
    others discussed a paper of each topic, one of ada's and one without a title."""
    with engine.begin() as conn:
        upsert_papers(conn, topic_papers(), NOW)
        ada = create_user(conn, "ada", "ada@example.org", PASSWORD, False, NOW)
        create_user(conn, "bo", "bo@example.org", PASSWORD, False, NOW)
    records = [_cite("a", "ann", 24 * 20, "2401.00001"), _cite("b", "bob", 24 * 19, "2401.00001")]
    records += [_cite("c", "ann", 24 * 18, "2401.00002")]  # the network's protein papers, weeks ago
    for i, arxiv_id in enumerate(("2401.00003", "2401.10002", "2401.20002", "2401.00001", "2401.99999")):
        records += [_cite(f"w{i}", f"reader{j}", 10 + i, arxiv_id) for j in range(3)]  # this week, by others
    _, rejects = run_import(engine, write_lines(tmp_path / "posts.jsonl", records))
    assert rejects == []
    with engine.connect() as conn:
        accounts = account_ids_by_platform_id(conn)
    network = ensure_network(engine, ada)
    add_ids_to_network(engine, network.name, [accounts[("bluesky", "ann")], accounts[("bluesky", "bob")]])
    return ada


def test_for_you_ranks_the_week_by_closeness_to_the_network_s_papers(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    ada = world(engine, tmp_path)
    seeds = seed_papers(engine, ada, NOW)
    assert seeds == [Seed("2401.00001", "discussed in your network"), Seed("2401.00002", "discussed in your network")]
    items = for_you(engine, settings, NOW, seeds)
    assert items[0].paper.arxiv_id == "2401.00003"  # the week's protein paper
    assert items[0].reason.startswith("like “On protein folding: part ") and items[0].like.arxiv_id in {
        "2401.00001",
        "2401.00002",
    }
    assert items[0].reason.endswith(", discussed in your network")
    shown = [i.paper.arxiv_id for i in items]
    assert "2401.00001" not in shown  # already theirs
    assert "2401.99999" not in shown  # no title: nothing to compare
    assert all(i.score < items[0].score for i in items[1:])

    listed = for_you(engine, settings, NOW, [Seed("2401.10001", "on your list Cosmology")])
    assert listed[0].paper.arxiv_id == "2401.10002" and listed[0].reason.endswith(", on your list Cosmology")
    assert for_you(engine, settings, NOW, []) == []


def test_no_network_no_seeds(engine: Engine) -> None:
    with engine.begin() as conn:
        bo = create_user(conn, "bo", "bo@example.org", PASSWORD, False, NOW)
    assert seed_papers(engine, bo, NOW) == []


def signed_in(base: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text)
    assert token is not None
    answer = client.post("/signin", data={"csrf": token.group(1), "name": name, "password": PASSWORD})
    assert answer.status_code == 303, answer.text[:300]
    return client


def test_the_for_you_tab_and_its_json_twin_are_the_reader_s_own(engine: Engine, db_url: str, tmp_path: Path) -> None:
    world(engine, tmp_path)
    with served(Settings.from_env({"PAPERTALK_DATABASE_URL": db_url})) as base:
        anonymous = httpx.get(base + "/for-you", timeout=60)
        assert anonymous.status_code == 303 and anonymous.headers["location"] == "/signin"
        assert httpx.get(base + "/api/v1/for-you", timeout=60).status_code == 401
        ada = signed_in(base, "ada")
        assert '<a href="/for-you?window=week">For you</a>' in ada.get("/").text
        page = ada.get("/for-you")
        assert page.status_code == 200 and page.headers["cache-control"] == "private, no-store"
        assert re.findall(r'<li><a href="/abs/([^"]+)">', page.text)[0] == "2401.00003"
        assert "discussed in your network" in page.text
        data = ada.get("/api/v1/for-you?window=week").json()
        assert data["seeds"] == 2 and data["items"][0]["paper"]["arxiv_id"] == "2401.00003"
        assert data["items"][0]["like"] in {"2401.00001", "2401.00002"}
        assert ada.get("/for-you?window=decade").status_code == 400
        bo = signed_in(base, "bo")  # no network: nothing of ada's shows
        theirs = bo.get("/for-you").text
        assert "Nothing to go on yet" in theirs and "2401.00003" not in theirs
        assert bo.get("/api/v1/for-you").json()["items"] == []


def test_the_papers_on_the_person_s_lists_are_seeds_with_the_list_s_name(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    from papertalk.services.library import list_adding, list_editing

    ada = world(engine, tmp_path)
    lid = list_editing.create_list(engine, ada, "Cosmology", "", "private", NOW)
    list_adding.add_item(engine, settings, ada, lid, "2401.10001", now=NOW)
    list_adding.add_item(engine, settings, ada, lid, "https://example.org/talk", now=NOW, title="A talk")
    seeds = seed_papers(engine, ada, NOW)
    assert seeds[0] == Seed("2401.10001", "on your list Cosmology") and len(seeds) == 3
    items = for_you(engine, settings, NOW, seeds)
    near = next(i for i in items if i.paper.arxiv_id == "2401.10002")
    assert near.reason.endswith(", on your list Cosmology") and near.like.arxiv_id == "2401.10001"
    with engine.begin() as conn:
        bo = create_user(conn, "cy", "cy@example.org", PASSWORD, False, NOW)
    assert seed_papers(engine, bo, NOW) == []  # someone else's list is not theirs
