"""The read side of summaries: a paper's public summaries and the reader's own summary and notes on it,
the summaries page's tabs, a person's profile, and search — each only what the reader may see."""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.core.people_records import User
from papertalk.core.people_rules import name_key
from papertalk.core.search_terms import tokens
from papertalk.core.summary_records import Summary
from papertalk.storage.catalogue.paper_rows import paper_row_id
from papertalk.storage.engine import Engine
from papertalk.storage.library import summary_rows, vote_rows
from papertalk.storage.people.user_rows import user_by_key

PAPER_SHOWN = 200
TABS = ("recent", "best", "popular")
POPULAR_DAYS = 7
PAGE_SIZE = 30


@dataclass(frozen=True)
class PaperSummaries:
    """What a paper page shows of the library: public summaries (best first, then newest), the reader's
    own summary and notes, and the reader's votes."""

    listed: list[Summary]
    total: int
    mine: Summary | None
    notes: list[Summary]
    my_votes: dict[int, int]


def of_paper(engine: Engine, viewer: User | None, arxiv_id: str) -> PaperSummaries:
    with engine.connect() as conn:
        paper = paper_row_id(conn, arxiv_id)
        if paper is None:
            return PaperSummaries([], 0, None, [], {})
        listed = summary_rows.listed_of_paper(conn, paper, PAPER_SHOWN)
        total = len(listed) if len(listed) < PAPER_SHOWN else summary_rows.count_listed_of_paper(conn, paper)
        if viewer is None:
            return PaperSummaries(listed, total, None, [], {})
        mine = summary_rows.own_summary(conn, viewer.id, paper)
        notes = summary_rows.own_notes(conn, viewer.id, paper)
        votes = vote_rows.votes_of(conn, [s.id for s in listed], viewer.id)
    return PaperSummaries(listed, total, mine, notes, votes)


def tab(engine: Engine, order: str, category: str | None, page: int, now: int) -> list[Summary]:
    """One page of the summaries page's tab ``order`` (recent, best or popular)."""
    with engine.connect() as conn:
        return summary_rows.listed(conn, order if order in TABS else "recent", PAGE_SIZE, (page - 1) * PAGE_SIZE,
                                   category, now - POPULAR_DAYS * 86_400)  # fmt: skip


def of_person(engine: Engine, name: str) -> tuple[str, list[Summary]] | None:
    """A person's public, signed summaries (newest first) under their name; None: no such person."""
    with engine.connect() as conn:
        found = user_by_key(conn, name_key(name))
        if found is None or found.disabled:
            return None
        return found.name, summary_rows.listed_of_user(conn, found.id, PAGE_SIZE * 4)


def own(engine: Engine, viewer: User) -> list[Summary]:
    """All the reader's summaries and notes."""
    with engine.connect() as conn:
        return summary_rows.everything_of(conn, viewer.id)


def search(engine: Engine, viewer: User | None, query: str, limit: int = 20) -> list[Summary]:
    """Public summaries (and the reader's own summaries and notes) holding every word of ``query`` (letters and
    digits, accents folded, as the paper search reads it)."""
    words = tokens(" ".join(w for w in query.split() if ":" not in w))[:8]
    if not words:
        return []
    with engine.connect() as conn:
        return summary_rows.search_summaries(conn, words, viewer.id if viewer else None, limit)
