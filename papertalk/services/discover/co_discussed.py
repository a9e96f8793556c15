"""Discussed by the same people: the papers that the accounts who posted about a paper also posted about
within ``SPAN`` of it, weighted as the ranking weighs votes (one vote per account and paper, the weight of
its strongest kind of post; blocked accounts never count), the heaviest first.

Bounded by ``VOTERS``: of a paper discussed by more accounts, the first ``VOTERS`` to post about it are
asked (the earliest readers, and a fixed cost however hot the paper is: at 10M mentions 2,000 cost 2× the
time of 400 for the week's hottest paper, bench/discover co).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass

from papertalk.core.ranking import DAY, RankingSettings
from papertalk.core.records import Paper
from papertalk.storage.catalogue.paper_rows import paper_row_id, papers_by_row
from papertalk.storage.discover.co_discussion import co_voted
from papertalk.storage.engine import Engine

SPAN = 3 * DAY
VOTERS = 400
SHOWN = 10


@dataclass(frozen=True)
class CoDiscussed:
    paper: Paper
    score: float  # the sum of the weights of the shared accounts' votes
    people: int
    reason: str


def discussed_by_same_people(
    engine: Engine, ranking: RankingSettings, arxiv_id: str, limit: int = SHOWN
) -> list[CoDiscussed]:
    """Up to ``limit`` papers discussed by the accounts that discussed ``arxiv_id``, around the same days."""
    with engine.connect() as conn:
        row = paper_row_id(conn, arxiv_id)
        if row is None:
            return []
        score: defaultdict[int, float] = defaultdict(float)
        people: defaultdict[int, int] = defaultdict(int)
        for paper, kinds, accounts in co_voted(conn, row, SPAN, VOTERS):
            score[paper] += ranking.weight_of(kinds) * accounts
            people[paper] += accounts
        top = heapq.nlargest(limit, score, key=lambda p: (score[p], people[p], -p))
        papers = papers_by_row(conn, top)
    days = SPAN // DAY
    return [
        CoDiscussed(
            papers[p],
            score[p],
            people[p],
            f"{people[p]} {'account' if people[p] == 1 else 'accounts'} that posted about this paper "
            f"posted about it within {days} days",
        )
        for p in top
        if p in papers
    ]
