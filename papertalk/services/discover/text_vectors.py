"""Papers as tf-idf vectors over their title and abstract tokens, compared by cosine, plus what two papers
share (terms, authors, categories) as a one-line reason. Pure: the document counts come from the caller.

Tokens are the search index's (``core.search_terms.tokens``): both indexes can then find the papers that
hold a term. Title tokens count twice (a title says what a paper is about in a dozen words). A token the
sample never saw more than once counts as seen once: rare, so heavily weighted.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from papertalk.core.records import Paper
from papertalk.core.search_terms import tokens

TITLE_WEIGHT = 2
REASON_TERMS = 3


def bag_of_words(paper: Paper) -> Counter[str]:
    """Token counts of the title (each ``TITLE_WEIGHT`` times) and abstract; one-letter and all-digit
    tokens dropped (``x``, ``2``: no meaning of their own)."""
    bag = Counter(tokens(paper.abstract or ""))
    for token in tokens(paper.title or ""):
        bag[token] += TITLE_WEIGHT
    for token in [t for t in bag if len(t) < 2 or t.isdigit()]:  # once per distinct token, not per occurrence
        del bag[token]
    return bag


def idf(documents: int, docs: int) -> float:
    """Smoothed IDF (as scikit-learn's): ``log((1 + n) / (1 + df)) + 1``."""
    return math.log((1 + documents) / (1 + docs)) + 1.0


@dataclass(frozen=True)
class Vector:
    weights: Mapping[str, float]  # unit length

    def top_terms(self, count: int) -> list[str]:
        return sorted(self.weights, key=lambda t: (-self.weights[t], t))[:count]


def idf_table(terms: Iterable[str], counts: Mapping[str, int], documents: int) -> dict[str, float]:
    """The IDF of each of ``terms`` (computed once per term, however many papers hold it)."""
    return {t: idf(documents, counts.get(t, 1)) for t in terms}


def vector(bag: Mapping[str, int], idfs: Mapping[str, float]) -> Vector:
    raw = {t: (1.0 + math.log(n)) * idfs[t] for t, n in bag.items()}
    norm = math.sqrt(sum(w * w for w in raw.values())) or 1.0
    return Vector({t: w / norm for t, w in raw.items()})


def closeness(query: Vector, bag: Mapping[str, int], idfs: Mapping[str, float]) -> tuple[float, list[str]]:
    """The cosine of ``query`` and the paper whose token counts are ``bag``, and the shared terms that add the
    most to it, the most first. The paper's vector is never built: its norm and the shared terms' parts are
    all a comparison needs (similar papers compares 40 candidates a request)."""
    log = math.log
    norm = math.sqrt(sum(((1.0 + log(n)) * idfs[t]) ** 2 for t, n in bag.items())) or 1.0
    weights = query.weights
    parts = {t: weights[t] * (1.0 + log(n)) * idfs[t] / norm for t, n in bag.items() if t in weights}
    return sum(parts.values()), sorted(parts, key=lambda t: (-parts[t], t))[:REASON_TERMS]


def _author_key(name: str) -> str:
    """A name as "surname, first initial": ``Geoffrey E. Hinton`` and ``G. Hinton`` are one person here."""
    parts = tokens(name)
    return f"{parts[-1]} {parts[0][0]}" if len(parts) > 1 else (parts[0] if parts else "")


def author_keys(paper: Paper) -> frozenset[str]:
    """The paper's authors as ``_author_key``s (computed once per query paper, not once per candidate)."""
    return frozenset(_author_key(n) for n in paper.authors) - {""}


def shared_authors(keys: frozenset[str], b: Paper) -> list[str]:
    """The authors of ``b`` who are (by surname and first initial) among ``keys``, as ``b`` writes them."""
    return [n for n in b.authors if _author_key(n) in keys]


def shared_categories(a: Paper, b: Paper) -> list[str]:
    return [c for c in b.categories if c in a.categories]


def reason(terms: Sequence[str], authors: Sequence[str], categories: Sequence[str]) -> str:
    """One line: what the two papers share, strongest signal first."""
    parts = []
    if authors:
        parts.append(("author " if len(authors) == 1 else "authors ") + ", ".join(authors[:3]))
    if terms:
        parts.append("terms " + ", ".join(f"“{t}”" for t in terms))
    if categories:
        parts.append(("category " if len(categories) == 1 else "categories ") + ", ".join(categories[:3]))
    return "Shares " + "; ".join(parts) if parts else "Close in wording"
