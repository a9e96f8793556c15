"""The trending page as plain values: the ranked papers of one window, audience and filter, each with its
counts, day chart and best commentaries, read in a handful of set-based queries for the whole page."""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.config import Settings
from papertalk.core.page_limits import page_number_problem
from papertalk.core.ranking import KIND_BITS, Window, window_start
from papertalk.core.records import Paper, PostKind
from papertalk.services.pages.network_choice import counted_network, public_networks
from papertalk.services.pages.page_request import PageRequestError
from papertalk.services.pages.page_views import DayChart, PostView, chart_days, day_chart, post_view
from papertalk.services.ranking.trending import category_problem
from papertalk.storage.capture.account_rows import list_networks, network_id
from papertalk.storage.catalogue.paper_rows import papers_by_row
from papertalk.storage.engine import Engine
from papertalk.storage.instance_meta import DEMO_KEY, get_meta
from papertalk.storage.pages.page_queries import DAY, attention_counts, commentaries, platforms, primary_categories
from papertalk.storage.ranking.trending_filters import count_filtered, top_filtered
from papertalk.storage.ranking.trending_queries import Audience, count_ranked, top_papers

PAGE_SIZE = 20
COMMENTARIES_SHOWN = 3
REPOST_BIT = KIND_BITS[PostKind.REPOST]


@dataclass(frozen=True)
class TrendingPageQuery:
    window: str = "week"
    network: str | None = None  # count only this network's accounts (network_choice.py); None: everyone
    new_only: bool = False  # only papers first submitted within the window
    category: str | None = None  # primary category, e.g. cs.LG
    page: int = 1
    interests: tuple[str, ...] = ()  # a reader's categories of interest: the filter when no category is picked

    def categories(self) -> tuple[str, ...]:
        return (self.category,) if self.category else self.interests


@dataclass(frozen=True)
class PaperBlock:
    rank: int
    arxiv_id: str
    paper: Paper | None
    score: float
    people: int
    posts: int
    reposts: int
    chart: DayChart
    commentaries: tuple[PostView, ...]
    other_posts: int  # posts with words (or replies, quotes) not shown among the commentaries


@dataclass(frozen=True)
class TrendingPage:
    query: TrendingPageQuery
    window: Window
    windows: tuple[str, ...]
    network: str | None  # the network counted, None for everyone
    items: tuple[PaperBlock, ...]
    total: int
    pages: int
    now: int
    demo: str | None
    networks: tuple[str, ...] = ()  # the networks a reader may pick instead
    personal: str | None = None  # the reader's own network among them, shown as "My network"


def default_network(engine: Engine, configured: str | None) -> str | None:
    """The network "my network" means: the configured one, else the first one defined, else None."""
    if configured:
        return configured
    with engine.connect() as conn:
        names = list_networks(conn)
    return names[0][0] if names else None


def validate(settings: Settings, query: TrendingPageQuery) -> Window:
    names = [w.name for w in settings.ranking.windows]
    if query.window not in names:
        raise PageRequestError(f"window: unknown window {query.window[:40]!r}, choose one of {', '.join(names)}")
    category = category_problem(query.category)
    if category:
        raise PageRequestError(f"category: {category}")
    problem = page_number_problem(query.page)
    if problem:
        raise PageRequestError(problem)
    return settings.ranking.window(query.window)


def trending_page(
    engine: Engine,
    settings: Settings,
    now: int,
    query: TrendingPageQuery,
    home: str | None,
    viewer_id: int | None = None,
) -> TrendingPage:
    """The page of ``query`` for a reader (``viewer_id``: a signed-in user, who may also count their own and
    their shared networks, less the accounts they blocked); among each paper's commentaries, the posts of
    the counted network (or, for everyone, of the site's ``home`` network) come first."""
    window = validate(settings, query)
    offset = (query.page - 1) * PAGE_SIZE
    categories = query.categories()
    filtered = bool(categories) or (query.new_only and window.length is not None)
    with engine.connect() as conn:
        counted = counted_network(conn, query.network, viewer_id)
        # A reader's blocks apply to the networks they read; "everyone" stays the maintained ranking.
        audience = Audience(counted.row_id, viewer_id if counted.row_id is not None else None)
        mine = counted.row_id if counted.row_id is not None else (network_id(conn, home) if home else None)
        if filtered:
            rows = top_filtered(
                conn, now, window, settings.ranking, audience, query.new_only, categories, PAGE_SIZE, offset
            )
            total = count_filtered(conn, now, window, audience, query.new_only, categories)
        else:
            rows = top_papers(conn, now, window, settings.ranking, audience, PAGE_SIZE, offset)
            total = count_ranked(conn, now, window, audience, settings.ranking)
        paper_rows = [r.paper_row for r in rows]
        since = window_start(window, now)
        first_day = now // DAY - chart_days(window.length) + 1
        papers = papers_by_row(conn, paper_rows)
        kinds, per_day = attention_counts(
            conn, paper_rows, since, first_day * DAY, now, audience.network_id, audience.hidden_by
        )
        # The reader's blocked accounts are never among the commentaries, whichever audience is counted.
        best = commentaries(conn, paper_rows, since, now, audience.network_id, COMMENTARIES_SHOWN, mine, viewer_id)
        demo = get_meta(conn, DEMO_KEY)
    items = []
    for position, row in enumerate(rows, start=offset + 1):
        counts = kinds.get(row.paper_row, {})
        posts = sum(counts.values())
        reposts = counts.get(REPOST_BIT, 0)
        shown = tuple(post_view(p) for p in best.get(row.paper_row, []))
        items.append(
            PaperBlock(
                rank=position,
                arxiv_id=row.arxiv_id,
                paper=papers.get(row.paper_row),
                score=row.score,
                people=row.people,
                posts=posts,
                reposts=reposts,
                chart=day_chart(per_day.get(row.paper_row, {}), first_day, now // DAY),
                commentaries=shown,
                other_posts=max(0, posts - reposts - len(shown)),
            )
        )
    pages = max(1, -(-total // PAGE_SIZE))
    windows = tuple(w.name for w in settings.ranking.windows)
    return TrendingPage(
        query, window, windows, counted.name, tuple(items), total, pages, now, demo, counted.offered, counted.personal
    )


@dataclass(frozen=True)
class SiteFacts:
    """Slow-changing facts the page chrome shows: categories for the filter, platforms, demo marking, and
    the public networks (for the about page; the trending page reads them fresh)."""

    categories: tuple[str, ...]
    platforms: tuple[str, ...]
    demo: str | None
    networks: tuple[str, ...] = ()


def site_facts(engine: Engine) -> SiteFacts:
    with engine.connect() as conn:
        categories, known = tuple(primary_categories(conn)), tuple(platforms(conn))
        return SiteFacts(categories, known, get_meta(conn, DEMO_KEY), public_networks(conn))
