"""One paper's page as plain values: metadata (or the note that it has none yet), its captured posts by
kind, its attention per day, why it is trending this week (who, when, which weight) and its BibTeX."""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.config import Settings
from papertalk.core.arxiv_ids import parse_arxiv_id
from papertalk.core.bibtex import bibtex
from papertalk.core.ranking import Window, decay
from papertalk.core.records import Paper, PostKind, VoteContribution
from papertalk.core.shown_text import without_bidi_controls
from papertalk.services.discover.co_discussed import CoDiscussed, discussed_by_same_people
from papertalk.services.discover.similar import SimilarPaper, similar_papers
from papertalk.services.pages.page_views import DayChart, PostView, day_chart, post_view
from papertalk.storage.catalogue.paper_rows import paper_row_id, papers_by_row
from papertalk.storage.engine import Engine
from papertalk.storage.instance_meta import DEMO_KEY, get_meta
from papertalk.storage.pages.page_queries import (
    DAY,
    count_mentions,
    daily_counts,
    first_mention,
    posts_of_paper,
    vote_breakdown,
)

POSTS_SHOWN = 100
BREAKDOWN_SHOWN = 40
CHART_MAX_DAYS = 90
SIMILAR_SHOWN = 8
CO_DISCUSSED_SHOWN = 8
KIND_ORDER = tuple(k.value for k in (PostKind.POST, PostKind.QUOTE, PostKind.REPLY, PostKind.REPOST))


class PaperNotFound(LookupError):
    """No captured post cites this id (or it is not an arXiv id at all)."""


@dataclass(frozen=True)
class PaperPage:
    arxiv_id: str
    paper: Paper
    has_metadata: bool
    posts_by_kind: tuple[tuple[str, tuple[PostView, ...]], ...]  # (kind, posts), in KIND_ORDER
    posts_shown: int
    posts_total: int
    chart: DayChart
    window: Window
    score: float
    people: int
    breakdown: tuple[VoteContribution, ...]  # the strongest contributions, at most BREAKDOWN_SHOWN
    bibtex: str
    now: int
    demo: str | None
    similar: tuple[SimilarPaper, ...] = ()  # papers like it in the catalogue, each with its reason
    co_discussed: tuple[CoDiscussed, ...] = ()  # papers the same accounts discussed around the same days


def normalize_id(raw: str) -> str:
    """The canonical arXiv id of ``raw`` (an id, old-style with a slash too, or an arXiv URL)."""
    ref = parse_arxiv_id(raw)
    if ref is None:
        raise PaperNotFound(f"not an arXiv id: {raw[:80]!r}")
    return ref.arxiv_id


def paper_page(
    engine: Engine, settings: Settings, now: int, arxiv_id: str, window_name: str = "week", viewer_id: int | None = None
) -> PaperPage:
    """The page of one paper; for a signed-in reader (``viewer_id``), without the posts of accounts they blocked
    (the score, chart and breakdown are everyone's, as on the signed-out page)."""
    window = settings.ranking.window(window_name)
    with engine.connect() as conn:
        row = paper_row_id(conn, arxiv_id)
        if row is None:
            raise PaperNotFound(f"no captured post cites arXiv:{arxiv_id}")
        paper = papers_by_row(conn, [row])[row]
        posts = posts_of_paper(conn, row, now, POSTS_SHOWN, viewer_id)
        total = count_mentions(conn, row, now, viewer_id) if len(posts) >= POSTS_SHOWN else len(posts)
        first = first_mention(conn, row) or now
        first_day = max(first // DAY, now // DAY - CHART_MAX_DAYS + 1)
        per_day = daily_counts(conn, [row], first_day * DAY, now, None).get(row, {})
        score, people, top = vote_breakdown(conn, row, now, window, settings.ranking, BREAKDOWN_SHOWN)
        demo = get_meta(conn, DEMO_KEY)
    breakdown = tuple(
        VoteContribution(
            without_bidi_controls(account),
            at,
            settings.ranking.weight_of(kinds),
            decay(now - at, window.half_life),
            settings.ranking.weight_of(kinds) * decay(now - at, window.half_life),
        )
        for account, at, kinds in top
    )
    grouped = tuple(
        (kind, tuple(post_view(p) for p in posts if p.kind == kind))
        for kind in KIND_ORDER
        if any(p.kind == kind for p in posts)
    )
    return PaperPage(
        arxiv_id=arxiv_id,
        paper=paper,
        has_metadata=paper.title is not None,
        posts_by_kind=grouped,
        posts_shown=len(posts),
        posts_total=total,
        chart=day_chart(per_day, first_day, now // DAY),
        window=window,
        score=score,
        people=people,
        breakdown=breakdown,
        bibtex=bibtex(paper),
        now=now,
        demo=demo,
        similar=tuple(similar_papers(engine, arxiv_id, SIMILAR_SHOWN, settings.embedder, wait_for_vectors=False))
        if paper.title is not None
        else (),
        co_discussed=tuple(discussed_by_same_people(engine, settings.ranking, arxiv_id, CO_DISCUSSED_SHOWN)),
    )
