"""Set-based loading of a batch of posts: stage the rows, then a dozen INSERT ... SELECT statements.

The batch goes into two temporary staging tables in one executemany (COPY on PostgreSQL); accounts,
posts, placeholders for originals, papers, mentions (own and inherited) and votes are then written
by statements that join the staging tables with the real ones, so the work per post happens inside
the database engine, not in Python. Every statement is idempotent (ON CONFLICT DO NOTHING, or an
upsert with MIN / bitwise OR), so replaying a batch after a crash changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection

from papertalk.core.ranking import KIND_BITS, RankingSettings
from papertalk.core.records import CitingPost, PostKind
from papertalk.storage.dialect_sql import BulkSql
from papertalk.storage.post_merge import StoredPost, completion, links_json, merge_duplicates
from papertalk.storage.rank_tables import RankTables, WindowState

MAX_CHAIN = 4  # a repost of a quote of a quote...: deeper chains are not followed

STAGE_POSTS_COLUMNS = (
    "seq, platform, post_id, author_id, handle, name, created_at, kind, kind_bit, original_post_id, "
    "text, url, links, lang, score"
)
STAGE_VOTES_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS stage_votes (paper_id INTEGER NOT NULL, account_id INTEGER NOT NULL, "
    "first_at BIGINT NOT NULL, kinds SMALLINT NOT NULL, old_first_at BIGINT, old_kinds SMALLINT, "
    "PRIMARY KEY (paper_id, account_id))"
)
STAGE_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS stage_posts (seq INTEGER PRIMARY KEY, platform TEXT NOT NULL, "
    "post_id TEXT NOT NULL, author_id TEXT NOT NULL, handle TEXT, name TEXT, created_at BIGINT NOT NULL, "
    "kind TEXT NOT NULL, kind_bit SMALLINT NOT NULL, original_post_id TEXT, text TEXT, url TEXT, links TEXT, "
    "lang TEXT, score BIGINT)",
    "CREATE TEMP TABLE IF NOT EXISTS stage_refs (seq INTEGER NOT NULL, arxiv_id TEXT NOT NULL, version INTEGER)",
)

JOIN_STORED = "JOIN posts p ON p.platform = s.platform AND p.post_id = s.post_id"
MENTION_COLUMNS = "post_id, paper_id, version, account_id, created_at, kind_bit, inherited"


@dataclass(frozen=True)
class StagedBatch:
    """A batch as rows for the staging tables (plain tuples: cheap to build in a worker process and to
    pickle across). ``posts`` rows follow STAGE_POSTS_COLUMNS; ``refs`` rows are (seq, arxiv_id, version)."""

    posts: list[tuple[Any, ...]]
    refs: list[tuple[Any, ...]]


POST_ID, TEXT, URL, LINKS, LANG, SCORE = 2, 10, 11, 12, 13, 14  # positions in a staged post row


def stage_batch(batch: Iterable[CitingPost]) -> StagedBatch:
    """Merge duplicates and lay the batch out as staging rows. Pure: no database needed."""
    posts: list[tuple[Any, ...]] = []
    refs: list[tuple[Any, ...]] = []
    for seq, item in enumerate(merge_duplicates(batch).values()):
        p = item.post
        posts.append(
            (
                seq,
                p.platform,
                p.post_id,
                p.author.platform_id,
                p.author.handle,
                p.author.display_name,
                p.created_at,
                p.kind.value,
                KIND_BITS[p.kind],
                p.original.post_id if p.original is not None else None,
                p.text,
                p.url,
                links_json(p.links),
                p.lang,
                p.platform_score,
            )
        )
        refs.extend((seq, r.arxiv_id, r.version) for r in item.refs)
    return StagedBatch(posts, refs)


@dataclass(frozen=True)
class LoadOutcome:
    posts_new: int
    posts_completed: int
    mentions_new: int
    papers_new: int


class BatchLoader:
    """Loads batches through staging tables on one backend."""

    def __init__(self, sql: BulkSql, settings: RankingSettings) -> None:
        self.sql = sql
        self.ranks = RankTables(sql, settings)
        self.states: dict[str, WindowState] = {}

    def load(self, conn: Connection, batch: StagedBatch, now: int) -> LoadOutcome:
        """Write the batch; the rankings then hold its votes and none older than their windows at ``now``."""
        self.ranks.lock(conn)
        self.states = self.ranks.ensure(conn, now)
        outcome = self._load(conn, batch) if batch.posts else LoadOutcome(0, 0, 0, 0)
        self.ranks.advance(conn, now, self.states)
        return outcome

    def refresh(self, conn: Connection, now: int) -> None:
        self.ranks.lock(conn)
        self.states = self.ranks.ensure(conn, now)
        self.ranks.advance(conn, now, self.states)

    def _load(self, conn: Connection, batch: StagedBatch) -> LoadOutcome:
        self._stage(conn, batch)
        completed = self._complete_stored(conn, batch)
        self.sql.execute(
            conn,
            "INSERT INTO accounts (platform, platform_id, handle, display_name) "
            "SELECT platform, author_id, MAX(handle), MAX(name) FROM stage_posts WHERE true "
            "GROUP BY platform, author_id ON CONFLICT (platform, platform_id) DO UPDATE SET "
            "handle = COALESCE(excluded.handle, accounts.handle), "
            "display_name = COALESCE(excluded.display_name, accounts.display_name) "
            "WHERE (excluded.handle IS NOT NULL AND (accounts.handle IS NULL OR excluded.handle <> accounts.handle)) "
            "OR (excluded.display_name IS NOT NULL AND "
            "(accounts.display_name IS NULL OR excluded.display_name <> accounts.display_name))",
        )
        posts_new = self.sql.execute(
            conn,
            "INSERT INTO posts (platform, post_id, account_id, created_at, kind, text, url, links, lang, "
            "platform_score) SELECT s.platform, s.post_id, a.id, s.created_at, s.kind, s.text, s.url, s.links, "
            "s.lang, s.score FROM stage_posts s JOIN accounts a ON a.platform = s.platform "
            "AND a.platform_id = s.author_id WHERE true ON CONFLICT (platform, post_id) DO NOTHING",
        )
        self._fill_placeholders(conn, completed)
        self.sql.execute(
            conn,
            "INSERT INTO posts (platform, post_id) SELECT DISTINCT s.platform, s.original_post_id "
            "FROM stage_posts s WHERE s.original_post_id IS NOT NULL ON CONFLICT (platform, post_id) DO NOTHING",
        )
        self.sql.execute(
            conn,
            "UPDATE posts SET original_id = o.id FROM stage_posts s JOIN posts o ON o.platform = s.platform "
            "AND o.post_id = s.original_post_id WHERE s.original_post_id IS NOT NULL AND posts.platform = s.platform "
            "AND posts.post_id = s.post_id AND posts.original_id IS NULL",
        )
        papers_new = self.sql.execute(
            conn,
            "INSERT INTO papers (arxiv_id) SELECT DISTINCT arxiv_id FROM stage_refs WHERE true "
            "ON CONFLICT (arxiv_id) DO NOTHING",
        )
        mentions_new = self.sql.execute(
            conn,
            f"INSERT INTO mentions ({MENTION_COLUMNS}) SELECT p.id, pa.id, r.version, p.account_id, p.created_at, "
            f"s.kind_bit, false FROM stage_refs r JOIN stage_posts s ON s.seq = r.seq {JOIN_STORED} "
            "JOIN papers pa ON pa.arxiv_id = r.arxiv_id WHERE s.kind <> 'repost' "
            "ON CONFLICT (post_id, paper_id) DO NOTHING",
        )
        for _ in range(MAX_CHAIN):  # each pass reaches one step further along a chain inside the batch
            added = self.sql.execute(
                conn,
                f"INSERT INTO mentions ({MENTION_COLUMNS}) SELECT p.id, m.paper_id, m.version, p.account_id, "
                f"p.created_at, s.kind_bit, true FROM stage_posts s {JOIN_STORED} "
                "JOIN mentions m ON m.post_id = p.original_id WHERE s.kind IN ('repost', 'quote') "
                "ON CONFLICT (post_id, paper_id) DO NOTHING",
            )
            mentions_new += added
            if not added:
                break
        self._upsert_votes(
            conn, f"FROM mentions m WHERE m.post_id IN (SELECT p.id FROM stage_posts s {JOIN_STORED})", ()
        )
        if completed:
            mentions_new += self._propagate(conn, [row for row, _ in completed])
        return LoadOutcome(posts_new, len(completed), mentions_new, papers_new)

    def _stage(self, conn: Connection, batch: StagedBatch) -> None:
        for ddl in STAGE_DDL:
            self.sql.execute(conn, ddl)
        self.sql.execute(conn, "DELETE FROM stage_posts")
        self.sql.execute(conn, "DELETE FROM stage_refs")
        self.sql.copy_rows(conn, "stage_posts", STAGE_POSTS_COLUMNS, batch.posts)
        self.sql.copy_rows(conn, "stage_refs", "seq, arxiv_id, version", batch.refs)

    def _complete_stored(self, conn: Connection, batch: StagedBatch) -> list[tuple[int, tuple[object, ...]]]:
        """Posts already stored that this batch adds to: (row id, UPDATE values); placeholders included."""
        rows = self.sql.all(
            conn,
            "SELECT s.seq, p.id, p.account_id, p.text, p.url, p.links, p.lang, p.platform_score "
            f"FROM stage_posts s {JOIN_STORED}",
        )
        completed = []
        for seq, row_id, account_id, text, url, links, lang, score in rows:
            stored = StoredPost(row_id, account_id, text, url, _links(links), lang, score)
            new = batch.posts[seq]
            values = completion(stored, new[TEXT], new[URL], _links(new[LINKS]), new[LANG], new[SCORE])
            if values is not None:
                completed.append((row_id, values))
        return completed

    def _fill_placeholders(self, conn: Connection, completed: list[tuple[int, tuple[object, ...]]]) -> None:
        """Write completions; a placeholder also gets its author, time and kind from the staged post."""
        self.sql.many(
            conn,
            "UPDATE posts SET text = ?, url = ?, links = ?, lang = ?, platform_score = ? WHERE id = ?",
            [(*values, row_id) for row_id, values in completed],
        )
        if completed:
            self.sql.execute(
                conn,
                "UPDATE posts SET account_id = a.id, created_at = s.created_at, kind = s.kind "
                "FROM stage_posts s JOIN accounts a ON a.platform = s.platform AND a.platform_id = s.author_id "
                "WHERE posts.platform = s.platform AND posts.post_id = s.post_id AND posts.account_id IS NULL",
            )

    def _propagate(self, conn: Connection, post_rows: Sequence[int]) -> int:
        """Stored reposts and quotes of posts that just gained papers inherit them, along chains."""
        added = 0
        sources = list(post_rows)
        for _ in range(MAX_CHAIN):
            followers = [
                r[0]
                for r in self.sql.all(
                    conn,
                    "SELECT id FROM posts WHERE kind IN ('repost', 'quote') AND " + self.sql.in_list("original_id"),
                    (self.sql.list_param(sources),),
                )
            ]
            if not followers:
                break
            follower_list = self.sql.list_param(followers)
            added += self.sql.execute(
                conn,
                f"INSERT INTO mentions ({MENTION_COLUMNS}) SELECT f.id, m.paper_id, m.version, f.account_id, "
                f"f.created_at, CASE f.kind WHEN 'repost' THEN {KIND_BITS[PostKind.REPOST]} "
                f"ELSE {KIND_BITS[PostKind.QUOTE]} END, true FROM posts f JOIN mentions m ON m.post_id = f.original_id "
                "WHERE " + self.sql.in_list("f.id") + " ON CONFLICT (post_id, paper_id) DO NOTHING",
                (follower_list,),
            )
            self._upsert_votes(
                conn,
                "FROM mentions m WHERE " + self.sql.in_list("m.post_id"),
                (self.sql.list_param(followers),),
            )
            sources = followers
        return added

    def _upsert_votes(self, conn: Connection, source: str, params: Sequence[Any]) -> None:
        """Fold the mentions selected by ``source`` into votes, and their changes into the rankings."""
        self.sql.execute(conn, STAGE_VOTES_DDL)
        self.sql.execute(conn, "DELETE FROM stage_votes")
        # SUM(DISTINCT bit) is the bitwise OR of the bits present: each kind is one distinct power of two.
        self.sql.execute(
            conn,
            "INSERT INTO stage_votes (paper_id, account_id, first_at, kinds) "
            f"SELECT m.paper_id, m.account_id, MIN(m.created_at), SUM(DISTINCT m.kind_bit) {source} "
            "GROUP BY m.paper_id, m.account_id",
            params,
        )
        self.sql.execute(
            conn,
            "UPDATE stage_votes SET old_first_at = v.first_at, old_kinds = v.kinds FROM votes v "
            "WHERE v.paper_id = stage_votes.paper_id AND v.account_id = stage_votes.account_id",
        )
        self.sql.execute(
            conn,
            f"UPDATE stage_votes SET first_at = {self.sql.least}(first_at, old_first_at), kinds = kinds | old_kinds "
            "WHERE old_first_at IS NOT NULL",
        )
        self.sql.execute(conn, "DELETE FROM stage_votes WHERE old_first_at = first_at AND old_kinds = kinds")
        self.sql.execute(
            conn,
            "INSERT INTO votes (paper_id, account_id, first_at, kinds) SELECT paper_id, account_id, first_at, kinds "
            "FROM stage_votes WHERE true ON CONFLICT (paper_id, account_id) DO UPDATE SET "
            "first_at = excluded.first_at, kinds = excluded.kinds",
        )
        self.ranks.apply_vote_changes(conn, self.states)


def _links(links_json_text: str | None) -> tuple[str, ...]:
    return tuple(orjson.loads(links_json_text)) if links_json_text else ()
