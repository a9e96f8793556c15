"""Capture runs: each page commits with its cursor, a failure keeps what was committed and backs off,
a restart resumes from the stored cursor, and a page delivered twice counts once."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from papertalk.core.records import Author, Post
from papertalk.fetching.pages import FetchedPage, FetcherRegistry, FetchError, SourceSpec
from papertalk.services.capture import sources
from papertalk.services.capture.source_runs import MAX_BACKOFF_SECONDS, run_due, run_source
from papertalk.storage.capture.source_rows import claim_due_sources, list_sources, release_sources
from papertalk.storage.engine import Engine, make_engine
from tests.helpers import NOW, table


def _post(n: int) -> Post:
    return Post(
        platform="bluesky",
        post_id=f"p{n}",
        author=Author("bluesky", f"did:plc:a{n % 3}", f"a{n % 3}.example"),
        created_at=NOW - 3600 + n,
        text=f"read arxiv.org/abs/2401.{n:05d}",
    )


class ListedPages:
    """A fetcher over a fixed listing of pages of two posts; page k's cursor is ``str(k)``.

    It starts after the page its cursor names and raises ``FetchError`` when it reaches ``fail_at``.
    """

    def __init__(self, pages: int, fail_at: int | None = None) -> None:
        self.pages_total = pages
        self.fail_at = fail_at
        self.asked: list[str | None] = []

    def pages(self, source: SourceSpec, cursor: str | None, max_pages: int | None = None) -> Iterator[FetchedPage]:
        self.asked.append(cursor)
        start = 0 if cursor is None else int(cursor)
        for k in range(start + 1, self.pages_total + 1):
            if k == self.fail_at:
                raise FetchError(f"{source.name}: HTTP 500 on page {k}")
            yield FetchedPage(posts=(_post(2 * k), _post(2 * k + 1)), cursor=str(k))


def _registry(fetcher: ListedPages) -> FetcherRegistry:
    registry = FetcherRegistry()
    registry.add("bluesky", "feed", fetcher)
    return registry


def test_pages_commit_with_cursor_and_failure_backs_off(engine: Engine) -> None:
    row, created = sources.add(engine, "bluesky", "feed", "did:plc:x", NOW, interval_seconds=600)
    assert created
    flaky = ListedPages(pages=4, fail_at=3)
    outcome = run_source(engine, _registry(flaky), row, NOW)
    assert outcome.error == "bluesky:feed:did:plc:x: HTTP 500 on page 3"
    assert (outcome.pages, outcome.posts_new) == (2, 4)
    [stored] = list_sources(engine)
    assert stored.cursor == "2" and stored.posts_captured == 4
    assert stored.error_count == 1 and stored.last_error == outcome.error
    assert stored.next_run_at == NOW + 600  # first failure: one interval (2**0)
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(4,)]

    # The next run resumes after page 2 and finishes; the error is cleared.
    healed = ListedPages(pages=4)
    later = NOW + 700
    outcome = run_source(engine, _registry(healed), stored, later)
    assert healed.asked == ["2"]
    assert outcome.error is None and outcome.posts_new == 4
    [stored] = list_sources(engine)
    assert (stored.cursor, stored.error_count, stored.last_error) == ("4", 0, None)
    assert stored.next_run_at == later + 600
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(8,)]
    assert table(engine, "SELECT COUNT(*) FROM mentions") == [(8,)]


def test_backoff_grows_and_is_capped(engine: Engine) -> None:
    row, _ = sources.add(engine, "bluesky", "feed", "did:plc:y", NOW, interval_seconds=3600)
    now = NOW
    waits = []
    for _ in range(5):
        [row] = list_sources(engine)
        run_source(engine, _registry(ListedPages(pages=2, fail_at=1)), row, now)
        [after] = list_sources(engine)
        waits.append(after.next_run_at - now)
        now = after.next_run_at
    assert waits == [3600, 7200, 14400, MAX_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS]


def test_a_page_delivered_twice_counts_once(engine: Engine) -> None:
    row, _ = sources.add(engine, "bluesky", "feed", "did:plc:z", NOW)
    run_source(engine, _registry(ListedPages(pages=2)), row, NOW)
    # At-least-once delivery: the stored cursor is lost and everything comes again.
    [row] = list_sources(engine)
    replay = type(row)(**{**row.__dict__, "cursor": None})
    outcome = run_source(engine, _registry(ListedPages(pages=2)), replay, NOW + 1)
    assert outcome.posts == 4 and outcome.posts_new == 0
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(4,)]
    assert table(engine, "SELECT COUNT(*) FROM votes") == [(4,)]


def test_run_due_runs_only_due_sources_unless_named(engine: Engine) -> None:
    sources.add(engine, "bluesky", "feed", "did:plc:a", NOW)
    fetcher = ListedPages(pages=1)
    summary = run_due(engine, _registry(fetcher), NOW)
    assert [r.source for r in summary.runs] == ["bluesky:feed:did:plc:a"] and summary.posts_new == 2
    assert run_due(engine, _registry(fetcher), NOW + 1).runs == []  # not due again for 15 minutes
    named = run_due(engine, _registry(fetcher), NOW + 2, names=["bluesky:feed:did:plc:a"])
    assert len(named.runs) == 1 and named.posts_new == 0


def test_unknown_platform_is_a_recorded_error(engine: Engine) -> None:
    row, _ = sources.add(engine, "gopher", "feed", "x", NOW)
    outcome = run_source(engine, FetcherRegistry(), row, NOW)
    assert outcome.error == "no fetcher for gopher:feed (known: none)"
    [stored] = list_sources(engine)
    assert stored.error_count == 1


def test_two_workers_claim_each_due_source_once(engine: Engine) -> None:
    for n in range(5):
        sources.add(engine, "bluesky", "feed", f"did:plc:w{n}", NOW)
    sources.add(engine, "bluesky", "jetstream", "following", NOW)
    first = claim_due_sources(engine, NOW, 1800, 10, frozenset({"jetstream"}))
    second = claim_due_sources(engine, NOW, 1800, 10, frozenset({"jetstream"}))
    assert len(first) == 5 and second == []  # the lease keeps the other worker off them
    assert all(r.next_run_at == NOW + 1800 for r in first)
    # A run's end sets the real next run; a stopping worker gives back what it did not run.
    run_source(engine, _registry(ListedPages(pages=1)), first[0], NOW)
    release_sources(engine, [r.id for r in first[1:]], NOW)
    again = claim_due_sources(engine, NOW, 1800, 10, frozenset({"jetstream"}))
    assert sorted(r.name for r in again) == sorted(r.name for r in first[1:])
    # The lease runs out (a worker died): the source is due again for anyone.
    late = claim_due_sources(engine, NOW + 1801, 1800, 10)
    assert {r.kind for r in late} == {"feed", "jetstream"} and len(late) == 6


def test_concurrent_claims_never_overlap(db_url: str, engine: Engine) -> None:
    for n in range(40):
        sources.add(engine, "bluesky", "feed", f"did:plc:c{n}", NOW)
    engines = [make_engine(db_url) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        claims = list(pool.map(lambda e: [r.id for r in claim_due_sources(e, NOW, 600, 40)], engines))
    for e in engines:
        e.dispose()
    every = [i for claim in claims for i in claim]
    assert len(every) == len(set(every)) == 40
