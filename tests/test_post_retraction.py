"""A post deleted on its platform stops counting: the votes it made are recomputed from the account's
other posts (or disappear), the maintained rankings follow, and the result equals a database that never
saw the deleted posts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from papertalk.config import Settings
from papertalk.core.records import Author, OriginalRef, Post, PostKind
from papertalk.fetching.pages import FetchedPage, FetcherRegistry, SourceSpec
from papertalk.services.capture import sources
from papertalk.services.capture.accounts import add_to_network
from papertalk.services.capture.source_runs import run_source
from papertalk.services.ranking.trending import TrendingQuery, trending
from papertalk.storage.capture.source_rows import list_sources
from papertalk.storage.engine import Engine
from tests.helpers import NOW, assert_day_counts_exact, table

ADA = Author("bluesky", "did:plc:ada", "ada.example")
BO = Author("bluesky", "did:plc:bo", "bo.example")


def _post(post_id: str, author: Author, hours_ago: float, text: str = "", **extra: object) -> Post:
    return Post("bluesky", post_id, author, NOW - int(hours_ago * 3600), text=text, **extra)  # type: ignore[arg-type]


P1 = _post("p1", ADA, 30, "great paper arXiv:2401.00001 and arXiv:2401.00002")
P2 = _post("p2", ADA, 5, "still thinking about arXiv:2401.00001")
R1 = _post("r1", BO, 20, kind=PostKind.REPOST, original=OriginalRef("p1", P1))
Q1 = _post("q1", BO, 2, "see arXiv:2401.00003", kind=PostKind.QUOTE, original=OriginalRef("p2"))


class Script:
    """A fetcher that hands out the pages it is given, one run each."""

    def __init__(self, *runs: Sequence[FetchedPage]) -> None:
        self.runs = list(runs)

    def pages(self, source: SourceSpec, cursor: str | None, max_pages: int | None = None) -> Iterator[FetchedPage]:
        yield from self.runs.pop(0)


def _scores(engine: Engine, settings: Settings, window: str, network: str | None = None) -> list[tuple[object, ...]]:
    result = trending(engine, settings, NOW, TrendingQuery(window=window, network=network, limit=50))
    return [(i.arxiv_id, round(i.score, 9), i.people) for i in result.items]


def _votes(engine: Engine) -> list[tuple[object, ...]]:
    return table(
        engine,
        "SELECT a.handle, pa.arxiv_id, v.first_at, v.kinds FROM votes v JOIN papers pa ON pa.id = v.paper_id "
        "JOIN accounts a ON a.id = v.account_id ORDER BY a.handle, pa.arxiv_id",
    )


def _run(engine: Engine, fetcher: Script) -> None:
    registry = FetcherRegistry()
    registry.add("bluesky", "feed", fetcher)
    [row] = list_sources(engine)
    outcome = run_source(engine, registry, row, NOW)
    assert outcome.error is None


def _rankings_agree(engine: Engine, settings: Settings) -> None:
    """The maintained rankings (everyone) equal a direct recount of the votes (a network of everybody).

    Compared as sets of rounded scores: equal scores may differ in the last bits (the maintained sums are
    updated by deltas), which can swap the order of exact ties.
    """
    for window in ("today", "week", "month", "all"):
        maintained = sorted(_scores(engine, settings, window))
        assert maintained == sorted(_scores(engine, settings, window, "everybody")), window


def test_deleting_posts_recounts_votes_and_rankings(engine: Engine, settings: Settings) -> None:
    sources.add(engine, "bluesky", "feed", "did:plc:ada", NOW)
    fetcher = Script(
        [FetchedPage(posts=(P1, P2, R1, Q1), cursor="1")],
        [FetchedPage(deleted=("p1",), cursor="2")],
        [FetchedPage(deleted=("p2", "q1"), cursor="3")],
    )
    _run(engine, fetcher)
    add_to_network(engine, "everybody", ["bluesky:ada.example", "bluesky:bo.example"])
    post, repost, quote = 1, 8, 2  # kind bits (core.ranking)
    assert _votes(engine) == [
        ("ada.example", "2401.00001", P1.created_at, post),
        ("ada.example", "2401.00002", P1.created_at, post),
        ("bo.example", "2401.00001", R1.created_at, repost | quote),  # the quote inherits p2's paper
        ("bo.example", "2401.00002", R1.created_at, repost),
        ("bo.example", "2401.00003", Q1.created_at, quote),
    ]
    _rankings_agree(engine, settings)
    assert_day_counts_exact(engine)

    _run(engine, fetcher)  # p1 deleted: ada's vote for 00001 moves to p2, for 00002 it is gone
    assert table(engine, "SELECT text, links FROM posts WHERE post_id = 'p1'") == [(None, None)]  # bo reposted it
    assert _votes(engine) == [
        ("ada.example", "2401.00001", P2.created_at, post),
        ("bo.example", "2401.00001", R1.created_at, repost | quote),
        ("bo.example", "2401.00002", R1.created_at, repost),
        ("bo.example", "2401.00003", Q1.created_at, quote),
    ]
    _rankings_agree(engine, settings)
    assert_day_counts_exact(engine)  # the deleted posts' mentions left the day counts

    _run(engine, fetcher)  # p2 and the quote deleted too: only bo's repost of p1 still counts
    assert _votes(engine) == [
        ("bo.example", "2401.00001", R1.created_at, repost),
        ("bo.example", "2401.00002", R1.created_at, repost),
    ]
    assert table(engine, "SELECT post_id FROM posts ORDER BY post_id") == [("p1",), ("r1",)]
    assert table(engine, "SELECT COUNT(*) FROM post_tombstones") == [(3,)]
    _rankings_agree(engine, settings)
    assert_day_counts_exact(engine)  # the deleted posts' mentions left the day counts
    assert sorted(_scores(engine, settings, "all")) == [("2401.00001", 0.25, 1), ("2401.00002", 0.25, 1)]
    _run(engine, Script([FetchedPage(deleted=("p2", "q1", "nope"), cursor="4")]))  # replayed: nothing changes
    assert_day_counts_exact(engine)


def test_odd_ids_are_deleted_and_stay_deleted(engine: Engine) -> None:
    """Ids a database cannot hold as given (a NUL, over 512 characters) are stored, deleted and tombstoned
    in the same storable form (storage.storable), so a delete finds its post and a replay does not revive it."""
    sources.add(engine, "bluesky", "feed", "did:plc:ada", NOW)
    odd = ["n\x00ul", "long/" + "x" * 600]
    posts = tuple(_post(i, ADA, 3, "arXiv:2401.00001") for i in odd)
    fetcher = Script(
        [FetchedPage(posts=posts, cursor="1")],
        [FetchedPage(deleted=tuple(odd), cursor="2")],
        [FetchedPage(posts=posts, cursor="3")],
    )
    _run(engine, fetcher)
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(2,)]
    _run(engine, fetcher)
    _run(engine, fetcher)  # the same posts again: tombstoned, not stored
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(0,)]
    assert table(engine, "SELECT COUNT(*) FROM post_tombstones") == [(2,)]
    assert table(engine, "SELECT COUNT(*) FROM votes") == [(0,)]
