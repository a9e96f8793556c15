"""The SQL ranking over maintained votes agrees with core.ranking on the same mentions (both backends)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from papertalk.config import Settings
from papertalk.core.ranking import KIND_BITS, votes_from_mentions
from papertalk.core.ranking import rank as reference_rank
from papertalk.core.records import Mention, PostKind, RankedPaper
from papertalk.services.capture.accounts import add_to_network, block_accounts
from papertalk.services.ingest.post_files import Importer
from papertalk.services.ranking.trending import TrendingQuery, UnknownNetwork, trending
from papertalk.storage.engine import Engine
from papertalk.storage.pages import page_queries
from papertalk.storage.ranking import rank_tables, trending_queries
from tests.helpers import NOW, assert_day_counts_exact, post, run_import, write_lines

KIND_OF = {"post": PostKind.POST, "quote": PostKind.QUOTE, "reply": PostKind.REPLY, "repost": PostKind.REPOST}


def random_world(seed: int, n: int = 400) -> tuple[list[dict[str, object]], list[Mention]]:
    """Posts over 40 days and the mentions they should produce, computed independently of storage."""
    rnd = random.Random(seed)
    papers = [f"2411.{i:05d}" for i in range(1, 30)]
    records: list[dict[str, object]] = []
    cites: dict[str, list[str]] = {}
    expected: list[Mention] = []
    for i in range(n):
        author = f"acct{int(rnd.paretovariate(1.2)) % 60}"
        hours = rnd.uniform(0, 40 * 24)
        at = NOW - int(hours * 3600)
        if records and rnd.random() < 0.4:
            original = rnd.choice(records)
            kind = rnd.choice(["repost", "repost", "quote", "reply"])
            own = [rnd.choice(papers)] if kind != "repost" and rnd.random() < 0.3 else []
            text = " ".join(f"arXiv:{p}" for p in own)
            record = post(f"x{i}", author, hours, kind, original=str(original["post_id"]), text=text)
            mine = own if kind == "reply" else own + cites[str(original["post_id"])]
            if kind == "repost":
                mine = cites[str(original["post_id"])]
        else:
            kind = "post"
            own = rnd.sample(papers, rnd.choice([1, 1, 1, 2]))
            record = post(f"x{i}", author, hours, links=[f"https://arxiv.org/abs/{p}" for p in own])
            mine = own
        cites[f"x{i}"] = list(dict.fromkeys(mine))
        expected += [Mention(p, author, at, KIND_OF[kind]) for p in cites[f"x{i}"]]
        records.append(record)
    return records, expected


def table_rows(engine: Engine, sql: str) -> list[tuple[int, str]]:
    from tests.helpers import table

    return [(int(r[0]), str(r[1])) for r in table(engine, sql)]


def assert_same_ranking(got: list[RankedPaper], want: list[RankedPaper]) -> None:
    """Same papers, scores and people in the same order; papers tied on score and people may swap."""
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.score == pytest.approx(w.score, rel=1e-9)
        assert g.people == w.people
    key = {w.arxiv_id: (round(w.score, 9), w.people) for w in want}
    assert {g.arxiv_id: (round(g.score, 9), g.people) for g in got} == key


@pytest.mark.parametrize("seed", [1, 2])
def test_sql_ranking_matches_reference(engine: Engine, settings: Settings, tmp_path: Path, seed: int) -> None:
    records, expected = random_world(seed)
    random.Random(seed).shuffle(records)  # arrival order must not matter
    run_import(engine, write_lines(tmp_path / "w.jsonl", records), batch_size=37)
    votes = votes_from_mentions(expected)
    for window in settings.ranking.windows:
        want = reference_rank(votes, NOW, window, settings.ranking)
        got = trending(engine, settings, NOW, TrendingQuery(window=window.name, limit=1000, with_total=True))
        assert got.total == len(want)
        assert_same_ranking(got.items, want)
        since = None if window.length is None else NOW - window.length
        posts = {}
        for m in expected:
            if since is None or m.at > since:
                posts[m.arxiv_id] = posts.get(m.arxiv_id, 0) + 1
        assert {g.arxiv_id: g.posts for g in got.items} == {
            a: n for a, n in posts.items() if a in {g.arxiv_id for g in got.items}
        }


def test_network_and_blocked_accounts(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    records, expected = random_world(3)
    run_import(engine, write_lines(tmp_path / "w.jsonl", records), batch_size=50)
    network = {"acct1", "acct2", "acct5"}
    add_to_network(engine, "lab", [f"bluesky:{a}.example" for a in sorted(network)])
    block_accounts(engine, settings, ["bluesky:acct2"])  # by platform id
    votes = votes_from_mentions(expected)
    window = settings.ranking.window("month")
    want = reference_rank(
        votes, NOW, window, settings.ranking, audience=frozenset(network), blocked=frozenset({"acct2"})
    )
    got = trending(engine, settings, NOW, TrendingQuery(window="month", network="lab", limit=1000, explain=True))
    assert_same_ranking(got.items, want)
    assert got.items, "the network has votes this month"
    for item in got.items:
        assert {c.account.split(":")[1].removesuffix(".example") for c in item.breakdown} <= network - {"acct2"}
        assert sum(c.contribution for c in item.breakdown) == pytest.approx(item.score)
    everyone = trending(engine, settings, NOW, TrendingQuery(window="month", limit=1000))
    assert all("acct2" not in c.account for r in everyone.items for c in r.breakdown)
    with pytest.raises(UnknownNetwork):
        trending(engine, settings, NOW, TrendingQuery(network="nope"))
    assert_day_counts_exact(engine)  # acct2's mentions left the maintained day counts
    block_accounts(engine, settings, ["bluesky:acct2"], blocked=False)
    assert_day_counts_exact(engine)  # and came back


@pytest.mark.parametrize("seed", [6, 7])
def test_page_counts_from_maintained_days_equal_a_direct_count(
    engine: Engine, settings: Settings, tmp_path: Path, seed: int
) -> None:
    """The pages' per-kind window counts and day charts (read from the maintained day counts, corrected
    at the window's partial first day and after ``now``) equal a count of the expected mentions, for
    windows starting early or late in a day and moments with mentions stored after them."""
    records, expected = random_world(seed)
    run_import(engine, write_lines(tmp_path / "w.jsonl", records), batch_size=29)
    block_accounts(engine, settings, ["bluesky:acct4"])
    assert_day_counts_exact(engine)
    day = 86_400
    rows = {a: r for r, a in table_rows(engine, "SELECT id, arxiv_id FROM papers")}
    papers = sorted(rows.values())
    counted = [m for m in expected if m.account != "acct4"]
    for now in (NOW, NOW - 5 * 3600 - 17, NOW - 3 * day - 41_000, NOW // day * day):
        for since in (None, now - 86_400, now - 7 * day, now - 7 * day + 30_000, now // day * day - 2 * day):
            chart_since = (now // day - 9) * day
            with engine.connect() as conn:
                kinds, days = page_queries.attention_counts(conn, papers, since, chart_since, now, None)
            want_kinds: dict[int, dict[int, int]] = {}
            want_days: dict[int, dict[int, int]] = {}
            for m in counted:
                paper, bit = rows[m.arxiv_id], KIND_BITS[m.kind]
                if m.at <= now and (since is None or m.at > since):
                    want_kinds.setdefault(paper, {}).setdefault(bit, 0)
                    want_kinds[paper][bit] += 1
                if chart_since <= m.at <= now:
                    want_days.setdefault(paper, {}).setdefault(m.at // day, 0)
                    want_days[paper][m.at // day] += 1
            nonzero = {p: {k: n for k, n in c.items() if n} for p, c in kinds.items()}
            assert {p: c for p, c in nonzero.items() if c} == want_kinds, (now, since)
            assert {p: {d: n for d, n in c.items() if n} for p, c in days.items() if any(c.values())} == want_days


def test_paging(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    records, _ = random_world(4)
    run_import(engine, write_lines(tmp_path / "w.jsonl", records), batch_size=100)
    full = trending(engine, settings, NOW, TrendingQuery(window="all", limit=1000)).items
    pages = [
        trending(engine, settings, NOW, TrendingQuery(window="all", limit=7, offset=o)).items for o in range(0, 35, 7)
    ]
    flat = [r for page in pages for r in page]
    assert [(r.rank, r.arxiv_id) for r in flat] == [(r.rank, r.arxiv_id) for r in full]


def staged_import(engine: Engine, settings: Settings, tmp_path: Path, records: list[dict[str, object]]) -> None:
    """Import in three parts, each at a later clock, so windows advance (and rebase) between batches."""
    by_time = sorted(records, key=lambda r: int(str(r["created_at"])))
    parts = [
        by_time[: len(by_time) // 3],
        by_time[len(by_time) // 3 : 2 * len(by_time) // 3],
        by_time[2 * len(by_time) // 3 :],
    ]
    for i, part in enumerate(parts):
        clock = max(int(str(r["created_at"])) for r in part) if i < 2 else NOW
        importer = Importer(engine, now=clock, batch_size=41, ranking=settings.ranking)
        importer.import_path(write_lines(tmp_path / f"part{i}.jsonl", part))


@pytest.mark.parametrize("later", [0, 5 * 3600, 3 * 86400, 40 * 86400])
def test_maintained_rankings_stay_exact_as_time_passes(
    engine: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, later: int
) -> None:
    monkeypatch.setattr(rank_tables, "REBASE_AFTER_HALVINGS", 1)  # rebase at nearly every import
    records, expected = random_world(5)
    staged_import(engine, settings, tmp_path, records)
    block_accounts(engine, settings, ["bluesky:acct3"])
    votes = votes_from_mentions(expected)
    when = NOW + later
    for window in settings.ranking.windows:
        with engine.connect() as conn:
            assert trending_queries._maintained(conn, when, window, settings.ranking) is not None
        want = reference_rank(votes, when, window, settings.ranking, blocked=frozenset({"acct3"}))
        got = trending(engine, settings, when, TrendingQuery(window=window.name, limit=1000, with_total=True))
        assert_same_ranking(got.items, want)
        assert got.total == len(want)
        paged = trending(engine, settings, when, TrendingQuery(window=window.name, limit=5, offset=5)).items
        assert [p.arxiv_id for p in paged] == [p.arxiv_id for p in got.items[5:10]]


def test_rankings_for_a_past_moment_and_changed_settings_fall_back_to_votes(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    records, expected = random_world(6)
    run_import(engine, write_lines(tmp_path / "w.jsonl", records), batch_size=64)
    votes = votes_from_mentions(expected)
    earlier = NOW - 2 * 86400
    week = settings.ranking.window("week")
    with engine.connect() as conn:
        assert trending_queries._maintained(conn, earlier, week, settings.ranking) is None
    got = trending(engine, settings, earlier, TrendingQuery(window="week", limit=1000))
    assert_same_ranking(got.items, reference_rank(votes, earlier, week, settings.ranking))
    custom = Settings.from_env(
        {"PAPERTALK_DATABASE_URL": settings.database_url, "PAPERTALK_RANKING_WEIGHT_REPOST": "0"}
    )
    with engine.connect() as conn:
        assert trending_queries._maintained(conn, NOW, week, custom.ranking) is None
    got = trending(engine, custom, NOW, TrendingQuery(window="week", limit=1000))
    assert_same_ranking(got.items, reference_rank(votes, NOW, week, custom.ranking))
    # the next import under the new settings rebuilds the tables
    Importer(engine, now=NOW, ranking=custom.ranking).import_path(write_lines(tmp_path / "x.jsonl", []))
    with engine.connect() as conn:
        assert trending_queries._maintained(conn, NOW, week, custom.ranking) is not None
    got = trending(engine, custom, NOW, TrendingQuery(window="week", limit=1000))
    assert_same_ranking(got.items, reference_rank(votes, NOW, week, custom.ranking))


def test_worked_example_of_docs_through_the_database(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    a, b = "https://arxiv.org/abs/2411.00001", "https://arxiv.org/abs/2411.00002"
    records = [
        post("a1", "alice", 72, links=[a]),
        post("a2", "alice", 10, "repost", original="a1"),
        post("b1", "bob", 24, "repost", original="a1"),
        post("c1", "carol", 12, "reply", original="a1", links=[a]),
        post("d1", "dave", 8 * 24, links=[a]),
        post("e1", "erin", 2, links=[b]),
        post("f1", "frank", 6, "quote", original="e1"),
    ]
    run_import(engine, write_lines(tmp_path / "example.jsonl", records))
    got = trending(engine, settings, NOW, TrendingQuery(window="week", explain=True)).items
    assert [(r.arxiv_id, r.posts, r.people) for r in got] == [("2411.00002", 2, 2), ("2411.00001", 4, 3)]
    assert got[0].score == pytest.approx(1.9248, abs=1e-4)
    assert got[1].score == pytest.approx(1.1438, abs=1e-4)
    assert [(c.account, c.weight) for c in got[1].breakdown] == [
        ("bluesky:alice.example", 1.0),
        ("bluesky:carol.example", 0.5),
        ("bluesky:bob.example", 0.25),
    ]
