"""Set-based loading of a batch of posts: look up what is stored, stage the rows, then a few
INSERT ... SELECT statements.

One query finds which posts of the batch (and which originals they point to) are stored already; new
posts get row ids allocated up front, so every staged row already knows its own id, its author's id
and its original's id. The rows go into temporary staging tables in one executemany (COPY on
PostgreSQL), and posts, papers, mentions (own and inherited) and votes are written by statements
that join the staging tables with the real ones: the work per post happens inside the database
engine. Every write is idempotent (ON CONFLICT DO NOTHING, or an upsert with MIN / bitwise OR), so
replaying a batch after a crash changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection

from papertalk.core.ranking import KIND_BITS, RankingSettings
from papertalk.core.records import PostKind
from papertalk.storage.catalogue.paper_rows import mark_cited_versions
from papertalk.storage.dialect_sql import BulkSql
from papertalk.storage.ingest.batch_staging import (
    AUTHOR,
    CREATED,
    HANDLE,
    INHERITING_KINDS,
    KIND,
    KIND_BIT_OF,
    LANG,
    LINKS,
    NAME,
    ORIGINAL,
    PLATFORM,
    POST_ID,
    SCORE,
    SEQ,
    TEXT,
    URL,
    StagedBatch,
)
from papertalk.storage.ingest.post_merge import PostKey, StoredPost, completion, links_json
from papertalk.storage.ingest.post_retraction import retract_posts
from papertalk.storage.ranking.mention_days import count_batch
from papertalk.storage.ranking.rank_tables import STAGE_VOTES_DDL, RankTables, WindowState

MAX_CHAIN = 4  # a repost of a quote of a quote...: deeper chains are not followed

POST_COLUMNS = (
    "id, platform, post_id, account_id, created_at, kind, original_id, text, url, links, lang, platform_score"
)
STAGE_POSTS_COLUMNS = "row_id, inherits, kind_bit, account_id, created_at, original_id"
STAGE_REFS_COLUMNS = "post_row, arxiv_id, version, account_id, created_at, kind_bit"
# row_id is INTEGER PRIMARY KEY so that SQLite keeps it as the rowid itself, not in a second index.
STAGE_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS stage_posts (row_id INTEGER PRIMARY KEY, inherits SMALLINT NOT NULL, "
    "kind_bit SMALLINT NOT NULL, account_id BIGINT NOT NULL, created_at BIGINT NOT NULL, original_id BIGINT)",
    "CREATE TEMP TABLE IF NOT EXISTS stage_refs (post_row BIGINT NOT NULL, arxiv_id TEXT NOT NULL, "
    "version INTEGER, account_id BIGINT NOT NULL, created_at BIGINT NOT NULL, kind_bit SMALLINT NOT NULL)",
)
MENTION_COLUMNS = "post_id, paper_id, version, account_id, created_at, kind_bit, inherited"


CACHE_LIMIT = 300_000  # account ids kept across batches; cleared when larger so memory stays flat


@dataclass(frozen=True)
class LoadOutcome:
    posts_new: int
    posts_completed: int
    mentions_new: int
    papers_new: int


class BatchLoader:
    """Loads batches through staging tables on one backend; remembers account ids across batches."""

    def __init__(self, sql: BulkSql, settings: RankingSettings) -> None:
        self.sql = sql
        self.ranks = RankTables(sql, settings)
        self.states: dict[str, WindowState] = {}
        self._accounts: dict[tuple[str, str], tuple[int, str | None, str | None]] = {}

    def forget(self) -> None:
        """Drop cached ids: after a rollback they may name rows that were never committed."""
        self._accounts.clear()

    def load(self, conn: Connection, batch: StagedBatch, now: int) -> LoadOutcome:
        """Write the batch; the rankings then hold its votes and none older than their windows at ``now``."""
        self.ranks.lock(conn)
        self.states = self.ranks.ensure(conn, now)
        outcome = self._load(conn, batch) if batch.posts else LoadOutcome(0, 0, 0, 0)
        self.ranks.advance(conn, now, self.states)
        return outcome

    def retract(self, conn: Connection, platform: str, post_ids: Sequence[str]) -> int:
        """Stop counting posts deleted on their platform (after ``load`` in the same transaction)."""
        return retract_posts(conn, self.sql, self.ranks, self.states, platform, post_ids) if post_ids else 0

    def refresh(self, conn: Connection, now: int) -> None:
        self.ranks.lock(conn)
        self.states = self.ranks.ensure(conn, now)
        self.ranks.advance(conn, now, self.states)

    def _load(self, conn: Connection, batch: StagedBatch) -> LoadOutcome:
        rows = batch.posts
        # Take SQLite's write lock before reading the highest post id, so the ids allocated stay ours; check
        # foreign keys at commit, as the batch's reposts may come before their originals in the rows.
        self.sql.execute(conn, "UPDATE window_state SET cutoff = cutoff")
        if not self.sql.postgres:
            self.sql.execute(conn, "PRAGMA defer_foreign_keys = ON")
        keys = [(r[PLATFORM], r[POST_ID]) for r in rows]
        originals = {(r[PLATFORM], r[ORIGINAL]) for r in rows if r[ORIGINAL] is not None}
        stored = self._stored(conn, set(keys) | originals)
        accounts = self._resolve_accounts(conn, rows)
        placeholders = sorted(originals - stored.keys() - set(keys))
        fresh = [k for k in keys if k not in stored]
        new_ids = iter(self.sql.allocate_ids(conn, "posts", len(fresh) + len(placeholders)))
        row_of = {k: p.row_id for k, p in stored.items()} | {k: next(new_ids) for k in [*fresh, *placeholders]}
        new_posts: list[tuple[Any, ...]] = []
        staged: list[tuple[Any, ...]] = []
        refs: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        repost = PostKind.REPOST.value
        for row, key in zip(rows, keys, strict=True):
            post_row = row_of[key]
            original = row_of[(row[PLATFORM], row[ORIGINAL])] if row[ORIGINAL] is not None else None
            old = stored.get(key)
            if old is None:
                account, created, kind = accounts[(row[PLATFORM], row[AUTHOR])], row[CREATED], row[KIND]
                new_posts.append(
                    (post_row, row[PLATFORM], row[POST_ID], account, created, kind, original,
                     row[TEXT], row[URL], row[LINKS], row[LANG], row[SCORE])
                )  # fmt: skip
            else:
                known = old.account_id is not None and old.created_at is not None and old.kind is not None
                account = old.account_id if known else accounts[(row[PLATFORM], row[AUTHOR])]  # type: ignore[assignment]
                created = old.created_at if known else row[CREATED]
                kind = old.kind if known else row[KIND]
                if old.original_id is not None:
                    original = old.original_id
                values = completion(old, row[TEXT], row[URL], _links(row[LINKS]), row[LANG], row[SCORE])
                if values is not None or original != old.original_id:
                    text, url, links, lang, score = values or (
                        old.text,
                        old.url,
                        links_json(old.links),
                        old.lang,
                        old.score,
                    )
                    updates.append((account, created, kind, original, text, url, links, lang, score, post_row))
            kind_bit = KIND_BIT_OF[kind]
            inherits = kind in INHERITING_KINDS
            cited = batch.refs[row[SEQ]] if kind != repost else ()
            # A new post that cites nothing and inherits nothing can have no mention, so no vote or day count:
            # it is not staged (most posts of an X archive, ~97 %; staging them cost ~10 % of its writing).
            if old is not None or inherits or cited:
                staged.append((post_row, int(inherits), kind_bit, account, created, original))
                refs.extend((post_row, a, v, account, created, kind_bit) for a, v in cited)
        self._stage(conn, staged, refs)
        self.sql.many(
            conn,
            "INSERT INTO posts (id, platform, post_id) VALUES (?, ?, ?)",
            [(row_of[k], k[0], k[1]) for k in placeholders],
        )
        self.sql.copy_rows(conn, "posts", POST_COLUMNS, new_posts)
        posts_new = len(new_posts)
        self.sql.many(
            conn,
            "UPDATE posts SET account_id = ?, created_at = ?, kind = ?, original_id = ?, text = ?, url = ?, "
            "links = ?, lang = ?, platform_score = ? WHERE id = ?",
            updates,
        )
        papers_new = mentions_new = 0
        if refs:  # skipped when empty: statements cost their fixed part even with nothing to do
            papers_new = self.sql.execute(
                conn,
                "INSERT INTO papers (arxiv_id) SELECT DISTINCT arxiv_id FROM stage_refs WHERE true "
                "ON CONFLICT (arxiv_id) DO NOTHING",
            )
            if any(ref[2] is not None for ref in refs):
                mark_cited_versions(conn, "SELECT arxiv_id, version FROM stage_refs WHERE version IS NOT NULL")
            mentions_new = self.sql.execute(
                conn,
                f"INSERT INTO mentions ({MENTION_COLUMNS}) SELECT r.post_row, pa.id, r.version, r.account_id, "
                "r.created_at, r.kind_bit, false FROM stage_refs r JOIN papers pa ON pa.arxiv_id = r.arxiv_id "
                "WHERE true ON CONFLICT (post_id, paper_id) DO NOTHING",
            )
        for _ in range(inheritance_passes(staged)):  # each pass reaches one step further along a chain
            added = self.sql.execute(
                conn,
                f"INSERT INTO mentions ({MENTION_COLUMNS}) SELECT s.row_id, m.paper_id, m.version, s.account_id, "
                "s.created_at, s.kind_bit, true FROM stage_posts s JOIN mentions m ON m.post_id = s.original_id "
                "WHERE s.inherits = 1 ON CONFLICT (post_id, paper_id) DO NOTHING",
            )
            mentions_new += added
            if not added:
                break
        self._upsert_votes(conn, "FROM mentions m WHERE m.post_id IN (SELECT row_id FROM stage_posts)", ())
        completed = [u[-1] for u in updates]
        if completed:
            mentions_new += self._propagate(conn, completed)
        count_batch(conn, self.sql, completed)
        return LoadOutcome(posts_new, len(completed), mentions_new, papers_new)

    def _stored(self, conn: Connection, keys: set[PostKey]) -> dict[PostKey, StoredPost]:
        """What the database holds of these posts (one indexed probe per key, inside the engine)."""
        by_platform: dict[str, list[str]] = {}
        for platform, post_id in keys:
            by_platform.setdefault(platform, []).append(post_id)
        found: dict[PostKey, StoredPost] = {}
        for platform, ids in by_platform.items():
            for post_id, *values in self.sql.all(
                conn,
                "SELECT post_id, id, account_id, created_at, kind, original_id, text, url, links, lang, platform_score "
                "FROM posts WHERE platform = ? AND " + self.sql.in_list("post_id"),
                (platform, self.sql.list_param(ids)),
            ):
                row_id, account_id, created_at, kind, original_id, text, url, links, lang, score = values
                found[(platform, post_id)] = StoredPost(
                    row_id, account_id, created_at, kind, original_id, text, url, _links(links), lang, score
                )
        return found

    def _resolve_accounts(self, conn: Connection, rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], int]:
        """Account ids for the batch's authors: from the cache, creating or renaming only what changed."""
        if len(self._accounts) > CACHE_LIMIT:  # before any lookup, so every author is then re-read
            self._accounts.clear()
        wanted: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        for r in rows:
            wanted[(r[PLATFORM], r[AUTHOR])] = (r[HANDLE], r[NAME])
        stale = [
            (key, handle, name)
            for key, (handle, name) in wanted.items()
            if (cached := self._accounts.get(key)) is None
            or (handle and handle != cached[1])
            or (name and name != cached[2])
        ]
        if stale:
            self.sql.many(
                conn,
                "INSERT INTO accounts (platform, platform_id, handle, display_name) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (platform, platform_id) DO UPDATE SET "
                "handle = COALESCE(excluded.handle, accounts.handle), "
                "display_name = COALESCE(excluded.display_name, accounts.display_name)",
                [(platform, pid, handle, name) for (platform, pid), handle, name in stale],
            )
            by_platform: dict[str, list[str]] = {}
            for (platform, pid), _h, _n in stale:
                by_platform.setdefault(platform, []).append(pid)
            for platform, ids in by_platform.items():
                for pid, row_id, handle, name in self.sql.all(
                    conn,
                    "SELECT platform_id, id, handle, display_name FROM accounts WHERE platform = ? AND "
                    + self.sql.in_list("platform_id"),
                    (platform, self.sql.list_param(ids)),
                ):
                    self._accounts[(platform, pid)] = (int(row_id), handle, name)
        return {key: self._accounts[key][0] for key in wanted}

    def _stage(self, conn: Connection, posts: list[tuple[Any, ...]], refs: list[tuple[Any, ...]]) -> None:
        for ddl in STAGE_DDL:
            self.sql.execute(conn, ddl)
        self.sql.execute(conn, "DELETE FROM stage_posts")
        self.sql.execute(conn, "DELETE FROM stage_refs")
        self.sql.copy_rows(conn, "stage_posts", STAGE_POSTS_COLUMNS, posts)
        self.sql.copy_rows(conn, "stage_refs", STAGE_REFS_COLUMNS, refs)

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
        # SUM(DISTINCT bit) is the bitwise OR of the bits present: each kind is one distinct power of two. One
        # statement stages each vote merged with the stored one (earliest time, OR of the kinds), with the
        # stored values as the old ones, and only the votes that this changes.
        self.sql.execute(
            conn,
            "INSERT INTO stage_votes (paper_id, account_id, first_at, kinds, old_first_at, old_kinds) "
            "SELECT n.paper_id, n.account_id, "
            "CASE WHEN v.first_at IS NULL OR n.first_at < v.first_at THEN n.first_at ELSE v.first_at END, "
            "n.kinds | COALESCE(v.kinds, 0), v.first_at, v.kinds FROM (SELECT m.paper_id, m.account_id, "
            f"MIN(m.created_at) AS first_at, SUM(DISTINCT m.kind_bit) AS kinds {source} "
            "GROUP BY m.paper_id, m.account_id) AS n "
            "LEFT JOIN votes v ON v.paper_id = n.paper_id AND v.account_id = n.account_id "
            "WHERE v.first_at IS NULL OR n.first_at < v.first_at OR (n.kinds | v.kinds) <> v.kinds",
            params,
        )
        self.sql.execute(
            conn,
            "INSERT INTO votes (paper_id, account_id, first_at, kinds) SELECT paper_id, account_id, first_at, kinds "
            "FROM stage_votes WHERE true ON CONFLICT (paper_id, account_id) DO UPDATE SET "
            "first_at = excluded.first_at, kinds = excluded.kinds",
        )
        self.ranks.apply_vote_changes(conn, self.states)


def inheritance_passes(staged: list[tuple[Any, ...]]) -> int:
    """How many passes copying mentions from originals a staged batch needs: none without reposts or quotes,
    one when their originals are plain posts or stored already, one more per step of a chain inside it."""
    original_of = {row[0]: row[5] for row in staged if row[1]}  # (row_id, inherits, ..., original_id)
    deepest = 1 if original_of else 0
    for first in original_of.values():
        depth, step = 1, first
        while step in original_of and depth < MAX_CHAIN:
            step = original_of[step]
            depth += 1
        deepest = max(deepest, depth)
    return deepest


def _links(links_json_text: str | None) -> tuple[str, ...]:
    return tuple(orjson.loads(links_json_text)) if links_json_text else ()
