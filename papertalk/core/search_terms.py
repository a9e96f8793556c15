"""Search terms as token sequences, and BM25 over a set of candidate papers. Pure: no database.

Tokens are what both search indexes see (SQLite FTS5 ``unicode61 remove_diacritics 2`` and the PostgreSQL
``simple`` configuration over accent-folded text whose non-alphanumerics became spaces): runs of letters and
digits, lowercased, accents folded (``core.accent_fold``).
A term is a phrase of one or more tokens; ``GPT-4`` is the phrase ``gpt 4``.

Relevance is BM25 summed over the columns a term may match, each column with its own weight and length
normalization (lengths in characters), with a term's IDF estimated from a sample of the catalogue (the
caller supplies the counts). Computing the term frequencies here, on the candidates' text, makes the score
identical on both databases for the same candidates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from papertalk.core.accent_fold import fold_accents
from papertalk.core.search_query import SearchQuery

__all__ = ["COLUMN_WEIGHTS", "Candidate", "Term", "bm25_scores", "category_token", "query_terms", "tokens"]

_TOKEN = re.compile(r"[^\W_]+")
K1 = 1.2
B = 0.75
# Where a plain word or phrase may match, and how much a match there counts.
COLUMN_WEIGHTS: Mapping[str, float] = {"title": 3.0, "authors": 2.0, "abstract": 1.0}
ANY = ("title", "authors", "abstract")


def searchable(text: str) -> str:
    """``text`` as the indexes compare it: lowercased, accents folded (``Balázs`` -> ``balazs``)."""
    return fold_accents(text.lower())


def tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(searchable(text)))


def category_token(category: str) -> str:
    """The one index token of a category or archive: ``cs.LG`` -> ``cs0lg``, ``hep-th`` -> ``hep1th``."""
    return category.lower().replace("-", "1").replace(".", "0")


@dataclass(frozen=True)
class Term:
    """One phrase of tokens that must occur in one of ``columns``."""

    tokens: tuple[str, ...]
    columns: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        """Finds the phrase in lowercased text; a match counts when no letter or digit comes just before it
        (checked by ``count_in``: a literal first lets the regex engine scan fast)."""
        body = r"[\W_]+".join(re.escape(t) for t in self.tokens)
        return re.compile(rf"{body}(?![^\W_])")


def count_in(pattern: re.Pattern[str], lowered: str, first_token: str) -> int:
    """How often the phrase occurs in ``lowered`` as whole tokens."""
    if first_token not in lowered:  # a plain substring test first: many columns do not hold the term at all
        return 0
    return sum(1 for m in pattern.finditer(lowered) if (s := m.start()) == 0 or not lowered[s - 1].isalnum())


def query_terms(query: SearchQuery) -> tuple[list[Term], list[Term]]:
    """The scored terms (words, phrases, title:, author:) and the excluded ones; empty phrases dropped."""
    wanted: list[Term] = []
    for texts, columns in (
        (query.words, ANY),
        (query.phrases, ANY),
        (query.title_terms, ("title",)),
        (query.author_terms, ("authors",)),
    ):
        wanted.extend(Term(t, columns) for t in map(tokens, texts) if t)
    excluded = [Term(t, ANY) for t in map(tokens, query.excluded) if t]
    return list(dict.fromkeys(wanted)), list(dict.fromkeys(excluded))


@dataclass(frozen=True)
class Candidate:
    row: int
    texts: Mapping[str, str]  # column name -> text ("" when missing)


def idf(documents: int, matching: int) -> float:
    return math.log(1.0 + (documents - matching + 0.5) / (matching + 0.5))


def bm25_scores(
    candidates: Sequence[Candidate], terms: Sequence[Term], document_counts: Sequence[int], documents: int
) -> dict[int, float]:
    """BM25 of each candidate: for each term, IDF times the weighted saturated frequency in each column.

    ``document_counts[i]`` is how many of ``documents`` (a sample of the catalogue) match ``terms[i]``.
    Average column lengths are taken over the candidates.
    """
    averages = {
        column: max(1.0, sum(len(c.texts[column]) for c in candidates) / max(1, len(candidates))) for column in ANY
    }
    scores = dict.fromkeys((c.row for c in candidates), 0.0)
    lowered = [{column: searchable(c.texts[column]) for column in ANY} for c in candidates]
    for term, matching in zip(terms, document_counts, strict=True):
        weight = idf(max(documents, matching), matching)
        pattern = term.pattern()
        for c, texts in zip(candidates, lowered, strict=True):
            total = 0.0
            for column in term.columns:
                text = texts[column]
                if text and (tf := count_in(pattern, text, term.tokens[0])):
                    norm = 1.0 - B + B * len(text) / averages[column]
                    total += COLUMN_WEIGHTS[column] * tf * (K1 + 1.0) / (tf + K1 * norm)
            scores[c.row] += weight * total
    return scores
