"""Keeping each network's precomputed ranking recent (storage.ranking.network_scores): the worker makes the
sums of the networks whose sums are missing (their accounts changed) or getting old, a few networks a round,
each in its own short transaction."""

from __future__ import annotations

import logging

from papertalk.core.ranking import RankingSettings
from papertalk.storage.engine import Engine
from papertalk.storage.ranking.network_scores import build_network_ranking, stale_networks

log = logging.getLogger("papertalk.worker")

NETWORKS_PER_ROUND = 20


def refresh_network_rankings(
    engine: Engine, ranking: RankingSettings, now: int, limit: int = NETWORKS_PER_ROUND
) -> int:
    """Make the sums of up to ``limit`` of the stalest networks at ``now``; how many networks were made."""
    with engine.connect() as conn:
        due = stale_networks(conn, now, limit)
    for network_id in due:
        with engine.begin() as conn:
            papers = build_network_ranking(conn, ranking, network_id, now)
        log.debug("event=network_ranking network=%d papers=%d", network_id, papers)
    return len(due)
