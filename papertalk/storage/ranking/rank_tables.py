"""Maintained rankings: per window, each paper's decayed vote sum, kept current as votes arrive.

For a window with half-life h, score(p, now) = sum_v w_v * 2^(-(now - t_v)/h)
                                          = 2^(-(now - t0)/h) * sum_v w_v * 2^((t_v - t0)/h).
The second factor does not depend on ``now``, so it can be stored per paper (``window_scores.score``)
and updated by deltas when votes appear or change. A window's ``cutoff`` says which votes the sums
hold (first_at > cutoff); ``advance`` subtracts the votes that leave the window as time passes, and
reads correct for whatever happened since the last advance (see ``trending_queries``).

The anchor ``t0`` is the time the table was built, and moves to ``now`` (the stored sums rescaled)
once ``now`` is REBASE_AFTER_HALVINGS half-lives past it, on every window, all time included. So a
stored factor is at most 2^HORIZON_HALVINGS: votes placed later than that after the anchor (far in
the future) are left out until the anchor comes near them. Older votes only shrink towards zero, as
their share of the score does; a factor that would fall below exp(UNDERFLOW_EXPONENT) is taken as 0,
as PostgreSQL raises an error where a double underflows.

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
NO_HORIZON = 2**62  # without decay every factor is 1: any vote can be held
REBASE_AFTER_HALVINGS = 200  # move the anchor to now once it is this many half-lives behind
HORIZON_HALVINGS = 600  # 2^600 is far below a double's 2^1023, with room for sums of many votes
UNDERFLOW_EXPONENT = -600.0  # exp(-600) ~ 3e-261: below it a factor counts as 0 (PostgreSQL raises on underflow)
SCHEME = "anchor=built"  # in the fingerprint: tables built with the epoch anchor (before 0012) are rebuilt
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

    @property
    def horizon(self) -> int:
        """The latest first_at the stored sums hold: a later vote's factor could overflow."""
        if self.rate == 0.0:
            return NO_HORIZON
        return min(NO_HORIZON, self.t0 + int(HORIZON_HALVINGS * math.log(2.0) / self.rate))

    @property
    def decay_params(self) -> tuple[int, float, int, float]:
        """The parameters of one ``decay_sql`` (and so of one ``contribution_sql``) for this window."""
        return (self.t0, self.rate, self.t0, self.rate)

    def holds(self, first_at: str) -> tuple[str, tuple[int, int]]:
        """SQL condition (and its parameters) for "this vote time is in the stored sums"."""
        return f"({first_at} > ? AND {first_at} <= ?)", (self.cutoff, self.horizon)

    def readable_at(self, now: int) -> bool:
        """Whether the stored sums can be scaled to ``now`` without overflow (else read the votes directly)."""
        return abs(now - self.t0) * self.rate <= HORIZON_HALVINGS * math.log(2.0)


def fingerprint(window: Window, settings: RankingSettings) -> str:
    weights = ",".join(f"{bit}:{w!r}" for bit, w in settings.strongest_first())
    return f"{SCHEME};len={window.length};hl={window.half_life};w={weights}"


def rate(window: Window) -> float:
    return 0.0 if window.half_life is None else math.log(2.0) / window.half_life


def decay_sql(first_at: str) -> str:
    """exp((first_at - ?) * ?), 0 where it would underflow; binds (anchor, rate) twice (see decay_params)."""
    exponent = f"(({first_at} - ?) * ?)"
    return f"(CASE WHEN {exponent} < {UNDERFLOW_EXPONENT!r} THEN 0.0 ELSE exp({exponent}) END)"


