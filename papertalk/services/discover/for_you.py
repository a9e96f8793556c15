"""For you: the window's discussed papers ranked by how close they are to a person's own papers, each with
the reason ("like X, discussed in your network"), leaving out the papers they already have.

The model takes *seeds*: (arXiv id, label) pairs saying which papers are the person's and why. Today the
only seeds that exist are the papers their network discussed most in the last ``SEED_DAYS``
(``seed_papers``); lists, summaries and notes add theirs by passing more pairs (a label such as
"on your list NeurIPS"), with no change here.

Closeness, in the manner of arxiv-sanity's tf-idf but bounded for a page: each seed keeps its
``SEED_TERMS`` heaviest tf-idf terms in an inverted index; each candidate (the window's ``CANDIDATES`` most
discussed papers) is compared through its own ``CANDIDATE_TERMS`` heaviest terms with every seed sharing
one; its score is its closest seed's, plus ``SUPPORT`` times the mean of its next ``SUPPORT_SEEDS``.
A term's list keeps only its ``SEEDS_PER_TERM`` seeds that weigh it most (impact-ordered postings): with
500 seeds sharing common words, every candidate term otherwise met all 500 (4.5M additions, 2.7 s).

With semantic vectors (``PAPERTALK_EMBEDDER`` set, ``papertalk embed`` run), a (candidate, seed) pair that
both have vectors scores the blend of that closeness and their vector cosine (``blend.blended``, one
matrix product for all pairs); the reason then says "close in meaning to X" and the terms they share.
Papers without a vector keep the words alone.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from papertalk.config import Settings
from papertalk.core.people_records import User
from papertalk.core.ranking import DAY
from papertalk.core.records import Paper
from papertalk.services.discover import text_vectors as tv
from papertalk.services.discover.blend import SHOWN_FROM
from papertalk.services.discover.term_stats import current_term_stats
from papertalk.services.library.list_reading import papers_on_my_lists
from papertalk.services.networks.my_network import network_of
from papertalk.services.ranking.trending import TrendingQuery, trending
from papertalk.storage.catalogue.paper_rows import papers_by_arxiv_id
from papertalk.storage.discover.seed_rows import network_papers
from papertalk.storage.discover.vector_rows import row_ids
from papertalk.storage.engine import Engine

if TYPE_CHECKING:
    from papertalk.services.discover.meaning import Meaning

SEED_DAYS = 30
MAX_SEEDS = 500
CANDIDATES = 300
SEED_TERMS = 20
CANDIDATE_TERMS = 30
SUPPORT = 0.3
SEEDS_PER_TERM = 40
SUPPORT_SEEDS = 3
SHOWN = 20
NETWORK_LABEL = "discussed in your network"


@dataclass(frozen=True)
class Seed:
    arxiv_id: str
    label: str  # why it is the person's: "discussed in your network", later "on your list NeurIPS"


@dataclass(frozen=True)
class ForYouItem:
    paper: Paper
    score: float
    like: Paper  # the closest seed
    reason: str


def seed_papers(engine: Engine, user: User, now: int) -> list[Seed]:
    """The papers that are the person's today: those on their lists first ("on your list NeurIPS"), then
    those their network discussed most lately."""
    seeds = [Seed(a, f"on your list {title}") for a, title in papers_on_my_lists(engine, user, MAX_SEEDS)]
    network = network_of(engine, user)
    if network is not None:
        with engine.connect() as conn:
            found = network_papers(conn, network.id, now - SEED_DAYS * DAY, MAX_SEEDS)
        seeds += [Seed(arxiv_id, NETWORK_LABEL) for arxiv_id, _ in found]
    return seeds


def for_you(
    engine: Engine,
    settings: Settings,
    now: int,
    seeds: list[Seed],
    window: str = "week",
    limit: int = SHOWN,
    wait_for_vectors: bool = True,
) -> list[ForYouItem]:
    """The window's discussed papers closest to ``seeds`` (the seeds themselves left out), closest first
    (``wait_for_vectors``: as in ``similar.similar_papers``)."""
    if not seeds:
        return []
    discussed = trending(engine, settings, now, TrendingQuery(window=window, limit=CANDIDATES)).items
    return closest_to_seeds(engine, settings, seeds, [i.arxiv_id for i in discussed], limit, wait_for_vectors)


def closest_to_seeds(
    engine: Engine,
    settings: Settings,
    seeds: list[Seed],
    candidates: list[str],
    limit: int = SHOWN,
    wait_for_vectors: bool = True,
) -> list[ForYouItem]:
    """``candidates`` (arXiv ids, up to ``CANDIDATES`` of them) ranked by closeness to ``seeds``, the seeds
    themselves left out, closest first: For you over any set of discussed papers (a digest's period)."""
    if not seeds:
        return []
    seeds = seeds[:MAX_SEEDS]
    labels = {s.arxiv_id: s.label for s in reversed(seeds)}  # the first label given for a paper wins
    wanted = [a for a in candidates[:CANDIDATES] if a not in labels]
    stats = current_term_stats(engine)
    meaning = _meaning(engine, settings, wait_for_vectors)
    with engine.connect() as conn:
        papers = papers_by_arxiv_id(conn, [*labels, *wanted])
        bags = {a: tv.bag_of_words(p) for a, p in papers.items() if p.title is not None}
        vocabulary = set().union(*bags.values()) if bags else set()
        idfs = tv.idf_table(vocabulary, stats.counts, stats.papers)
        rows = row_ids(conn, list(bags)) if meaning is not None else {}
    index: defaultdict[str, list[tuple[str, float]]] = defaultdict(list)
    seed_terms: dict[str, frozenset[str]] = {}
    for arxiv_id in labels:
        if arxiv_id in bags:
            seed_vector = tv.vector(bags[arxiv_id], idfs)
            seed_terms[arxiv_id] = frozenset(seed_vector.top_terms(SEED_TERMS))
            for term in seed_terms[arxiv_id]:
                index[term].append((arxiv_id, seed_vector.weights[term]))
    for term, postings in index.items():  # impact-ordered and capped: a term many seeds hold is weak evidence
        if len(postings) > SEEDS_PER_TERM:
            index[term] = heapq.nlargest(SEEDS_PER_TERM, postings, key=lambda p: (p[1], p[0]))
    pairs = None
    if meaning is not None:
        pairs = meaning.pair_blends(rows, [a for a in wanted if a in bags], [a for a in labels if a in bags])
    ranked = []
    for arxiv_id in wanted:
        if arxiv_id not in bags:
            continue
        candidate = tv.vector(bags[arxiv_id], idfs)
        top = candidate.top_terms(CANDIDATE_TERMS)
        closeness: defaultdict[str, float] = defaultdict(float)
        for term in top:
            for seed, weight in index.get(term, ()):
                closeness[seed] += weight * candidate.weights[term]
        cosines = pairs.blend(arxiv_id, closeness, 1 + SUPPORT_SEEDS) if pairs is not None else {}
        if not closeness:
            continue
        best, *rest = heapq.nlargest(1 + SUPPORT_SEEDS, closeness, key=lambda s: (closeness[s], s))
        support = sum(closeness[s] for s in rest) / SUPPORT_SEEDS
        like = papers[best]
        reason = f"like “{like.title}”, {labels[best]}"
        if cosines.get(best, 0.0) >= SHOWN_FROM:
            shared = [t for t in top if t in seed_terms[best]][: tv.REASON_TERMS]
            terms = "; shares terms " + ", ".join(f"“{t}”" for t in shared) if shared else ""
            reason = f"close in meaning to “{like.title}” ({cosines[best]:.2f}), {labels[best]}{terms}"
        ranked.append(ForYouItem(papers[arxiv_id], closeness[best] + SUPPORT * support, like, reason))
    ranked.sort(key=lambda i: (-i.score, i.paper.arxiv_id))
    return ranked[:limit]


def _meaning(engine: Engine, settings: Settings, wait: bool) -> Meaning | None:
    if not settings.embedder.on:
        return None  # numpy never imported: the base install has none
    from papertalk.services.discover.meaning import meaning_of

    return meaning_of(engine, settings.embedder.model_key, wait)
