"""Trending papers for a window and an audience: ranked in SQL, completed with paper records and counts."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from papertalk.config import Settings
from papertalk.core.ranking import Window, rank
from papertalk.core.records import RankedPaper
from papertalk.storage.capture.account_rows import network_id
from papertalk.storage.catalogue.paper_rows import papers_by_row
from papertalk.storage.engine import Engine
from papertalk.storage.instance_meta import DEMO_KEY, get_meta
from papertalk.storage.ranking.trending_filters import count_filtered, top_filtered
from papertalk.storage.ranking.trending_queries import Audience, count_ranked, post_counts, top_papers, votes_of_paper

CATEGORY = re.compile(r"^[A-Za-z][A-Za-z.-]{0,39}$")  # an arXiv category such as cs.LG or hep-th


class UnknownNetwork(LookupError):
    """A network name that does not exist."""


def category_problem(category: str | None) -> str | None:
    """Why ``category`` cannot be an arXiv category (None when it can, or is not given)."""
    if category is not None and not CATEGORY.match(category):
        return f"not an arXiv category: {category[:40]!r} (write it like cs.LG or hep-th)"
    return None


@dataclass(frozen=True)
class TrendingQuery:
    window: str = "week"
    network: str | None = None  # None: everyone
    limit: int = 20
    offset: int = 0
    explain: bool = False  # include each paper's score breakdown
    with_total: bool = False
    new_only: bool = False  # only papers first submitted within the window, as the web's "new papers only"
    category: str | None = None  # only papers of this primary category, e.g. cs.LG


@dataclass(frozen=True)
class TrendingResult:
    window: Window
    audience: str
    now: int
    items: list[RankedPaper]
    total: int | None
    demo: str | None = None  # set when the database holds the synthetic demo world
    new_only: bool = False
    category: str | None = None


def trending(engine: Engine, settings: Settings, now: int, query: TrendingQuery) -> TrendingResult:
    """The ranked papers of ``query``; ValueError for an unknown window or a malformed category."""
    window = settings.ranking.window(query.window)
    problem = category_problem(query.category)
    if problem:
        raise ValueError(problem)
    filtered = query.category is not None or (query.new_only and window.length is not None)
    categories = () if query.category is None else (query.category,)
    with engine.connect() as conn:
        audience = Audience()
        if query.network is not None:
            found = network_id(conn, query.network)
            if found is None:
                raise UnknownNetwork(f"no network named {query.network!r}: see `papertalk network list`")
            audience = Audience(found)
        if filtered:
            rows = top_filtered(
                conn, now, window, settings.ranking, audience, query.new_only, categories, query.limit, query.offset
            )
        else:
            rows = top_papers(conn, now, window, settings.ranking, audience, query.limit, query.offset)
        paper_rows = [r.paper_row for r in rows]
        counts = post_counts(conn, paper_rows, now, window, audience)
        papers = papers_by_row(conn, paper_rows)
        items: list[RankedPaper] = []
        for position, row in enumerate(rows, start=query.offset + 1):
            item = RankedPaper(
                rank=position,
                arxiv_id=row.arxiv_id,
                score=row.score,
                people=row.people,
                posts=counts.get(row.paper_row, 0),
                paper=papers.get(row.paper_row),
            )
            if query.explain:
                votes = votes_of_paper(conn, row.paper_row, now, window, audience)
                explained = rank(votes, now, window, settings.ranking, explain=True)
                item = replace(item, breakdown=explained[0].breakdown if explained else ())
            items.append(item)
        total = None
        if query.with_total:
            total = (
                count_filtered(conn, now, window, audience, query.new_only, categories)
                if filtered
                else count_ranked(conn, now, window, audience, settings.ranking)
            )
        demo = get_meta(conn, DEMO_KEY)
    label = "everyone" if query.network is None else f"network {query.network}"
    return TrendingResult(window, label, now, items, total, demo, query.new_only, query.category)
