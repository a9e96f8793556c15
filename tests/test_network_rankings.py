"""Each network's precomputed ranking (storage.ranking.network_scores), on SQLite and PostgreSQL: read back,
it ranks exactly as the votes read directly, for every window, with a reader's blocks subtracted; read a
little later it is scaled as the votes decay; a change of the network's accounts or of the site's blocked
accounts makes the pages read the votes again at once; it is not used once too old; the worker's refresh
makes the missing and the stale ones."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import text

from papertalk.config import Settings
from papertalk.core.ranking import Window
from papertalk.services.ranking.network_rankings import refresh_network_rankings
from papertalk.storage.capture.account_rows import add_to_network, network_id, remove_from_network, set_blocked
from papertalk.storage.engine import Engine
from papertalk.storage.networks.network_rows import delete_network
from papertalk.storage.ranking.network_scores import (
    MAX_AGE_SECONDS,
    build_network_ranking,
    network_ranking,
    stale_networks,
)
from papertalk.storage.ranking.trending_queries import Audience, ScoredRow, _top_direct, count_ranked, top_papers
from tests.helpers import NOW, post, run_import, table, write_lines
from tests.test_person_networks import person

AUTHORS = 30


def world(engine: Engine, tmp_path: Path) -> tuple[int, list[int]]:
    """Posts by 30 accounts citing 15 papers over 40 days (kinds vary: posts, replies, quotes); the network
    "lab" holds the first 18 accounts. Returns its id and the account ids in author order."""
    rnd = random.Random(15)
    records = []
    for n in range(400):
        author, paper = f"did:plc:a{rnd.randrange(AUTHORS):02d}", f"2411.{rnd.randrange(15) + 1:05d}"
        kind = rnd.choice(["post", "post", "reply", "quote"])
        extra = {"original": f"o{n}"} if kind != "post" else {}
        records.append(
            post(f"p{n}", author, rnd.uniform(0.02, 24 * 40), kind, text=f"see arxiv.org/abs/{paper}", **extra)
        )
    run_import(engine, write_lines(tmp_path / "posts.jsonl", records), batch_size=50)
    with engine.begin() as conn:
        by_did = "SELECT id FROM accounts WHERE platform_id = :p"
        ids = [int(conn.execute(text(by_did), {"p": f"did:plc:a{n:02d}"}).scalar_one()) for n in range(AUTHORS)]
        lab = network_id(conn, "lab", create=True)
        assert lab is not None
        add_to_network(conn, lab, ids[:18])
    return lab, ids


def ranking_of(
    engine: Engine, settings: Settings, window: Window, audience: Audience, now: int
) -> tuple[list[ScoredRow], int]:
    with engine.connect() as conn:
        return top_papers(conn, now, window, settings.ranking, audience, 50), count_ranked(
            conn, now, window, audience, settings.ranking
        )


def direct(engine: Engine, settings: Settings, window: Window, audience: Audience, now: int) -> list[ScoredRow]:
    with engine.connect() as conn:
        return _top_direct(conn, now, window, settings.ranking, audience, 50, 0)


def same(found: list[ScoredRow], expected: list[ScoredRow]) -> None:
    assert [(r.arxiv_id, r.people) for r in found] == [(r.arxiv_id, r.people) for r in expected]
    assert [r.score for r in found] == pytest.approx([r.score for r in expected], rel=1e-9)


def precomputed(engine: Engine, settings: Settings, window: Window, network: int, now: int) -> bool:
    with engine.connect() as conn:
        return network_ranking(conn, now, window, settings.ranking, network, None) is not None


def test_the_precomputed_ranking_ranks_as_the_votes_with_blocks_and_decay(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    lab, ids = world(engine, tmp_path)
    ada = person(engine, "ada")
    with engine.begin() as conn:  # ada blocked two of the network's accounts and one outside it
        for account in (ids[0], ids[5], ids[25]):
            conn.execute(
                text("INSERT INTO user_blocks (user_id, account_id) VALUES (:u, :a)"), {"u": ada.id, "a": account}
            )
    before = {w.name: direct(engine, settings, w, Audience(lab), NOW) for w in settings.ranking.windows}
    with engine.begin() as conn:
        assert build_network_ranking(conn, settings.ranking, lab, NOW) > 0
    for window in settings.ranking.windows:  # all time is read from the votes: too many to sum again often
        assert precomputed(engine, settings, window, lab, NOW) == (window.length is not None), window.name
        for audience in (Audience(lab), Audience(lab, ada.id)):
            expected = direct(engine, settings, window, audience, NOW)
            found, total = ranking_of(engine, settings, window, audience, NOW)
            assert expected, window.name  # the world gives every window something to rank
            same(found, expected)
            with engine.connect() as conn:
                counted = conn.execute(
                    text("SELECT COUNT(DISTINCT paper_id) FROM votes WHERE first_at > :s AND first_at <= :n AND "
                         "account_id IN (SELECT account_id FROM network_accounts WHERE network_id = :l) AND "
                         "account_id NOT IN (SELECT account_id FROM user_blocks WHERE user_id = :u)"),
                    {"s": NOW - (window.length or 10**12), "n": NOW, "l": lab, "u": audience.hidden_by or -1},
                ).scalar_one()  # fmt: skip
            assert total == counted
        assert before[window.name] == direct(engine, settings, window, Audience(lab), NOW)  # reads changed nothing
    # A minute later the sums are scaled to the new time: exact as long as no vote is placed within that
    # minute of the window's edge (none is, in this world's month).
    later = NOW + 60
    for window in settings.ranking.windows:
        if window.name == "month":
            same(ranking_of(engine, settings, window, Audience(lab, ada.id), later)[0],
                 direct(engine, settings, window, Audience(lab, ada.id), later))  # fmt: skip


def test_a_change_of_accounts_or_blocks_reads_the_votes_again_until_the_worker_remakes_it(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    lab, ids = world(engine, tmp_path)
    week = settings.ranking.window("week")
    assert refresh_network_rankings(engine, settings.ranking, NOW) == 1  # the only network
    assert refresh_network_rankings(engine, settings.ranking, NOW) == 0  # nothing stale now
    assert precomputed(engine, settings, week, lab, NOW)
    for change in (
        lambda conn: add_to_network(conn, lab, ids[18:24]),
        lambda conn: remove_from_network(conn, lab, ids[:3]),
        lambda conn: set_blocked(conn, [ids[4]], True, settings.ranking),
        lambda conn: set_blocked(conn, [ids[4]], False, settings.ranking),
    ):
        with engine.begin() as conn:
            change(conn)
        assert not precomputed(engine, settings, week, lab, NOW)  # the pages count the change at once
        same(
            ranking_of(engine, settings, week, Audience(lab), NOW)[0],
            direct(engine, settings, week, Audience(lab), NOW),
        )
        with engine.connect() as conn:
            assert stale_networks(conn, NOW, 10) == [lab]
        assert refresh_network_rankings(engine, settings.ranking, NOW) == 1
        assert precomputed(engine, settings, week, lab, NOW)
        same(
            ranking_of(engine, settings, week, Audience(lab), NOW)[0],
            direct(engine, settings, week, Audience(lab), NOW),
        )
    # Too old, or made after the time asked about: not used (the votes are read).
    assert not precomputed(engine, settings, week, lab, NOW + MAX_AGE_SECONDS + 1)
    assert not precomputed(engine, settings, week, lab, NOW - 1)
    with engine.connect() as conn:
        assert stale_networks(conn, NOW + MAX_AGE_SECONDS, 10) == [lab]  # remade before it is too old
    with engine.begin() as conn:
        delete_network(conn, lab)
    assert table(engine, "SELECT COUNT(*) FROM network_scores") == [(0,)]
    assert table(engine, "SELECT COUNT(*) FROM network_rank_state") == [(0,)]
