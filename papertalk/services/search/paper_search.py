"""Search the catalogue: words, "phrases", title:/author:/cat:, dates; ranked by BM25, then attention, then
recency; or by what is trending. An arXiv id or URL jumps straight to that paper.

How a search stays fast at millions of papers (docs/search.md has the whole story): the database only
selects a bounded set of candidates by a fixed rule - the newest ``CANDIDATES`` matching papers and the
matching papers among the ``ATTENTION_SCAN`` most talked-about ones - and BM25 ranks those in
``core.search_terms``, with IDF estimated on the newest ``IDF_SAMPLE`` papers. Below ``CANDIDATES``
matches the ranking is exact over every match.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Literal

from papertalk.core.records import Paper
from papertalk.core.search_query import QueryError, SearchQuery, parse_query
from papertalk.core.search_terms import Term, bm25_scores, query_terms
from papertalk.storage.catalogue.paper_rows import paper_row_id, papers_by_arxiv_id, papers_by_row
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.engine import Connection, Engine
from papertalk.storage.search import search_queries as q
from papertalk.storage.search.search_match import fts5_match, tsquery

__all__ = ["SearchHit", "SearchQueryError", "SearchResults", "search_papers"]

CANDIDATES = 200
ATTENTION_SCAN = 2000
IDF_SAMPLE = 1_000
TRENDING_WINDOW = "week"
ATTENTION_WINDOW = "all"


@dataclass(frozen=True)
class SearchHit:
    paper: Paper
    score: float
    posts: int


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[SearchHit]
    total: int | None  # None: more matches than the candidates looked at
    jump_to: str | None  # arXiv id for id/URL queries


class SearchQueryError(ValueError):
    """The query cannot be searched; the message is one line saying what is wrong."""


def _epoch(day: date | None, end: bool) -> int | None:
    if day is None:
        return None
    moment = datetime.combine(day, time.max if end else time.min, tzinfo=UTC)
    return int(moment.timestamp())


def _parse(text: str) -> SearchQuery:
    try:
        parsed = parse_query(text)
    except QueryError as exc:
        raise SearchQueryError(str(exc)) from None
    if parsed.is_empty:
        raise SearchQueryError('nothing to search for: type words, a "phrase", author:, title:, cat: or year:')
    return parsed


def search_papers(
    database: Engine,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    order: Literal["relevance", "trending"] = "relevance",
) -> SearchResults:
    """One page of papers matching ``query``; raises SearchQueryError for a query that cannot be searched."""
    parsed = _parse(query)
    terms, excluded = query_terms(parsed)
    if not terms and not parsed.categories and parsed.date_from is None and parsed.date_to is None:
        raise SearchQueryError("only exclusions: add a word or a filter to search for")
    with database.connect() as conn:
        if parsed.arxiv_id is not None:
            found = papers_by_arxiv_id(conn, [parsed.arxiv_id.arxiv_id])
            jump = parsed.arxiv_id.arxiv_id
            if jump in found:
                hit = SearchHit(found[jump], 0.0, _posts_of_id(conn, jump))
                return SearchResults(query, [hit], 1, jump)
        else:
            jump = None
        postgres = for_connection(conn).postgres
        build = tsquery if postgres else fts5_match
        dates = (_epoch(parsed.date_from, end=False), _epoch(parsed.date_to, end=True))
        filters = q.Filters(build(terms, parsed.categories, excluded), *dates)
        wanted = max(CANDIDATES, offset + limit)  # deep pages look at more candidates
        newest = q.newest_matches(conn, filters, wanted)
        rows = set(newest)
        window = TRENDING_WINDOW if order == "trending" else ATTENTION_WINDOW
        rows.update(q.attended_matches(conn, filters, window, ATTENTION_SCAN))
        ranked = _rank(conn, sorted(rows), terms, postgres, order)
        page = ranked[offset : offset + limit]
        papers = papers_by_row(conn, [row for row, _ in page])
        posts = q.post_counts(conn, [row for row, _ in page])
        hits = [SearchHit(papers[row], score, posts.get(row, 0)) for row, score in page if row in papers]
        total = len(rows) if len(newest) < wanted else None
    return SearchResults(query, hits, total, jump)


def _rank(conn: Connection, rows: list[int], terms: list[Term], postgres: bool, order: str) -> list[tuple[int, float]]:
    """(row, BM25) best first: by trending score first when asked, then BM25, attention, recency."""
    candidates, published = q.candidate_texts(conn, rows)
    build = tsquery if postgres else fts5_match
    documents, counts = q.sample_counts(conn, [build([t], (), ()) or "" for t in terms], IDF_SAMPLE)
    scores = bm25_scores(candidates, terms, counts, documents)
    attention = q.window_scores_of(conn, ATTENTION_WINDOW, rows)
    trending = q.window_scores_of(conn, TRENDING_WINDOW, rows) if order == "trending" else {}

    def key(row: int) -> tuple[float, float, float, int, int]:
        return (-trending.get(row, 0.0), -round(scores[row], 9), -attention.get(row, 0.0), -published[row], -row)

    return [(row, scores[row]) for row in sorted(scores, key=key)]


def _posts_of_id(conn: Connection, arxiv_id: str) -> int:
    row = paper_row_id(conn, arxiv_id)
    return 0 if row is None else q.post_counts(conn, [row]).get(row, 0)
