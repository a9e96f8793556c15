"""A precomputed ranking read back: a rank table's rows for one window, scaled to the time asked, with exact
corrections for the votes they hold but should not count (the site's ``window_scores`` and each network's
``network_scores`` are read the same way)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.ranking.rank_tables import WindowState


@dataclass(frozen=True)
class ScoredRow:
    paper_row: int
    arxiv_id: str
    score: float
    people: int


def arxiv_ids(conn: Connection, paper_rows: Sequence[int]) -> dict[int, str]:
    if not paper_rows:
        return {}
    sql = for_connection(conn)
    found = sql.all(conn, "SELECT id, arxiv_id FROM papers WHERE " + sql.in_list("id"), (sql.list_param(paper_rows),))
    return {int(i): str(a) for i, a in found}


@dataclass
class Maintained:
    """A rank table's rows for one window (``source``: the table and the condition choosing them, with
    ``key`` its parameters) plus the exact corrections for votes they hold but should not count."""

    conn: Connection
    state: WindowState
    now: int
    corrections: dict[int, tuple[float, int]]  # paper row -> (stored score, people) to subtract
    source: str = "window_scores WHERE window_name = ?"
    key: tuple[object, ...] = ()
    stored_count: int | None = None  # how many papers the rows rank, when known without counting them

    def top(self, limit: int, offset: int) -> list[ScoredRow]:
        sql = for_connection(self.conn)
        affected = set(self.corrections)
        rows = sql.all(
            self.conn,
            f"SELECT paper_id, score, people FROM {self.source} AND people > 0 "
            "ORDER BY score DESC, people DESC, paper_id DESC LIMIT ?",
            (*self.key, offset + limit + len(affected)),
        )
        # Papers untouched by corrections are exact as stored; corrected ones are recomputed. Taking
        # offset + limit + |affected| stored rows guarantees every true top row is among the candidates.
        entries = {int(p): (float(s), int(n)) for p, s, n in rows if int(p) not in affected}
        if affected:
            for p, s, n in sql.all(
                self.conn,
                f"SELECT paper_id, score, people FROM {self.source} AND " + sql.in_list("paper_id"),
                (*self.key, sql.list_param(sorted(affected))),
            ):
                minus_score, minus_people = self.corrections[int(p)]
                if int(n) - minus_people > 0:
                    entries[int(p)] = (float(s) - minus_score, int(n) - minus_people)
        ranked = sorted(entries.items(), key=lambda e: (-e[1][0], -e[1][1], -e[0]))[offset : offset + limit]
        scale = math.exp((self.state.t0 - self.now) * self.state.rate)
        ids = arxiv_ids(self.conn, [p for p, _ in ranked])
        return [ScoredRow(p, ids[p], score * scale, people) for p, (score, people) in ranked if p in ids]

    def count(self) -> int:
        sql = for_connection(self.conn)
        stored = (
            dict(
                sql.all(
                    self.conn,
                    f"SELECT paper_id, people FROM {self.source} AND people > 0 AND " + sql.in_list("paper_id"),
                    (*self.key, sql.list_param(sorted(self.corrections))),
                )
            )
            if self.corrections
            else {}
        )
        gone = sum(1 for p, n in stored.items() if int(n) - self.corrections[int(p)][1] <= 0)
        if self.stored_count is not None:
            return self.stored_count - gone
        total = sql.all(self.conn, f"SELECT COUNT(*) FROM {self.source} AND people > 0", self.key)
        return int(total[0][0]) - gone