def contribution_sql(settings: RankingSettings, first_at: str, kinds: str) -> str:
    """weight(kinds) * decay from the anchor, with (t0, rate, t0, rate) bound as parameters."""
    cases = " ".join(f"WHEN {kinds} & {bit} <> 0 THEN {weight!r}" for bit, weight in settings.strongest_first())
    return f"((CASE {cases} ELSE 0.0 END) * {decay_sql(first_at)})"


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
        """Build any window that is missing or was built with other settings, move anchors that fell far
        behind ``now``; return every window's state, ready for votes placed up to its horizon."""
        states = self.states(conn, for_update=True)
        for window in self.settings.windows:
            if window.name not in states:
                states[window.name] = self._rebuild(conn, window, now)
            elif (now - states[window.name].t0) * states[window.name].rate > REBASE_AFTER_HALVINGS * math.log(2.0):
                states[window.name] = self._rebase(conn, states[window.name], now)
        return states

    def _rebuild(self, conn: Connection, window: Window, now: int) -> WindowState:
        cutoff = ALL_TIME_CUTOFF if window.length is None else now - window.length
        state = WindowState(window.name, cutoff, now, rate(window))
        held, bounds = state.holds("first_at")
        self.sql.execute(conn, "DELETE FROM window_scores WHERE window_name = ?", (window.name,))
        self.sql.execute(
            conn,
            "INSERT INTO window_scores (window_name, paper_id, score, people) "
            f"SELECT ?, paper_id, SUM({self._new}), COUNT(*) "
            f"FROM votes WHERE {held} AND {NOT_BLOCKED} GROUP BY paper_id",
            (window.name, *state.decay_params, *bounds),
        )
        self.sql.execute(conn, "DELETE FROM window_state WHERE window_name = ?", (window.name,))
        self.sql.execute(
            conn,
            "INSERT INTO window_state (window_name, cutoff, t0, fingerprint) VALUES (?, ?, ?, ?)",
            (window.name, cutoff, state.t0, fingerprint(window, self.settings)),
        )
        return state

    def _rebase(self, conn: Connection, state: WindowState, now: int) -> WindowState:
        """Move the anchor to ``now``: rescale the sums, and take in the votes the new horizon reaches."""
        exponent = (state.t0 - now) * state.rate  # < 0: every stored factor shrinks
        # score * factor where the product would underflow is an error on PostgreSQL: such scores become 0.
        smallest = math.exp(min(UNDERFLOW_EXPONENT - exponent, 700.0))
        self.sql.execute(
            conn,
            "UPDATE window_scores SET score = CASE WHEN abs(score) < ? THEN 0.0 ELSE score * ? END "
            "WHERE window_name = ?",
            (smallest, math.exp(exponent), state.name),
        )
        moved = WindowState(state.name, state.cutoff, now, state.rate)
        self._add(
            conn,
            state.name,
            f"SELECT paper_id, SUM({self._new}) AS delta, COUNT(*) AS people FROM votes "
            f"WHERE first_at > ? AND first_at > ? AND first_at <= ? AND {NOT_BLOCKED} GROUP BY paper_id",
            (*moved.decay_params, state.cutoff, state.horizon, moved.horizon),
        )
        self.sql.execute(conn, "UPDATE window_state SET t0 = ? WHERE window_name = ?", (now, state.name))
        return moved

    def apply_vote_changes(self, conn: Connection, states: dict[str, WindowState]) -> None:
        """Add the deltas of the changed votes staged in ``stage_votes`` (new and old values) to every window."""
        new, old = self._new, self._old
        for state in states.values():
            now_held, bounds = state.holds("first_at")
            was_held, _ = state.holds("old_first_at")
            self._add(
                conn,
                state.name,
                f"SELECT paper_id, SUM((CASE WHEN {now_held} THEN {new} ELSE 0.0 END) - "
                f"(CASE WHEN {was_held} THEN {old} ELSE 0.0 END)) AS delta, "
                f"SUM((CASE WHEN {now_held} THEN 1 ELSE 0 END) - (CASE WHEN {was_held} THEN 1 ELSE 0 END)) "
                "AS people "
                # Only votes held before or after the change can move its sums.
                f"FROM stage_votes WHERE ({now_held} OR {was_held}) AND {NOT_BLOCKED} GROUP BY paper_id",
                (*bounds, *state.decay_params, *bounds, *state.decay_params, *bounds, *bounds, *bounds, *bounds),
            )

    def apply_accounts(self, conn: Connection, account_ids: Sequence[int], sign: int) -> None:
        """Add (+1) or remove (-1) every counted vote of these accounts, when they are unblocked or blocked."""
        if not account_ids:
            return
        for state in self.states(conn, for_update=True).values():
            held, bounds = state.holds("first_at")
            self._add(
                conn,
                state.name,
                f"SELECT paper_id, {sign} * SUM({self._new}) AS delta, {sign} * COUNT(*) AS people FROM votes "
                f"WHERE {held} AND {self.sql.in_list('account_id')} GROUP BY paper_id",
                (*state.decay_params, *bounds, self.sql.list_param(account_ids)),
            )

    def advance(self, conn: Connection, now: int, states: dict[str, WindowState]) -> None:
        """Remove the votes that left each window by ``now``."""
        for window in self.settings.windows:
            state = states.get(window.name)
            if state is None or window.length is None or now - window.length <= state.cutoff:
                continue
            cutoff = now - window.length
            self._add(
                conn,
                state.name,
                f"SELECT paper_id, -SUM({self._new}) AS delta, -COUNT(*) AS people FROM votes "
                f"WHERE first_at > ? AND first_at <= ? AND first_at <= ? AND {NOT_BLOCKED} GROUP BY paper_id",
                (*state.decay_params, state.cutoff, cutoff, state.horizon),
            )
            self.sql.execute(conn, "DELETE FROM window_scores WHERE window_name = ? AND people <= 0", (state.name,))
            self.sql.execute(conn, "UPDATE window_state SET cutoff = ? WHERE window_name = ?", (cutoff, state.name))
            states[state.name] = WindowState(state.name, cutoff, state.t0, state.rate)

    def _add(self, conn: Connection, name: str, select: str, params: Sequence[Any]) -> None:
        self.sql.execute(
            conn,
            "INSERT INTO window_scores (window_name, paper_id, score, people) "
            f"SELECT ?, d.paper_id, d.delta, d.people FROM ({select}) AS d WHERE true "
            "ON CONFLICT (window_name, paper_id) DO UPDATE SET score = window_scores.score + excluded.score, "
            "people = window_scores.people + excluded.people",
            (name, *params),
        )
