"""A parsed search as each backend's match expression: an FTS5 MATCH string, or a PostgreSQL tsquery.

Both are built from the same token phrases (``core.search_terms``), so they select the same papers:
every term, title:/author: term and category must match, no excluded term may. Returns None when the
query has nothing the index can match (only a date range).
"""

from __future__ import annotations

from collections.abc import Sequence

from papertalk.core.search_terms import Term, category_token

_PG_WEIGHTS = {"title": "A", "authors": "B", "abstract": "C"}


def _fts_phrase(term: Term) -> str:
    return f'{{{" ".join(term.columns)}}} : "{" ".join(term.tokens)}"'


def fts5_match(terms: Sequence[Term], categories: Sequence[str], excluded: Sequence[Term]) -> str | None:
    """An FTS5 query over ``paper_fts`` (tokens are letters and digits only: nothing needs escaping)."""
    parts = [_fts_phrase(t) for t in terms]
    parts += [f'cats : "{category_token(c)}"' for c in categories]
    if not parts:
        return None
    expression = " AND ".join(f"({p})" for p in parts)
    for t in excluded:
        expression = f"({expression}) NOT ({_fts_phrase(t)})"
    return expression


def _pg_phrase(term: Term) -> str:
    weights = "".join(_PG_WEIGHTS[c] for c in term.columns)
    return " <-> ".join(f"'{token}':{weights}" for token in term.tokens)


def tsquery(terms: Sequence[Term], categories: Sequence[str], excluded: Sequence[Term]) -> str | None:
    """A tsquery literal over ``papers.search_vector`` (title A, authors B, abstract C, categories D)."""
    parts = [_pg_phrase(t) for t in terms]
    parts += [f"'{category_token(c)}':D" for c in categories]
    if not parts:
        return None
    parts += [f"!({_pg_phrase(t)})" for t in excluded]
    return " & ".join(f"({p})" for p in parts)
