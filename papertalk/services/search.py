"""TEMPORARY stand-in for the search service of the papers issue: the same interface, but it only
matches title words (LIKE) and jumps to a paper for an arXiv id or URL. The real one (FTS over titles,
authors and abstracts) replaces this module and ``storage/title_search.py`` when it lands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from papertalk.core.arxiv_ids import parse_arxiv_id
from papertalk.core.records import Paper
from papertalk.storage.engine import Engine
from papertalk.storage.title_search import papers_with_title_words

MAX_QUERY = 500


@dataclass(frozen=True)
class SearchHit:
    paper: Paper
    score: float
    posts: int


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[SearchHit]
    total: int | None
    jump_to: str | None  # arXiv id for id/URL queries


class SearchQueryError(ValueError):
    """A query that cannot be searched (empty, too long); the message says why."""


def search_papers(
    database: Engine,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    order: Literal["relevance", "trending"] = "relevance",
) -> SearchResults:
    text = query.strip()
    if not text:
        raise SearchQueryError("q: empty query; type words from a title or an arXiv id")
    if len(text) > MAX_QUERY:
        raise SearchQueryError(f"q: query longer than {MAX_QUERY} characters")
    ref = parse_arxiv_id(text) if " " not in text else None
    if ref is not None:
        return SearchResults(text, [], None, ref.arxiv_id)
    words = [w for w in text.replace('"', " ").split() if w][:12]
    with database.connect() as conn:
        found, total = papers_with_title_words(conn, words, limit, offset, order == "trending")
    return SearchResults(text, [SearchHit(p, float(n), n) for p, n in found], total, None)
