"""The instance is a network too: a public summary (or a paper on a public list) counts as a post of
platform ``papertalk`` by its author's account ``papertalk:<name>``, through the same ingest path as every
captured post, so votes (one per account and paper), rank tables and day counts stay what a fresh count
would make them. Withdrawing it (unpublished, made private, deleted) is the ingest's own retraction.

Both run inside the caller's transaction, so a summary and its post change together or not at all.
"""

from __future__ import annotations

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


def count_as_post(conn: Connection, ranking: RankingSettings, user_name: str, arxiv_id: str, post_key: str,
                  origin_url: str, text: str, created_at: int, now: int) -> None:  # fmt: skip
    """Make (or make anew, with this text) the post ``post_key`` of ``papertalk:<user_name>`` citing
    ``arxiv_id`` at ``created_at`` (the first publication: an edit does not move the vote in time)."""
    loader = _loader(conn, ranking)
    author = Author(PLATFORM, user_name, user_name, user_name)
    shown = " ".join(text.split())[:TEXT_CHARS]
    post = Post(PLATFORM, post_key, author, created_at, PostKind.POST, None, shown, origin_url, (origin_url,))
    loader.load(conn, stage_batch([]), now)  # the rank tables' lock and states, as a batch takes them
    loader.retract(conn, PLATFORM, [post_key])  # an edit replaces the post's text: out, then in again
    loader.load(conn, stage_batch([CitingPost(post, (ArxivRef(arxiv_id),))]), now)


def withdraw(conn: Connection, ranking: RankingSettings, post_key: str, now: int) -> None:
    """The post ``post_key`` stops counting (nothing happens when there is none)."""
    loader = _loader(conn, ranking)
    loader.load(conn, stage_batch([]), now)
    loader.retract(conn, PLATFORM, [post_key])
