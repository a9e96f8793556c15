"""Keeping the term statistics of similar papers fresh: taken once from a sample of ``SAMPLE`` papers
spread over the catalogue, and taken again when the catalogue has grown to twice the size it had then.

Taking them reads ``SAMPLE`` titles and abstracts by row-id ranges and tokenizes them (a few seconds at
most, once); a page or command that needs them first takes them, so nothing has to be run by hand.
"""

from __future__ import annotations

from collections import Counter

from papertalk.core.records import Paper
from papertalk.services.discover.text_vectors import bag_of_words
from papertalk.storage.discover.term_docs import SampleState, replace_counts, sample_state, sample_texts, top_row
from papertalk.storage.engine import Engine

SAMPLE = 20_000
GROWTH = 2.0


def _stale(state: SampleState, top: int) -> bool:
    return top > 0 and (state.papers == 0 or top > GROWTH * state.top_row)


def current_term_stats(engine: Engine) -> SampleState:
    """The state of the stored statistics, taking them first when missing or stale."""
    with engine.connect() as conn:
        state = sample_state(conn)
        top = top_row(conn)
    if not _stale(state, top):
        return state
    return refresh_term_stats(engine)


def refresh_term_stats(engine: Engine) -> SampleState:
    """Take the statistics again from a fresh sample (one transaction: readers see the old or the new)."""
    with engine.begin() as conn:
        top = top_row(conn)
        docs: Counter[str] = Counter()
        papers = 0
        for title, abstract in sample_texts(conn, SAMPLE):
            docs.update(bag_of_words(Paper(arxiv_id="", title=title, abstract=abstract)).keys())
            papers += 1
        state = SampleState(papers, top)
        # Terms seen once are left out (most of any vocabulary): absent reads as "seen once".
        replace_counts(conn, {t: n for t, n in docs.items() if n > 1 and len(t) <= 100}, state)
    return state
