"""Following accounts on any platform: look the account up through the platform's ``AccountDirectory``,
store it, put it in a network (default ``following``, the one ``trending --network following`` uses),
and add the source that captures its posts (``PLATFORM:feed:ACCOUNT_ID``); unfollowing undoes both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from papertalk.core.records import DEFAULT_NETWORK, Author
from papertalk.fetching.pages import FetcherRegistry, FetchError
from papertalk.services.capture.accounts import AccountError, parse_account, resolve_accounts
from papertalk.services.capture.sources import DEFAULT_INTERVAL_SECONDS, source_name
from papertalk.storage.capture import account_rows
from papertalk.storage.capture.source_rows import NewSource, add_sources, remove_sources
from papertalk.storage.engine import Engine

FEED_KIND = "feed"  # the kind of source that reads one account's own posts, on every platform
IMPORT_CHUNK = 1000


@dataclass(frozen=True)
class Followed:
    accounts: int
    sources_new: int
    network: str
    network_size: int


def follow(
    engine: Engine, registry: FetcherRegistry, ref: str, now: int, network: str = DEFAULT_NETWORK
) -> tuple[Author, Followed]:
    """Follow one account named ``PLATFORM:HANDLE``; raises ``AccountError`` or ``FetchError`` saying why not."""
    platform, handle = parse_account(ref)
    author = registry.directory(platform).lookup(handle)
    return author, _store(engine, [author], now, network)


@dataclass(frozen=True)
class Unfollowed:
    network: str
    network_size: int
    source_removed: str | None  # the name of the deleted feed source, if there was one


def unfollow(engine: Engine, ref: str, network: str = DEFAULT_NETWORK) -> Unfollowed:
    """Undo ``follow``: take the captured account ``PLATFORM:HANDLE`` out of ``network`` and, when no other
    network follows it, delete the source that captures its posts (its posts so far stay). AccountError when
    it was not followed."""
    platform, _handle = parse_account(ref)
    (account,) = resolve_accounts(engine, [ref])
    with engine.begin() as conn:
        feed = source_name(platform, FEED_KIND, account_rows.platform_id_of(conn, account))
        network_id = account_rows.network_id(conn, network)
        member = network_id is not None and account in account_rows.network_members(conn, network_id)
        if network_id is not None:
            account_rows.remove_from_network(conn, network_id, [account])
        size = 0 if network_id is None else account_rows.network_size(conn, network_id)
        # Capture is shared: while a person's or another network still follows the account, its source stays.
        still_followed = account_rows.in_any_network(conn, account)
    removed = not still_followed and not remove_sources(engine, [feed])
    if not member and not removed:
        raise AccountError(f"{ref} is not followed (not in network {network!r}, no source {feed})")
    return Unfollowed(network, size, feed if removed else None)


def import_follows(
    engine: Engine,
    registry: FetcherRegistry,
    ref: str,
    now: int,
    network: str = DEFAULT_NETWORK,
    on_account: Callable[[int], None] | None = None,
) -> Followed:
    """Follow everyone ``PLATFORM:HANDLE`` follows, stored in chunks as the pages arrive (a ``FetchError``
    midway still stores the accounts read before it, then is raised)."""
    total = Followed(0, 0, network, 0)
    for chunk in following_chunks(registry, ref, on_account):
        total = _add(total, _store(engine, chunk, now, network))
    return total


def following_chunks(
    registry: FetcherRegistry, ref: str, on_account: Callable[[int], None] | None = None
) -> Iterator[list[Author]]:
    """The accounts ``PLATFORM:HANDLE`` follows, IMPORT_CHUNK at a time as the pages arrive (the last chunk
    may be empty): a caller stores each before the next pages are asked for. A ``FetchError`` midway comes
    after the chunk of the accounts read before it, so those are stored too."""
    platform, handle = parse_account(ref)
    directory = registry.directory(platform)
    chunk: list[Author] = []
    try:
        for author in directory.following(handle):
            chunk.append(author)
            if on_account is not None:
                on_account(1)
            if len(chunk) >= IMPORT_CHUNK:
                yield chunk
                chunk = []
    except FetchError:
        yield chunk  # the accounts read before a page failed are kept
        raise
    yield chunk


def _add(a: Followed, b: Followed) -> Followed:
    return Followed(
        a.accounts + b.accounts, a.sources_new + b.sources_new, a.network, max(a.network_size, b.network_size)
    )


def capture_accounts(engine: Engine, authors: list[Author], now: int) -> tuple[list[int], int]:
    """Store the accounts and make sure each one's posts are captured: (their row ids, sources added). An
    account already captured keeps its one source, however many people or networks follow it."""
    with engine.begin() as conn:
        ids = account_rows.upsert_accounts(conn, authors) if authors else []
    new = add_sources(
        engine,
        [
            NewSource(
                source_name(a.platform, FEED_KIND, a.platform_id),
                a.platform,
                FEED_KIND,
                a.platform_id,
                DEFAULT_INTERVAL_SECONDS,
            )
            for a in authors
        ],
        now,
    )
    return ids, new


def _store(engine: Engine, authors: list[Author], now: int, network: str) -> Followed:
    ids, new = capture_accounts(engine, authors, now)
    with engine.begin() as conn:
        network_id = account_rows.network_id(conn, network, create=True)
        assert network_id is not None
        account_rows.add_to_network(conn, network_id, ids)
        size = account_rows.network_size(conn, network_id)
    return Followed(len(authors), new, network, size)
