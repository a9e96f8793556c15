"""core.ranking: one vote per account per paper, kind weights, half-life decay, windows, audiences."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papertalk.config import Settings, SettingsError
from papertalk.core.ranking import (
    DAY,
    HOUR,
    KIND_BITS,
    RankingSettings,
    parse_duration,
    rank,
    votes_from_mentions,
)
from papertalk.core.records import Mention, PostKind

NOW = 1_795_176_000  # 2026-11-20T12:00:00Z
S = RankingSettings()
WEEK = S.window("week")


def m(paper: str, account: str, hours_ago: float, kind: PostKind = PostKind.POST) -> Mention:
    return Mention(paper, account, NOW - round(hours_ago * HOUR), kind)


WORKED_EXAMPLE = [
    m("A", "alice", 72),  # original post, 3 days ago: 1.0 x 2^-1
    m("A", "alice", 10, PostKind.REPOST),  # alice again: no second vote
    m("A", "bob", 24, PostKind.REPOST),  # bare repost, 1 day ago: 0.25 x 2^(-1/3)
    m("A", "carol", 12, PostKind.REPLY),  # reply with the link, 12 h ago: 0.5 x 2^(-1/6)
    m("A", "dave", 8 * 24),  # 8 days ago: outside the week
    m("B", "erin", 2),  # 1.0 x 2^(-2/72)
    m("B", "frank", 6, PostKind.QUOTE),  # 1.0 x 2^(-6/72)
]


def test_worked_example_of_docs_ranking_md() -> None:
    ranked = rank(votes_from_mentions(WORKED_EXAMPLE), NOW, WEEK, S, explain=True)
    assert [r.arxiv_id for r in ranked] == ["B", "A"]
    b, a = ranked
    assert b.score == pytest.approx(2 ** (-2 / 72) + 2 ** (-6 / 72))
    assert b.score == pytest.approx(1.9248, abs=1e-4)
    assert a.score == pytest.approx(0.5 + 0.25 * 2 ** (-1 / 3) + 0.5 * 2 ** (-1 / 6))
    assert a.score == pytest.approx(1.1438, abs=1e-4)
    assert a.people == 3  # dave is outside the window, alice counts once
    assert [(c.account, c.weight) for c in a.breakdown] == [("alice", 1.0), ("carol", 0.5), ("bob", 0.25)]
    alice = a.breakdown[0]
    assert alice.decay == pytest.approx(0.5)
    assert alice.first_at == NOW - 72 * HOUR  # the first mention, not the later repost


def test_strongest_kind_wins_whatever_the_order() -> None:
    votes = votes_from_mentions([m("P", "u", 5, PostKind.REPOST), m("P", "u", 1, PostKind.POST)])
    assert len(votes) == 1
    assert votes[0].first_at == NOW - 5 * HOUR
    assert S.weight_of(votes[0].kinds) == 1.0
    assert votes[0].kinds == KIND_BITS[PostKind.REPOST] | KIND_BITS[PostKind.POST]


def test_windows_and_half_lives() -> None:
    votes = votes_from_mentions([m("P", "u", 20), m("Q", "v", 30), m("R", "w", 24 * 20), m("S", "x", 24 * 40)])
    today = {r.arxiv_id: r.score for r in rank(votes, NOW, S.window("today"), S)}
    assert today == {"P": pytest.approx(2 ** (-20 / 24))}
    month = {r.arxiv_id for r in rank(votes, NOW, S.window("month"), S)}
    assert month == {"P", "Q", "R"}
    everything = rank(votes, NOW, S.window("all"), S)
    assert {r.arxiv_id: r.score for r in everything} == {"P": 1.0, "Q": 1.0, "R": 1.0, "S": 1.0}


def test_future_votes_do_not_count() -> None:
    votes = votes_from_mentions([m("P", "u", -1)])
    assert rank(votes, NOW, WEEK, S) == []


def test_audience_and_blocked_accounts() -> None:
    votes = votes_from_mentions(WORKED_EXAMPLE)
    mine = rank(votes, NOW, WEEK, S, audience=frozenset({"carol", "erin"}))
    assert {r.arxiv_id: r.people for r in mine} == {"A": 1, "B": 1}
    without_erin = rank(votes, NOW, WEEK, S, blocked=frozenset({"erin"}))
    assert {r.arxiv_id: r.people for r in without_erin} == {"A": 3, "B": 1}


def test_ties_break_by_people_then_id() -> None:
    votes = votes_from_mentions(
        [m("Z", "a", 1), m("Y", "b", 1, PostKind.REPLY), m("Y", "c", 1, PostKind.REPLY), m("X", "d", 1)]
    )
    assert [r.arxiv_id for r in rank(votes, NOW, WEEK, S)] == ["Y", "X", "Z"]


def test_settings_from_the_ranking_variables() -> None:
    env = {"PAPERTALK_RANKING_WEIGHT_REPOST": "0", "PAPERTALK_RANKING_HALF_LIFE_WEEK": "36h"}
    custom = Settings.from_env({**env, "PAPERTALK_RANKING_LENGTH_TODAY": "12h"}).ranking
    assert custom.weights[PostKind.REPOST] == 0.0
    assert custom.window("week").half_life == 36 * HOUR
    assert custom.window("today").length == 12 * HOUR
    assert custom.weight_of(KIND_BITS[PostKind.REPOST] | KIND_BITS[PostKind.REPLY]) == 0.5
    assert Settings.from_env({"PAPERTALK_RANKING_HALF_LIFE_TODAY": "none"}).ranking.window("today").half_life is None
    assert Settings.from_env({}).ranking == RankingSettings()
    with pytest.raises(SettingsError, match="PAPERTALK_RANKING_HALF_LIFE_YEAR is not a ranking setting"):
        Settings.from_env({"PAPERTALK_RANKING_HALF_LIFE_YEAR": "3d"})
    with pytest.raises(SettingsError, match="PAPERTALK_RANKING_SPEED is not a ranking setting"):
        Settings.from_env({"PAPERTALK_RANKING_SPEED": "1"})
    with pytest.raises(ValueError, match="unknown window"):
        S.window("decade")
    assert parse_duration("90m") == 5400
    assert parse_duration("2w") == 14 * DAY


mention_lists = st.lists(
    st.builds(
        Mention,
        st.sampled_from(["P1", "P2", "P3", "P4"]),
        st.sampled_from(["a", "b", "c", "d", "e"]),
        st.integers(NOW - 40 * DAY, NOW + HOUR),
        st.sampled_from(list(PostKind)),
    ),
    max_size=60,
)


@given(mention_lists, st.randoms())
def test_votes_do_not_depend_on_order_or_repetition(mentions: list[Mention], rnd: random.Random) -> None:
    shuffled = mentions + mentions[: len(mentions) // 2]
    rnd.shuffle(shuffled)
    assert set(votes_from_mentions(mentions)) == set(votes_from_mentions(shuffled))


@given(mention_lists)
def test_score_is_bounded_by_people_and_sorted(mentions: list[Mention]) -> None:
    for window in S.windows:
        ranked = rank(votes_from_mentions(mentions), NOW, window, S)
        for r in ranked:
            assert 0 < r.score <= r.people * max(S.weights.values()) + 1e-9 or math.isclose(r.score, 0.0)
        assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
        assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
