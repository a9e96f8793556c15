"""Maintained rankings: per window, each paper's decayed vote sum, kept current as votes arrive.

For a window with half-life h, score(p, now) = sum_v w_v * 2^(-(now - t_v)/h)
                                          = 2^(-(now - t0)/h) * sum_v w_v * 2^((t_v - t0)/h).
The second factor does not depend on ``now``, so it can be stored per paper (``window_scores.score``)
and updated by deltas when votes appear or change. A window's ``cutoff`` says which votes the sums
hold (first_at > cutoff); ``advance`` subtracts the votes that leave the window as time passes, and
reads correct for whatever happened since the last advance (see ``trending_queries``). The reference
time ``t0`` is moved forward now and then so the stored numbers stay far from overflow.

All statements are set-based; on PostgreSQL, batches that change votes take one advisory lock so two
workers cannot both count the same vote's change.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from papertalk.core.ranking import RankingSettings, Window
from papertalk.storage.dialect_sql import BulkSql

ALL_TIME_CUTOFF = -(2**62)
REBASE_AFTER_HALVINGS = 200  # 2^200 is nowhere near a double's 2^1023, and leaves room for bursts
INGEST_LOCK = 7_170_001
NOT_BLOCKED = "account_id NOT IN (SELECT id FROM accounts WHERE blocked)"
# Votes about to change, with their old values: ``apply_vote_changes`` turns them into score deltas.
STAGE_VOTES_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS stage_votes (paper_id INTEGER NOT NULL, account_id INTEGER NOT NULL, "
    "first_at BIGINT NOT NULL, kinds SMALLINT NOT NULL, old_first_at BIGINT, old_kinds SMALLINT, "
    "PRIMARY KEY (paper_id, account_id))"
)


@dataclass(frozen=True)
class WindowState:
    name: str
    cutoff: int
    t0: int
    rate: float  # ln 2 / half-life, 0 without decay


def fingerprint(window: Window, settings: RankingSettings) -> str:
    weights = ",".join(f"{bit}:{w!r}" for bit, w in settings.strongest_first())
    return f"len={window.length};hl={window.half_life};w={weights}"


def rate(window: Window) -> float:
    return 0.0 if window.half_life is None else math.log(2.0) / window.half_life


def contribution_sql(settings: RankingSettings, first_at: str, kinds: str) -> str:
    """weight(kinds) * exp((first_at - t0) * rate), with :t0 and :rate bound as parameters."""
    cases = " ".join(f"WHEN {kinds} & {bit} <> 0 THEN {weight!r}" for bit, weight in settings.strongest_first())
    return f"((CASE {cases} ELSE 0.0 END) * exp(({first_at} - ?) * ?))"


class RankTables:
    """Keeps ``window_scores`` in step with ``votes`` for every configured window."""

    def __init__(self, sql: BulkSql, settings: RankingSettings) -> None:
        self.sql = sql
        self.settings = settings
        # Worked out once: every batch reads the states and adds its deltas with these.
        self._fingerprints = {w.name: (fingerprint(w, settings), rate(w)) for w in settings.windows}
        self._new = contribution_sql(settings, "first_at", "kinds")
        self._old = contribution_sql(settings, "old_first_at", "old_kinds")

    def states(self, conn: Connection, for_update: bool = False) -> dict[str, WindowState]:
        lock = " FOR UPDATE" if for_update and self.sql.postgres else ""
        rows = self.sql.all(conn, f"SELECT window_name, cutoff, t0, fingerprint FROM window_state{lock}")
        current = self._fingerprints
        return {
            name: WindowState(name, int(cutoff), int(t0), current[name][1])
            for name, cutoff, t0, fp in rows
            if name in current and fp == current[name][0]
        }

    def lock(self, conn: Connection) -> None:
        if self.sql.postgres:
            self.sql.all(conn, "SELECT pg_advisory_xact_lock(?)", (INGEST_LOCK,))

    def ensure(self, conn: Connection, now: int) -> dict[str, WindowState]:
        """Build any window that is missing or was built with other settings; return every window's state."""
        states = self.states(conn, for_update=True)
        for window in self.settings.windows:
            if window.name not in states:
                states[window.name] = self._rebuild(conn, window, now)
        return states

    def _rebuild(self, conn: Connection, window: Window, now: int) -> WindowState:
        cutoff = ALL_TIME_CUTOFF if window.length is None else now - window.length
        t0 = 0 if window.length is None else cutoff
        state = WindowState(window.name, cutoff, t0, rate(window))
        self.sql.execute(conn, "DELETE FROM window_scores WHERE window_name = ?", (window.name,))
        self.sql.execute(
            conn,
            "INSERT INTO window_scores (window_name, paper_id, score, people) "
            f"SELECT ?, paper_id, SUM({contribution_sql(self.settings, 'first_at', 'kinds')}), COUNT(*) "
            f"FROM votes WHERE first_at > ? AND {NOT_BLOCKED} GROUP BY paper_id",
            (window.name, t0, state.rate, cutoff),
        )
        self.sql.execute(conn, "DELETE FROM window_state WHERE window_name = ?", (window.name,))
        self.sql.execute(
            conn,
            "INSERT INTO window_state (window_name, cutoff, t0, fingerprint) VALUES (?, ?, ?, ?)",
            (window.name, cutoff, t0, fingerprint(window, self.settings)),
        )
        return state

    def apply_vote_changes(self, conn: Connection, states: dict[str, WindowState]) -> None:
        """Add the deltas of the changed votes staged in ``stage_votes`` (new and old values) to every window."""
        new, old = self._new, self._old
        for state in states.values():
            self._add(
                conn,
                state.name,
                f"SELECT paper_id, SUM((CASE WHEN first_at > ? THEN {new} ELSE 0.0 END) - "
                f"(CASE WHEN old_first_at > ? THEN {old} ELSE 0.0 END)) AS delta, "
                "SUM((CASE WHEN first_at > ? THEN 1 ELSE 0 END) - (CASE WHEN old_first_at > ? THEN 1 ELSE 0 END)) "
                "AS people "
                # Only votes inside the window before or after the change can move its sums.
                f"FROM stage_votes WHERE (first_at > ? OR old_first_at > ?) AND {NOT_BLOCKED} GROUP BY paper_id",
                (state.cutoff, state.t0, state.rate, state.cutoff, state.t0, state.rate, *[state.cutoff] * 4),
            )

    def apply_accounts(self, conn: Connection, account_ids: Sequence[int], sign: int) -> None:
        """Add (+1) or remove (-1) every counted vote of these accounts, when they are unblocked or blocked."""
        if not account_ids:
            return
        contribution = contribution_sql(self.settings, "first_at", "kinds")
        for state in self.states(conn, for_update=True).values():
            self._add(
                conn,
                state.name,
                f"SELECT paper_id, {sign} * SUM({contribution}) AS delta, {sign} * COUNT(*) AS people FROM votes "
                f"WHERE first_at > ? AND {self.sql.in_list('account_id')} GROUP BY paper_id",
                (state.t0, state.rate, state.cutoff, self.sql.list_param(account_ids)),
            )

    def advance(self, conn: Connection, now: int, states: dict[str, WindowState]) -> None:
        """Remove the votes that left each window by ``now``; rebase the stored sums when due."""
        contribution = self._new
        for window in self.settings.windows:
            state = states.get(window.name)
            if state is None or window.length is None or now - window.length <= state.cutoff:
                continue
            cutoff = now - window.length
            self._add(
                conn,
                state.name,
                f"SELECT paper_id, -SUM({contribution}) AS delta, -COUNT(*) AS people FROM votes "
                f"WHERE first_at > ? AND first_at <= ? AND {NOT_BLOCKED} GROUP BY paper_id",
                (state.t0, state.rate, state.cutoff, cutoff),
            )
            self.sql.execute(conn, "DELETE FROM window_scores WHERE window_name = ? AND people <= 0", (state.name,))
            t0 = state.t0
            if (cutoff - t0) * state.rate / math.log(2.0) > REBASE_AFTER_HALVINGS:
                self.sql.execute(
                    conn,
                    "UPDATE window_scores SET score = score * exp((? - ?) * ?) WHERE window_name = ?",
                    (t0, cutoff, state.rate, state.name),
                )
                t0 = cutoff
            self.sql.execute(
                conn,
                "UPDATE window_state SET cutoff = ?, t0 = ? WHERE window_name = ?",
                (cutoff, t0, state.name),
            )
            states[state.name] = WindowState(state.name, cutoff, t0, state.rate)

    def _add(self, conn: Connection, name: str, select: str, params: Sequence[Any]) -> None:
        self.sql.execute(
            conn,
            "INSERT INTO window_scores (window_name, paper_id, score, people) "
            f"SELECT ?, d.paper_id, d.delta, d.people FROM ({select}) AS d WHERE true "
            "ON CONFLICT (window_name, paper_id) DO UPDATE SET score = window_scores.score + excluded.score, "
            "people = window_scores.people + excluded.people",
            (name, *params),
        )
