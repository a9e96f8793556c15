"""When a feed's entries last changed, for the Atom feeds of the pages: a paper entry changes when its
newest mention in the feed's audience does (not at each request, which made feed readers show every entry
as new on every poll); a post entry is as old as the post."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from papertalk.storage.capture.account_rows import network_id
from papertalk.storage.engine import Engine
from papertalk.storage.pages.page_queries import last_mentions


def papers_last_changed(engine: Engine, arxiv_ids: Sequence[str], now: int, network: str | None) -> dict[str, int]:
    """Per arXiv id, its newest mention up to ``now`` by the accounts of ``network`` (None: everyone)."""
    with engine.connect() as conn:
        row = network_id(conn, network) if network is not None else None
        return last_mentions(conn, arxiv_ids, now, row)


def feed_updated(times: Iterable[int]) -> int:
    """A feed's own <updated>: its newest entry's (the epoch for an empty feed, so it stays put too)."""
    return max(times, default=0)
