"""For you as a part of a person's own digest (issue 19 item 3): the period's discussed papers, as of its
end, ranked by closeness to the person's papers (their lists, their network's), each with its reason.

As of the end: the candidates are the ``CANDIDATES`` papers with the most votes first placed inside the
period (everyone's votes, no decay: the digest's own ranking, not the trending page's present), so a past
day's part does not change as posts dated later arrive. Cheap: one ranking query and the For you model over
at most ``CANDIDATES`` papers; nothing is stored (the seeds are the person's today, and they change).
"""

from __future__ import annotations

from papertalk.config import Settings
from papertalk.core.people_records import User
from papertalk.core.ranking import Window
from papertalk.services.discover.for_you import CANDIDATES, ForYouItem, closest_to_seeds, seed_papers
from papertalk.storage.catalogue.paper_rows import papers_by_row
from papertalk.storage.engine import Engine
from papertalk.storage.ranking.trending_queries import Audience, top_papers

SHOWN = 5


def digest_for_you(engine: Engine, settings: Settings, user: User, start: int, end: int, now: int) -> list[ForYouItem]:
    """Up to ``SHOWN`` of the papers discussed in [start, end) closest to ``user``'s papers ([] for a period
    not begun, or when they have no papers of their own yet)."""
    upper = min(end, now + 1)
    if upper <= start:
        return []
    seeds = seed_papers(engine, user, upper - 1)
    if not seeds:
        return []
    # A window of exactly the period, without decay, ending at its last second (as digest_view ranks it);
    # its name is no configured window's, so no maintained rank table, which knows only the present, answers.
    window = Window("digest:for-you", upper - start, None)
    with engine.connect() as conn:
        rows = top_papers(conn, upper - 1, window, settings.ranking, Audience(), CANDIDATES, 0)
        papers = papers_by_row(conn, [r.paper_row for r in rows])
    candidates = [papers[r.paper_row].arxiv_id for r in rows if r.paper_row in papers]
    return closest_to_seeds(engine, settings, seeds, candidates, SHOWN, wait_for_vectors=False)
