"""Similar papers: a more-like-this over the search index, re-ranked by tf-idf cosine, with authors and
categories, each with the one-line reason it is suggested.

1. The paper's tf-idf vector (title and abstract; IDF from the sampled term statistics) names its
   ``QUERY_TERMS`` most distinctive terms.
2. For each term the index gives up to ``PER_TERM`` papers holding it (the newest first), and for each of
   its first ``QUERY_AUTHORS`` authors up to ``PER_AUTHOR`` papers by them; a paper collects the weight of
   every term it was found by, plus ``AUTHOR_PULL`` per shared author.
3. The ``RERANK`` papers with the most are compared in full: cosine of the tf-idf vectors, plus
   ``AUTHOR_BONUS`` per shared author (at most 3) and ``CATEGORY_BONUS`` times the share of this paper's
   categories the other one has (the primary category counting double).

With semantic vectors (``PAPERTALK_EMBEDDER`` set and ``papertalk embed`` run), the paper's ``NEIGHBOURS``
closest vectors join the candidates, and a candidate's text score blends the tf-idf cosine with the vector
cosine (``blend.blended``); a paper without a vector keeps the words alone.

The work is bounded by those constants, not by the size of the catalogue (docs/discover.md has the figures).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from papertalk.config import EmbedderSettings
from papertalk.core.records import Paper
from papertalk.core.search_terms import tokens
from papertalk.services.discover import text_vectors as tv
from papertalk.services.discover.blend import blended, meaning_reason
from papertalk.services.discover.term_stats import TermStats, current_term_stats
from papertalk.storage.catalogue.paper_rows import paper_row_id, papers_by_row
from papertalk.storage.discover.similar_queries import papers_with
from papertalk.storage.engine import Connection, Engine

if TYPE_CHECKING:
    from papertalk.services.discover.meaning import Meaning

QUERY_TERMS = 12
PER_TERM = 150
QUERY_AUTHORS = 6
PER_AUTHOR = 40
AUTHOR_PULL = 0.15
RERANK = 40
AUTHOR_BONUS = 0.08
CATEGORY_BONUS = 0.12
SHOWN = 10


@dataclass(frozen=True)
class SimilarPaper:
    paper: Paper
    score: float
    reason: str
    terms: tuple[str, ...]
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    meaning: float | None = None  # the cosine of the two semantic vectors, when both have one


class UnknownPaper(LookupError):
    """The catalogue does not hold this paper."""


def similar_papers(
    engine: Engine,
    arxiv_id: str,
    limit: int = SHOWN,
    embedder: EmbedderSettings | None = None,
    wait_for_vectors: bool = True,
) -> list[SimilarPaper]:
    """Up to ``limit`` papers most like ``arxiv_id``, the closest first ([] when it has no title yet); with
    ``embedder`` on, their stored semantic vectors count too (``wait_for_vectors=False``, for pages: the
    words alone while this process first reads them, ``vector_index.current_index``)."""
    stats = current_term_stats(engine)
    meaning = _meaning(engine, embedder, wait_for_vectors)
    with engine.connect() as conn:
        row = paper_row_id(conn, arxiv_id)
        if row is None:
            raise UnknownPaper(f"arXiv:{arxiv_id} is not in the catalogue")
        paper = papers_by_row(conn, [row])[row]
        if paper.title is None:
            return []
        return _similar(conn, row, paper, stats, limit, meaning)


def _meaning(engine: Engine, embedder: EmbedderSettings | None, wait: bool) -> Meaning | None:
    if embedder is None or not embedder.on:
        return None  # and numpy is never imported: the base install has none
    from papertalk.services.discover.meaning import meaning_of

    return meaning_of(engine, embedder.model_key, wait)


def _similar(
    conn: Connection, row: int, paper: Paper, stats: TermStats, limit: int, meaning: Meaning | None = None
) -> list[SimilarPaper]:
    bag = tv.bag_of_words(paper)
    counts, documents = stats.counts, stats.papers
    query = tv.vector(bag, tv.idf_table(bag, counts, documents))
    pulled: defaultdict[int, float] = defaultdict(float)
    scale = stats.top_row / max(documents, 1)  # sample counts -> expected matches in the whole catalogue
    for term in query.top_terms(QUERY_TERMS):
        for found in papers_with(conn, (term,), "text", PER_TERM, counts.get(term, 1) * scale):
            pulled[found] += query.weights[term]
    for name in paper.authors[:QUERY_AUTHORS]:
        words = tokens(name)
        if words:  # the surname and the first given name or initial, anywhere in the list: cheap to find
            for found in papers_with(conn, (words[-1], words[0]), "authors", PER_AUTHOR, float("inf")):
                pulled[found] += AUTHOR_PULL
    pulled.pop(row, None)
    picked = heapq.nlargest(RERANK, pulled, key=lambda r: (pulled[r], r))
    cosines: dict[int, float] = {}
    if meaning is not None:
        seen = set(picked)
        picked += [r for r in meaning.neighbours(row) if r not in seen]
        cosines = meaning.to_one(row, picked)
    candidates = papers_by_row(conn, picked)
    bags = {r: tv.bag_of_words(p) for r, p in candidates.items() if p.title is not None}
    vocabulary = set().union(*bags.values()) if bags else set()
    idfs = tv.idf_table(vocabulary, counts, documents)
    keys = tv.author_keys(paper)
    ranked = [
        _compared(paper, keys, candidates[r], tv.closeness(query, b, idfs), cosines.get(r)) for r, b in bags.items()
    ]
    ranked.sort(key=lambda s: (-s.score, s.paper.arxiv_id))
    return ranked[:limit]


def _category_share(paper: Paper, other: Paper) -> float:
    """How much of ``paper``'s categories ``other`` has, its primary category counting double."""
    if not paper.categories:
        return 0.0
    weights = {c: (2.0 if i == 0 else 1.0) for i, c in enumerate(paper.categories)}
    primary_match = 1.0 if other.categories and other.categories[0] == paper.categories[0] else 0.0
    shared = sum(w for c, w in weights.items() if c in other.categories)
    return 0.5 * primary_match + 0.5 * shared / sum(weights.values())


def _compared(
    paper: Paper, keys: frozenset[str], other: Paper, text: tuple[float, list[str]], meaning: float | None
) -> SimilarPaper:
    closeness, terms = text
    authors = tv.shared_authors(keys, other)
    categories = tv.shared_categories(paper, other)
    reason = meaning_reason(meaning, tv.reason(terms, authors, categories))
    score = (
        blended(closeness, meaning)
        + AUTHOR_BONUS * min(len(authors), 3)
        + CATEGORY_BONUS * _category_share(paper, other)
    )
    return SimilarPaper(other, score, reason, tuple(terms), tuple(authors), tuple(categories), meaning)
