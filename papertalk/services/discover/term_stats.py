"""Keeping the term statistics of similar papers fresh: taken once from a sample of ``SAMPLE`` papers
spread over the catalogue, and taken again when the catalogue has grown to twice the size it had then.

Taking them reads ``SAMPLE`` titles and abstracts by row-id ranges and tokenizes them (a few seconds at
most, once); a page or command that needs them first takes them, so nothing has to be run by hand.

Each process keeps one copy of the counts per database, checked against the stored sample's token on every
call (one small read): the counts are read once per sample, not once per request (at 3M papers the
per-request read of the ~1,500 terms of 40 candidates cost more than the index reads themselves).
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from papertalk.core.records import Paper
from papertalk.services.discover.text_vectors import bag_of_words
from papertalk.storage.discover.term_docs import (
    SampleState,
    all_counts,
    replace_counts,
    sample_state,
    sample_texts,
    top_row,
)
from papertalk.storage.engine import Engine

SAMPLE = 20_000
GROWTH = 2.0


@dataclass(frozen=True)
class TermStats:
    papers: int  # papers in the sample
    top_row: int  # the highest row id when it was taken
    counts: Mapping[str, int]  # how many papers of the sample hold each term (absent: at most one)


_copies: dict[str, tuple[SampleState, Mapping[str, int]]] = {}
_lock = threading.Lock()


def _stale(state: SampleState, top: int) -> bool:
    return top > 0 and (state.papers == 0 or top > GROWTH * state.top_row)


def current_term_stats(engine: Engine) -> TermStats:
    """The stored statistics, taking them first when missing or stale."""
    with engine.connect() as conn:
        state = sample_state(conn)
        top = top_row(conn)
        if not _stale(state, top):
            return _with_counts(engine, state, lambda: all_counts(conn))
    return refresh_term_stats(engine)


def _with_counts(engine: Engine, state: SampleState, read: Callable[[], Mapping[str, int]]) -> TermStats:
    key = engine.url.render_as_string(hide_password=False)
    copy = _copies.get(key)
    if copy is None or copy[0] != state:
        with _lock:
            _copies[key] = copy = (state, read())
    return TermStats(state.papers, state.top_row, copy[1])


def refresh_term_stats(engine: Engine) -> TermStats:
    """Take the statistics again from a fresh sample (one transaction: readers see the old or the new)."""
    with engine.begin() as conn:
        top = top_row(conn)
        docs: Counter[str] = Counter()
        papers = 0
        for title, abstract in sample_texts(conn, SAMPLE):
            docs.update(bag_of_words(Paper(arxiv_id="", title=title, abstract=abstract)).keys())
            papers += 1
        state = SampleState(papers, top, secrets.token_hex(8))
        # Terms seen once are left out (most of any vocabulary): absent reads as "seen once".
        kept = {t: n for t, n in docs.items() if n > 1 and len(t) <= 100}
        replace_counts(conn, kept, state)
    return _with_counts(engine, state, lambda: kept)
