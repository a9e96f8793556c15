"""Jetstream capture end to end against a local WebSocket server: filtering on the raw bytes, deletes as
tombstones, a disconnect in the middle of the stream, kill/restart resume without duplicates, and
reposts hydrated through getPosts; stored through ``services.capture.source_runs`` on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import orjson

from papertalk.core.records import Author
from papertalk.fetching.pages import FetcherRegistry, SourceSpec
from papertalk.services.capture import sources
from papertalk.services.capture.accounts import add_ids_to_network
from papertalk.services.capture.source_runs import run_source
from papertalk.sources.bluesky.jetstream import JetstreamFetcher
from papertalk.sources.bluesky.jetstream_events import EventFilter, read_events, time_us_of
from papertalk.sources.bluesky.xrpc import XrpcClient
from papertalk.storage.capture.account_rows import upsert_accounts
from papertalk.storage.capture.source_rows import list_sources
from papertalk.storage.engine import Engine
from tests.fake_bluesky import FakeAppView, post_view
from tests.fake_jetstream import T0, FakeJetstream, delete_event, identity_event, post_event, repost_event
from tests.helpers import table

NOW = 1_796_040_000


def _stream(fake: FakeJetstream, n: int = 300) -> list[int]:
    """``n`` events; every 25th post links arXiv; returns the numbers of the arXiv posts."""
    linked = []
    for k in range(1, n + 1):
        did = f"did:plc:acct{k % 17:04d}"
        if k % 25 == 0:
            fake.add(post_event(k, did, arxiv=f"2411.{k:05d}"))
            linked.append(k)
        elif k % 40 == 0:
            fake.add(identity_event(k, did))
        else:
            fake.add(post_event(k, did))
    return linked


def upsert(engine: Engine, *dids: str) -> list[int]:
    with engine.begin() as conn:
        return upsert_accounts(conn, [Author("bluesky", d) for d in dids])


def _registry(fake: FakeJetstream, appview: XrpcClient | None = None, **options: object) -> FetcherRegistry:
    # idle_seconds: how long a quiet stream means "caught up". Runs that ended with nothing read here were
    # the reader's bug (messages that came with the handshake answer waited for more bytes), not the pace.
    registry = FetcherRegistry()
    slept: list[float] = []
    fetcher = JetstreamFetcher(fake.url, appview, page_events=40, page_seconds=5, idle_seconds=1.2, sleep=slept.append)
    for key, value in options.items():
        setattr(fetcher, key, value)
    registry.add("bluesky", "jetstream", fetcher)
    return registry


def test_prefilter_keeps_arxiv_and_deletes_and_reads_time_without_parsing() -> None:
    raws = [
        b'{"did":"did:plc:a","time_us":17,"kind":"commit","commit":{"operation":"create"}}',
        b'{"did":"did:plc:a","time_us": 18,"kind":"commit","commit":{"operation":"delete"}}',
        b'{"did":"did:plc:a","time_us":19,"kind":"commit","commit":{"text":"arXiv:2401.00001"}}',
    ]
    keep = EventFilter()
    assert [keep.keep(r) for r in raws] == [False, True, True]
    assert [time_us_of(r) for r in raws] == [17, 18, 19]


def test_bad_events_are_rejected_one_line_and_the_rest_kept() -> None:
    good = post_event(1, "did:plc:a", arxiv="2401.00001")
    no_record = post_event(2, "did:plc:a", arxiv="2401.00002")
    del no_record["commit"]["record"]["createdAt"]
    wrong = post_event(3, "did:plc:a", arxiv="2401.00003")
    wrong["commit"]["record"]["text"] = ["arxiv"]
    latin1 = b'{"did":"did:plc:a","time_us":8,"kind":"commit","commit":{"text":"arXiv caf\xe9"}}'
    raws = [orjson.dumps(e) for e in (good, no_record, wrong)] + [
        latin1,
        b'{"did": "arxiv", "time_us": 9, "kind": "comm',
    ]
    batch = read_events(raws, EventFilter(), "bluesky:jetstream:arxiv")
    assert [p.post_id for p in batch.posts] == ["at://did:plc:a/app.bsky.feed.post/3k00000001"]
    assert len(batch.rejects) == 4 and all(
        "\n" not in r and r.startswith("bluesky:jetstream:arxiv: ") for r in batch.rejects
    )
    assert "record.createdAt" in batch.rejects[0] and "invalid JSON" in batch.rejects[2]
    assert "invalid JSON" in batch.rejects[3]  # not UTF-8: rejected on its own, the rest kept
    assert batch.cursor == 9


def test_disconnect_mid_stream_and_deletes(engine: Engine, fake_jetstream: FakeJetstream) -> None:
    linked = _stream(fake_jetstream)
    gone = f"3k{linked[0]:08d}"
    fake_jetstream.add(delete_event(301, f"did:plc:acct{linked[0] % 17:04d}", gone))
    fake_jetstream.drop_after = [130]
    row, _ = sources.add(engine, "bluesky", "jetstream", "arxiv", NOW)
    outcome = run_source(engine, _registry(fake_jetstream), row, NOW)
    assert outcome.error is None and outcome.deleted == 1
    assert len(fake_jetstream.connections) == 2
    resumed_at = int(fake_jetstream.connections[1]["cursor"][0])
    assert resumed_at <= T0 + 130 * 1000 - 5_000_000 + 1000  # rewound 5 s from the last page
    [stored] = list_sources(engine)
    assert stored.cursor == str(T0 + 301 * 1000)
    # the post deleted at the end was stored, then retracted: it no longer counts for its paper
    assert table(engine, "SELECT COUNT(*) FROM post_tombstones") == [(1,)]
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(len(linked) - 1,)]
    assert table(engine, "SELECT COUNT(*) FROM mentions") == [(len(linked) - 1,)]
    assert table(engine, "SELECT COUNT(*) FROM votes") == [(len(linked) - 1,)]


def test_kill_and_restart_equals_an_uninterrupted_run(engine: Engine, fake_jetstream: FakeJetstream) -> None:
    linked = _stream(fake_jetstream)
    row, _ = sources.add(engine, "bluesky", "jetstream", "arxiv", NOW)
    first = run_source(engine, _registry(fake_jetstream), row, NOW, max_pages=2)  # killed after two pages
    assert first.pages == 2
    [row] = list_sources(engine)
    assert row.cursor == str(T0 + 80 * 1000)
    second = run_source(engine, _registry(fake_jetstream), row, NOW + 60)
    assert second.error is None
    assert int(fake_jetstream.connections[1]["cursor"][0]) == T0 + 80 * 1000 - 5_000_000
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(len(linked),)]
    assert table(engine, "SELECT COUNT(*) FROM mentions") == [(len(linked),)]
    # A deleted post never comes back when the stream is replayed from the start.
    fake_jetstream.add(delete_event(400, f"did:plc:acct{linked[1] % 17:04d}", f"3k{linked[1]:08d}"))
    [row] = list_sources(engine)
    run_source(engine, _registry(fake_jetstream), row, NOW + 120)
    replay = type(row)(**{**list_sources(engine)[0].__dict__, "cursor": None})
    run_source(engine, _registry(fake_jetstream), replay, NOW + 180)
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(len(linked) - 1,)]  # retracted, and never back
    assert table(engine, "SELECT COUNT(*) FROM mentions") == [(len(linked) - 1,)]
    assert table(engine, "SELECT COUNT(*) FROM post_tombstones") == [(1,)]


def test_following_mode_asks_for_dids_and_hydrates_reposts(
    engine: Engine, fake_jetstream: FakeJetstream, fake_appview: FakeAppView
) -> None:
    original = post_view(5, 4, 0, arxiv="2412.00005")
    fake_appview.posts[original["uri"]] = original
    fake_jetstream.add(
        post_event(1, "did:plc:friend"),
        repost_event(2, "did:plc:friend", original["uri"]),
        identity_event(3, "did:plc:x"),
    )
    add_ids_to_network(engine, "following", upsert(engine, "did:plc:friend", "did:plc:other"))
    row, _ = sources.add(engine, "bluesky", "jetstream", "following", NOW)
    appview = XrpcClient(fake_appview.url, httpx.Client(), min_interval=0.0)
    outcome = run_source(engine, _registry(fake_jetstream, appview), row, NOW)
    assert outcome.error is None and outcome.posts == 2
    params = fake_jetstream.connections[0]
    assert params["wantedDids"] == ["did:plc:friend", "did:plc:other"]
    assert params["wantedCollections"] == ["app.bsky.feed.post", "app.bsky.feed.repost"]
    rows = table(engine, "SELECT kind FROM posts ORDER BY kind")
    assert rows == [("post",), ("post",), ("repost",)]
    assert table(engine, "SELECT COUNT(*) FROM mentions") == [(2,)]  # the original and its repost


ARXIV_SPEC = SourceSpec("bluesky:jetstream:arxiv", "bluesky", "jetstream", "arxiv")


def test_a_page_ends_at_page_posts_kept_posts(fake_jetstream: FakeJetstream) -> None:
    linked = _stream(fake_jetstream)  # 12 arXiv posts, 25 events apart
    fake_jetstream.delay = 0.002  # a live pace: each read brings a message or two, not the whole stream
    fetcher = JetstreamFetcher(
        fake_jetstream.url, None, page_events=10_000, page_seconds=60, page_posts=3, idle_seconds=1.2, filter_events=1
    )
    pages = list(fetcher.pages(ARXIV_SPEC, None))
    assert [len(p.posts) for p in pages] == [3, 3, 3, 3]
    assert [p.cursor for p in pages] == [str(T0 + k * 1000) for k in linked[2::3]]  # its last post's event


def test_a_page_ends_after_page_seconds_of_reading(fake_jetstream: FakeJetstream) -> None:
    linked = _stream(fake_jetstream, 200)
    fake_jetstream.delay = 0.01  # ~2 s of stream
    live = lambda: T0 / 1e6 + 1  # noqa: E731  (the stream's events are a second old: a live stream)
    fetcher = JetstreamFetcher(
        fake_jetstream.url, None, page_events=10_000, page_seconds=0.4, idle_seconds=1.2, clock=live
    )
    pages = list(fetcher.pages(ARXIV_SPEC, None))
    assert len(pages) >= 3  # ~5 pages of 0.4 s; fewer under heavy load, never one page for the whole stream
    assert sum(len(p.posts) for p in pages) == len(linked)
    assert pages[-1].cursor == str(T0 + 200 * 1000)


def test_a_catch_up_from_an_old_cursor_is_not_cut_by_time(fake_jetstream: FakeJetstream) -> None:
    linked = _stream(fake_jetstream, 200)
    fake_jetstream.delay = 0.01  # the same ~2 s of stream, but its events are an hour old
    later = lambda: T0 / 1e6 + 3600  # noqa: E731
    fetcher = JetstreamFetcher(
        fake_jetstream.url, None, page_events=10_000, page_seconds=0.4, idle_seconds=1.2, clock=later
    )
    pages = list(fetcher.pages(ARXIV_SPEC, None))
    assert len(pages) == 1  # one page, as big as an import batch allows
    assert len(pages[0].posts) == len(linked) and pages[0].cursor == str(T0 + 200 * 1000)
