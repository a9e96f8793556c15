"""Digests on SQLite and PostgreSQL: a day's, week's and month's top papers as of the end of the period in
the reader's timezone; a finished day frozen so it is the same whenever opened, whatever is captured later
(even posts dated inside it); the page, its JSON twin and its errors over real HTTP."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from papertalk.config import Settings
from papertalk.core.records import Paper
from papertalk.services.capture.accounts import add_ids_to_network
from papertalk.services.digests.digest_dates import PeriodError, parse_period
from papertalk.services.digests.digest_freezing import freeze_finished
from papertalk.services.digests.digest_streams import stream_for
from papertalk.services.digests.digest_view import digest
from papertalk.services.ingest.post_files import Importer
from papertalk.storage.capture.account_rows import account_ids_by_platform_id
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine
from tests.helpers import write_lines
from tests.web_world import served

DEC6 = 1_796_515_200  # 2026-12-06 00:00 UTC
HOUR = 3600
NOW = DEC6 + 36 * HOUR  # 2026-12-07 12:00 UTC: the 6th is over everywhere but in the far west
MATH = r"Bounds of $\Theta(k^3)$ for sparse recovery"


def test_the_constant_is_the_day_it_says() -> None:
    assert parse_period("2026-12-06").bounds(ZoneInfo("UTC")) == (DEC6, DEC6 + 24 * HOUR)


def a_post(post_id: str, author: str, at: int, arxiv_id: str, text: str = "") -> dict[str, Any]:
    return {"platform": "bluesky", "post_id": post_id, "author": {"id": author, "handle": f"{author}.example"},
            "created_at": at, "kind": "post", "text": f"{text} https://arxiv.org/abs/{arxiv_id}"}  # fmt: skip


def load(engine: Engine, directory: Path, name: str, posts: list[dict[str, Any]], now: int = NOW) -> None:
    Importer(engine, now=now).import_path(write_lines(directory / f"{name}.jsonl", posts))


def world(engine: Engine, directory: Path) -> None:
    papers = [
        Paper("2612.00001", MATH, ("Ada Lovelace", "Alan Turing"), r"We show $x^2$ is enough.", ("cs.LG",)),
        Paper("2612.00002", "Second paper", ("Grace Hopper",), "Plain abstract.", ("math.ST",)),
        Paper("2612.00003", "Third paper", ("Emmy Noether",), "Another one.", ("cs.LG",)),
    ]
    with engine.begin() as conn:
        upsert_papers(conn, papers, NOW)
    posts = [a_post(f"a{n}", f"u{n}", DEC6 + 10 * HOUR + n, "2612.00001", "Great read") for n in range(4)]
    posts += [a_post(f"b{n}", f"u{n}", DEC6 + 12 * HOUR + n, "2612.00002") for n in range(2)]
    posts += [a_post("c0", "u9", DEC6 + 23 * HOUR + 1800, "2612.00003", "Late night")]  # 00:30 on the 7th in Paris
    posts += [a_post("old", "u8", DEC6 - 5 * HOUR, "2612.00003", "the day before")]
    load(engine, directory, "world", posts)


def settings_of(db_url: str) -> Settings:
    return Settings.from_env({"PAPERTALK_DATABASE_URL": db_url})


def ranked(found: Any) -> list[tuple[str, int, int]]:
    return [(i.arxiv_id, i.people, i.posts) for i in found.items]


def test_a_day_ranks_the_votes_placed_that_day_in_the_readers_timezone(
    engine: Engine, tmp_path: Path, db_url: str
) -> None:
    world(engine, tmp_path)
    settings = settings_of(db_url)
    everyone = stream_for(engine, None, None, None)
    found = digest(engine, settings.ranking, NOW, parse_period("2026-12-06"), everyone)
    assert ranked(found) == [("2612.00001", 4, 4), ("2612.00002", 2, 2), ("2612.00003", 1, 1)]
    assert found.state == "finished" and found.items[0].paper and found.items[0].paper.title == MATH
    assert found.items[0].commentaries[0].text.startswith("Great read")
    paris = replace(everyone, key="everyone|Europe/Paris", timezone="Europe/Paris")
    in_paris = digest(engine, settings.ranking, NOW, parse_period("2026-12-06"), paris)
    assert ranked(in_paris) == [("2612.00001", 4, 4), ("2612.00002", 2, 2)]  # 23:30 UTC is the 7th in Paris
    week = digest(engine, settings.ranking, NOW, parse_period("2026-W49"), everyone)  # Monday Nov 30 to Sunday Dec 6
    # Equal scores and people: the paper papertalk saw last first, as on the trending page.
    assert [i.arxiv_id for i in week.items] == ["2612.00001", "2612.00003", "2612.00002"]
    assert week.items[1].people == 2 and week.state == "finished"
    month = digest(engine, settings.ranking, NOW, parse_period("2026-12"), everyone)
    assert month.state == "open" and len(month.items) == 3
    ahead = digest(engine, settings.ranking, NOW, parse_period("2026-12-08"), everyone)
    assert ahead.state == "future" and ahead.items == ()


def test_a_finished_day_is_the_same_whenever_it_is_opened(engine: Engine, tmp_path: Path, db_url: str) -> None:
    world(engine, tmp_path)
    settings = settings_of(db_url)
    everyone = stream_for(engine, None, None, None)
    day = parse_period("2026-12-06")
    during = digest(engine, settings.ranking, DEC6 + 11 * HOUR, day, everyone)  # opened while the day runs
    assert during.state == "open" and ranked(during) == [("2612.00001", 4, 4)]
    before = digest(engine, settings.ranking, NOW, day, everyone)
    assert before.state == "finished"
    # More posts the next day: a finished day counts only posts dated inside it, frozen or not.
    load(engine, tmp_path, "next", [a_post(f"n{n}", f"v{n}", NOW + n, "2612.00003", "next day") for n in range(10)])
    unfrozen = digest(engine, settings.ranking, NOW + 3600, day, everyone)
    assert unfrozen.items == before.items
    assert freeze_finished(engine, settings.ranking, NOW + 3600) >= 3  # the day, the week, the month
    assert freeze_finished(engine, settings.ranking, NOW + 3600) == 0  # frozen once only
    # Then posts captured late but dated on the 6th: the frozen day keeps what it showed.
    late = [a_post(f"late{n}", f"w{n}", DEC6 + 20 * HOUR, "2612.00002", "captured late") for n in range(5)]
    load(engine, tmp_path, "late", late, now=NOW + 7200)
    again = digest(engine, settings.ranking, NOW + 7 * 86_400, day, everyone)
    assert again.items == before.items and again.state == "frozen"
    # Not frozen for another timezone's readers yet: computed from what is stored now, late posts too.
    paris = stream_for(engine, None, None, None, "Europe/Paris")
    assert ("2612.00002", 7, 7) in ranked(digest(engine, settings.ranking, NOW + 7200, day, paris))


def test_a_network_digest_counts_only_its_accounts(engine: Engine, tmp_path: Path, db_url: str) -> None:
    world(engine, tmp_path)
    with engine.connect() as conn:
        ids = account_ids_by_platform_id(conn)
    add_ids_to_network(engine, "lab", [ids[("bluesky", "u0")], ids[("bluesky", "u1")]])
    lab = stream_for(engine, None, None, "lab")
    found = digest(engine, settings_of(db_url).ranking, NOW, parse_period("2026-12-06"), lab)
    assert ranked(found) == [("2612.00002", 2, 2), ("2612.00001", 2, 2)]  # a tie: the newer paper row first


@pytest.mark.parametrize("name", ["2026-13-01", "2026-02-30", "2026-W54", "yesterday", "2026-12-6", "9999-01-01", ""])
def test_a_bad_period_name_says_what_is_wrong(name: str) -> None:
    with pytest.raises(PeriodError, match="date: "):
        parse_period(name)


def test_periods_and_their_neighbours() -> None:
    assert parse_period("2026-W49").first == date(2026, 11, 30)
    assert parse_period("2026-W53").name == "2026-W53"
    assert parse_period("2026-12").next().name == "2027-01" and parse_period("2026-01").previous().name == "2025-12"
    assert parse_period("2026-03-01").previous().name == "2026-02-28"
    start, end = parse_period("2026-03-29").bounds(ZoneInfo("Europe/Paris"))  # the clocks go forward
    assert end - start == 23 * HOUR


def test_the_page_and_its_json_twin_over_http(engine: Engine, tmp_path: Path, db_url: str) -> None:
    world(engine, tmp_path)
    with served(settings_of(db_url), now=NOW) as base, httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/digest/2026-12-06")
        assert page.status_code == 200, page.text[:500]
        assert "<math" in page.text and "Ada Lovelace" in page.text and "Great read" in page.text
        assert "as of its end (UTC)" in page.text and "not begun" not in page.text
        assert 'href="/digest/2026-12-05"' in page.text and 'href="/digest/2026-12-07"' in page.text
        assert 'href="/digest/2026-W49"' in page.text and 'href="/digest/2026-12"' in page.text
        data = client.get("/digest/2026-12-06.json").json()
        assert [i["arxiv_id"] for i in data["items"]] == ["2612.00001", "2612.00002", "2612.00003"]
        assert data["state"] == "finished" and data["items"][0]["authors"] == ["Ada Lovelace", "Alan Turing"]
        assert client.get("/digest/2026-W49").status_code == 200
        latest = client.get("/digest")
        assert latest.status_code == 303 and latest.headers["location"] == "/digest/2026-12-06"
        bad = client.get("/digest/2026-02-30")
        assert bad.status_code == 400 and "date:" in bad.text
        unknown = client.get("/digest/2026-12-06", params={"network": "nope"})
        assert unknown.status_code == 404 and "network:" in unknown.text


def test_feeds_public_and_private_through_a_token_the_owner_resets(engine: Engine, tmp_path: Path, db_url: str) -> None:
    from papertalk.services.people import user_accounts
    from papertalk.services.people.permissions import OPERATOR
    from tests.test_people_web import PASSWORD, signed_in

    world(engine, tmp_path)
    user_accounts.add_user(engine, OPERATOR, "Ada", "ada@example.org", PASSWORD, False, NOW)
    with served(settings_of(db_url), now=NOW) as base, httpx.Client(base_url=base, timeout=30) as anonymous:
        feed = anonymous.get("/feeds/digest.atom")
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
        assert "Digest 2026-12-06: 3 papers" in feed.text and "&lt;math" in feed.text, feed.text[:1500]
        ada = signed_in(base)
        account = ada.get("/account").text
        token = re.search(r'name="csrf" value="([^"]+)"', account)
        assert token
        made = ada.post("/account/digest-feed", data={"csrf": token.group(1)})
        address = re.search(r'id="digest-feed">([^<]+)<', made.text)
        assert made.status_code == 200 and address
        path = address.group(1).split("127.0.0.1:8000", 1)[1]
        own = anonymous.get(path)
        assert own.status_code == 200 and "My network" in own.text and "Cache-Control" in own.headers
        assert own.headers["Cache-Control"].startswith("private")
        again = ada.post("/account/digest-feed", data={"csrf": token.group(1)})
        assert again.status_code == 200
        assert anonymous.get(path).status_code == 404  # the old address stops working
        assert anonymous.get("/feeds/digest/not-a-token.atom").status_code == 404


def test_the_cli_shows_a_digest_as_json_and_markdown(engine: Engine, tmp_path: Path, db_url: str) -> None:
    from typer.testing import CliRunner

    from papertalk.cli.main import app

    world(engine, tmp_path)
    env = {"COLUMNS": "200"}
    runner = CliRunner()
    # The command reads the real clock: 2026-12-06 is over on any day this runs.
    db = ["--database", db_url]
    shown = runner.invoke(app, [*db, "digest", "show", "--date", "2026-12-06", "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    assert [i["arxiv_id"] for i in json.loads(shown.output)["items"]] == ["2612.00001", "2612.00002", "2612.00003"]
    markdown = runner.invoke(app, [*db, "digest", "show", "--date", "2026-12-06", "--markdown"], env=env)
    assert markdown.exit_code == 0 and markdown.output.startswith("# papertalk digest 2026-12-06")
    assert r"$\Theta(k^3)$" in markdown.output
    frozen = runner.invoke(app, [*db, "digest", "freeze", "--date", "2026-12-06", "--json"], env=env)
    assert frozen.exit_code == 0 and json.loads(frozen.output)["frozen"] == 1, frozen.output
    again = runner.invoke(app, [*db, "digest", "show", "--date", "2026-12-06", "--json"], env=env)
    assert json.loads(again.output)["state"] == "frozen"
    bad = runner.invoke(app, [*db, "digest", "show", "--date", "2026-02-30"], env=env)
    assert bad.exit_code == 2 and "date:" in bad.output and "Traceback" not in bad.output


def test_a_private_network_digest_is_its_owners_only(engine: Engine, tmp_path: Path, db_url: str) -> None:
    from papertalk.services.networks.my_network import ensure_network
    from papertalk.services.people import user_accounts
    from papertalk.services.people.permissions import OPERATOR
    from tests.test_people_web import PASSWORD, signed_in

    world(engine, tmp_path)
    bob = user_accounts.add_user(engine, OPERATOR, "Bob", "bob@example.org", PASSWORD, False, NOW)
    user_accounts.add_user(engine, OPERATOR, "Ada", "ada@example.org", PASSWORD, False, NOW)
    mine = ensure_network(engine, bob)
    assert mine.visibility == "private"
    with engine.connect() as conn:
        ids = account_ids_by_platform_id(conn)
    add_ids_to_network(engine, mine.name, [ids[("bluesky", "u0")], ids[("bluesky", "u9")]])
    with served(settings_of(db_url), now=NOW) as base, httpx.Client(base_url=base, timeout=30) as anonymous:
        ada, bobs = signed_in(base, "ada"), signed_in(base, "bob")
        own = bobs.get("/digest/2026-12-06.json")
        assert own.headers["Cache-Control"].startswith("private")
        # Only u0's and u9's votes count: one person each, ties by the newer paper row.
        expected = [("2612.00003", 1), ("2612.00002", 1), ("2612.00001", 1)]
        assert [(i["arxiv_id"], i["people"]) for i in own.json()["items"]] == expected
        assert own.json()["stream"]["own"] is True
        nobody = anonymous.get("/digest/2026-12-06", params={"network": "@nobody"})
        for client in (anonymous, ada):
            for path in ("/digest/2026-12-06", "/digest/2026-12-06.json", "/feeds/digest.atom"):
                refused = client.get(path, params={"network": mine.name})
                assert refused.status_code == 404, (path, refused.text[:300])
                assert "no public network named" in refused.text  # as for a name that does not exist
        assert nobody.status_code == 404 and "no public network named" in nobody.text
        page = ada.get("/digest/2026-12-06")
        assert page.status_code == 200 and mine.name not in page.text


def test_the_worker_freezes_yesterday_so_late_posts_change_nothing(engine: Engine, tmp_path: Path, db_url: str) -> None:
    import threading
    import time

    from papertalk.fetching.pages import FetcherRegistry
    from papertalk.services.jobs.worker import FREEZE_EVERY_SECONDS, Worker
    from tests.helpers import table

    world(engine, tmp_path)
    stop = threading.Event()
    worker = Worker(engine, FetcherRegistry(), stop, lambda: float(NOW), tick=0.05, live=False)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and table(engine, "SELECT COUNT(*) FROM digest_snapshots") == [(0,)]:
        time.sleep(0.05)
    stop.set()
    thread.join(timeout=30)
    assert worker.next_freeze == NOW + FREEZE_EVERY_SECONDS
    periods = {p for (p,) in table(engine, "SELECT period FROM digest_snapshots WHERE stream_key = 'everyone|UTC'")}
    assert periods == {"2026-12-06", "2026-W49", "2026-11"}  # yesterday, last week (Nov 30 to Dec 6), last month
    load(engine, tmp_path, "late", [a_post(f"late{n}", f"w{n}", DEC6 + HOUR, "2612.00003") for n in range(9)])
    found = digest(engine, settings_of(db_url).ranking, NOW + 86_400, parse_period("2026-12-06"),
                   stream_for(engine, None, None, None))  # fmt: skip
    assert found.state == "frozen" and ranked(found)[0] == ("2612.00001", 4, 4)
