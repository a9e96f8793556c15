"""The instance is a network too: a public summary (or a paper on a public list) counts as a post of
platform ``papertalk`` by its author's account ``papertalk:<name>``, through the same ingest path as every
captured post, so votes (one per account and paper), rank tables and day counts stay what a fresh count
would make them. Withdrawing it (unpublished, made private, deleted) is the ingest's own retraction.

Both run inside the caller's transaction, so a summary and its post change together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from papertalk.core.ranking import RankingSettings
from papertalk.core.records import ArxivRef, Author, CitingPost, Post, PostKind
from papertalk.storage.dialect_sql import BulkSql
from papertalk.storage.engine import Connection
from papertalk.storage.ingest.batch_load import BatchLoader
from papertalk.storage.ingest.batch_staging import stage_batch

PLATFORM = "papertalk"
TEXT_CHARS = 500  # the post's text is the start of the summary, shown as plain text among commentaries


def _loader(conn: Connection, ranking: RankingSettings) -> BatchLoader:
    return BatchLoader(BulkSql(conn.dialect.name), ranking)


@dataclass(frozen=True, slots=True)
class OwnPost:
    """A post of ``papertalk:<user_name>`` citing ``arxiv_id``."""

    user_name: str
    arxiv_id: str
    post_key: str
    origin_url: str
    text: str
    created_at: int


def count_as_post(conn: Connection, ranking: RankingSettings, user_name: str, arxiv_id: str, post_key: str,
                  origin_url: str, text: str, created_at: int, now: int) -> None:  # fmt: skip
    """Make (or make anew, with this text) the post ``post_key`` of ``papertalk:<user_name>`` citing
    ``arxiv_id`` at ``created_at`` (the first publication: an edit does not move the vote in time)."""
    count_as_posts(conn, ranking, [OwnPost(user_name, arxiv_id, post_key, origin_url, text, created_at)], now)


def count_as_posts(conn: Connection, ranking: RankingSettings, made: Sequence[OwnPost], now: int) -> None:
    """``count_as_post`` for many posts at once: one retraction and one batch, whatever their number (a
    list of 2,000 papers made public is one load, not 2,000)."""
    loader = _loader(conn, ranking)
    citing = []
    for one in made:
        author = Author(PLATFORM, one.user_name, one.user_name, one.user_name)
        shown = " ".join(one.text.split())[:TEXT_CHARS]
        post = Post(PLATFORM, one.post_key, author, one.created_at, PostKind.POST, None, shown, one.origin_url,
                    (one.origin_url,))  # fmt: skip
        citing.append(CitingPost(post, (ArxivRef(one.arxiv_id),)))
    loader.load(conn, stage_batch([]), now)  # the rank tables' lock and states, as a batch takes them
    loader.retract(conn, PLATFORM, [one.post_key for one in made])  # an edit replaces the text: out, then in
    loader.load(conn, stage_batch(citing), now)


def withdraw(conn: Connection, ranking: RankingSettings, post_key: str, now: int) -> None:
    """The post ``post_key`` stops counting (nothing happens when there is none)."""
    withdraw_many(conn, ranking, [post_key], now)


def withdraw_many(conn: Connection, ranking: RankingSettings, post_keys: Sequence[str], now: int) -> None:
    """These posts stop counting (the keys with no post are passed over)."""
    if not post_keys:
        return
    loader = _loader(conn, ranking)
    loader.load(conn, stage_batch([]), now)
    loader.retract(conn, PLATFORM, list(post_keys))
