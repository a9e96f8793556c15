"""Closeness in meaning for similar papers and For you: cosines of stored semantic vectors (the exact scan
of ``vector_index``); ``blend`` mixes them with the lexical closeness.

Imported only when ``PAPERTALK_EMBEDDER`` names a model (numpy comes with it).
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence

import numpy as np
import numpy.typing as npt

from papertalk.services.discover.blend import BLEND
from papertalk.services.discover.vector_index import VectorIndex, current_index
from papertalk.storage.engine import Engine

NEIGHBOURS = 20  # a paper's closest vectors added to its lexical candidates (the words may miss them)


class Meaning:
    """One model's vectors for one request."""

    def __init__(self, index: VectorIndex) -> None:
        self.index = index

    def neighbours(self, row: int, count: int = NEIGHBOURS) -> list[int]:
        """The paper rows whose vectors are closest to ``row``'s ([] when it has none)."""
        at = self.index.positions([row])
        return [] if row not in at else [r for r, _ in self.index.neighbours(at[row], count)]

    def to_one(self, row: int, others: Sequence[int]) -> dict[int, float]:
        """The cosine of ``row`` with each of ``others`` that has a vector ({} when ``row`` has none)."""
        return {b: c for (_, b), c in self.pairs([row], others).items()}

    def matrix(self, a: Sequence[int], b: Sequence[int]) -> tuple[list[int], list[int], npt.NDArray[np.float32]]:
        """The rows of ``a`` and of ``b`` that have vectors, and the cosines of every pair of them."""
        at_a, at_b = self.index.positions(a), self.index.positions(b)
        rows_a, rows_b = list(at_a), list(at_b)
        if not rows_a or not rows_b:
            return rows_a, rows_b, np.zeros((len(rows_a), len(rows_b)), dtype=np.float32)
        return rows_a, rows_b, self.index.cosines([at_a[r] for r in rows_a], [at_b[r] for r in rows_b])

    def pairs(self, a: Sequence[int], b: Sequence[int]) -> dict[tuple[int, int], float]:
        """The cosine of every (row of ``a``, row of ``b``) pair where both have a vector."""
        rows_a, rows_b, found = self.matrix(a, b)
        return {(x, y): float(found[i, j]) for i, x in enumerate(rows_a) for j, y in enumerate(rows_b)}

    def pair_blends(self, rows: Mapping[str, int], candidates: Sequence[str], seeds: Sequence[str]) -> PairBlends:
        """Every (candidate, seed) cosine, for For you (papers by arXiv id, ``rows`` their paper rows)."""
        arxiv_of = {r: a for a, r in rows.items()}
        found_c, found_s, matrix = self.matrix([rows[a] for a in candidates if a in rows],
                                               [rows[a] for a in seeds if a in rows])  # fmt: skip
        return PairBlends([arxiv_of[r] for r in found_c], [arxiv_of[r] for r in found_s], matrix)


class PairBlends:
    """The vector cosines of the (candidate, seed) pairs that both have vectors, from one matrix product."""

    def __init__(self, candidates: list[str], seeds: list[str], matrix: npt.NDArray[np.float32]) -> None:
        self.candidate_at = {a: i for i, a in enumerate(candidates)}
        self.seeds = seeds
        self.seed_at = {a: j for j, a in enumerate(seeds)}
        self.matrix = matrix

    def blend(self, candidate: str, closeness: MutableMapping[str, float], best: int) -> dict[str, float]:
        """Blend the candidate's vector cosines into its lexical ``closeness`` to each seed, in place, and
        return the cosines of the seeds it touched. Only pairs that can rank are made: seeds sharing a term,
        and the ``best`` blends (a seed sharing no term joins with its cosine alone)."""
        if candidate not in self.candidate_at or not self.seeds:
            return {}
        cosines = self.matrix[self.candidate_at[candidate]]
        blends = BLEND * cosines
        touched = set()
        for seed, lexical in closeness.items():
            if seed in self.seed_at:
                blends[self.seed_at[seed]] += (1.0 - BLEND) * lexical
                touched.add(self.seed_at[seed])
        count = min(best, len(blends))
        touched.update(int(j) for j in np.argpartition(-blends, count - 1)[:count])
        for j in touched:
            closeness[self.seeds[j]] = float(blends[j])
        return {self.seeds[j]: float(cosines[j]) for j in touched}


def meaning_of(engine: Engine, model: str, wait: bool = True) -> Meaning | None:
    """The model's vectors (None when ``papertalk embed`` has made none, or, ``wait=False``, while this
    process is still reading them for the first time)."""
    index = current_index(engine, model, wait)
    return None if index is None or len(index.rows) == 0 else Meaning(index)
