"""How papers are counted and ranked: one vote per account per paper, kind weights, half-life decay.

This module is the specification (docs/ranking.md explains it with a worked example). Storage keeps
the votes it describes up to date as posts arrive and evaluates the same formula in SQL; the tests
check that both agree. ``now`` is always a parameter: nothing here reads a clock.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from papertalk.core.records import Mention, PostKind, RankedPaper, Vote, VoteContribution

KIND_BITS: Mapping[PostKind, int] = {
    PostKind.POST: 1,
    PostKind.QUOTE: 2,
    PostKind.REPLY: 4,
    PostKind.REPOST: 8,
}

HOUR = 3600
DAY = 24 * HOUR


@dataclass(frozen=True, slots=True)
class Window:
    """A ranking window: votes placed in the last ``length`` seconds count, decayed with ``half_life``.
    ``None`` length means all time; ``None`` half-life means no decay."""

    name: str
    length: int | None
    half_life: int | None


DEFAULT_WINDOWS: tuple[Window, ...] = (
    Window("today", DAY, DAY),
    Window("week", 7 * DAY, 3 * DAY),
    Window("month", 30 * DAY, 10 * DAY),
    Window("all", None, None),
)

DEFAULT_WEIGHTS: Mapping[PostKind, float] = {
    PostKind.POST: 1.0,
    PostKind.QUOTE: 1.0,
    PostKind.REPLY: 0.5,
    PostKind.REPOST: 0.25,
}

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": HOUR, "d": DAY, "w": 7 * DAY}


def parse_duration(text: str) -> int:
    """``"36h"``, ``"3d"``, ``"90m"`` or plain seconds -> seconds."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 24h, 3d, 90m or seconds)")
    return round(float(match.group(1)) * _UNIT_SECONDS[match.group(2)])


@dataclass(frozen=True)
class RankingSettings:
    """Kind weights and windows. Change them through ``PAPERTALK_RANKING_*`` (see docs/settings.md)."""

    weights: Mapping[PostKind, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    windows: tuple[Window, ...] = DEFAULT_WINDOWS

    def window(self, name: str) -> Window:
        for window in self.windows:
            if window.name == name:
                return window
        names = ", ".join(w.name for w in self.windows)
        raise ValueError(f"unknown window {name!r}: choose one of {names}")

    def strongest_first(self) -> list[tuple[int, float]]:
        """(kind bit, weight) pairs, heaviest first: the weight of a bit set is that of its first match."""
        return sorted(((KIND_BITS[k], w) for k, w in self.weights.items()), key=lambda bw: (-bw[1], bw[0]))

    def weight_of(self, kinds: int) -> float:
        for bit, weight in self.strongest_first():
            if kinds & bit:
                return weight
        return 0.0


def decay(age: float, half_life: int | None) -> float:
    """2^(-age / half_life); no decay without a half-life."""
    if half_life is None:
        return 1.0
    return math.pow(2.0, -age / half_life)


def window_start(window: Window, now: int) -> int | None:
    """Votes placed after this instant (exclusive) and at or before ``now`` are in the window."""
    return None if window.length is None else now - window.length


def votes_from_mentions(mentions: Iterable[Mention]) -> list[Vote]:
    """Collapse mentions to one vote per (paper, account): earliest time, union of kinds."""
    first: dict[tuple[str, str], tuple[int, int]] = {}
    for m in mentions:
        key = (m.arxiv_id, m.account)
        bit = KIND_BITS[m.kind]
        if key in first:
            at, kinds = first[key]
            first[key] = (min(at, m.at), kinds | bit)
        else:
            first[key] = (m.at, bit)
    return [Vote(p, a, at, kinds) for (p, a), (at, kinds) in first.items()]


def in_window(at: int, since: int | None, now: int) -> bool:
    return (since is None or at > since) and at <= now


def rank(
    votes: Iterable[Vote],
    now: int,
    window: Window,
    settings: RankingSettings,
    audience: frozenset[str] | None = None,
    blocked: frozenset[str] = frozenset(),
    limit: int | None = None,
    explain: bool = False,
) -> list[RankedPaper]:
    """Score every paper from its votes in the window; highest score first, ties by more people, then id.

    ``audience`` limits the votes to a set of accounts (a person's network); ``None`` means everyone.
    """
    since = window_start(window, now)
    per_paper: dict[str, list[VoteContribution]] = {}
    for vote in votes:
        if vote.account in blocked or (audience is not None and vote.account not in audience):
            continue
        if not in_window(vote.first_at, since, now):
            continue
        weight = settings.weight_of(vote.kinds)
        factor = decay(now - vote.first_at, window.half_life)
        per_paper.setdefault(vote.arxiv_id, []).append(
            VoteContribution(vote.account, vote.first_at, weight, factor, weight * factor)
        )
    scored = [
        (math.fsum(c.contribution for c in contributions), len(contributions), arxiv_id, contributions)
        for arxiv_id, contributions in per_paper.items()
    ]
    scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
    if limit is not None:
        scored = scored[:limit]
    return [
        RankedPaper(
            rank=i,
            arxiv_id=arxiv_id,
            score=score,
            people=people,
            breakdown=tuple(sorted(contribs, key=lambda c: (-c.contribution, c.first_at))) if explain else (),
        )
        for i, (score, people, arxiv_id, contribs) in enumerate(scored, start=1)
    ]
