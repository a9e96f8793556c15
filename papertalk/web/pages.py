"""The HTML pages: trending, paper, posts, search, about. Server-rendered, they work without script."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from papertalk.core.page_limits import page_number_problem
from papertalk.core.people_records import User
from papertalk.services.digests.shown_translations import reader_language, translations_of
from papertalk.services.library import summary_lists
from papertalk.services.library.list_reading import lists_holding_paper
from papertalk.services.library.summary_lists import of_paper
from papertalk.services.networks.my_network import network_of
from papertalk.services.pages.network_choice import requested_network
from papertalk.services.pages.page_request import PageRequestError
from papertalk.services.pages.paper_page import PaperNotFound, PaperPage, normalize_id, paper_page
from papertalk.services.pages.posts_page import posts_page
from papertalk.services.pages.trending_page import TrendingPageQuery, trending_page
from papertalk.services.people.person_settings import settings_of
from papertalk.services.search.paper_search import SearchQueryError, search_papers
from papertalk.web.personal_cache import keep_page
from papertalk.web.state import WebState, state_of
from papertalk.web.viewer import viewer_of

router = APIRouter(include_in_schema=False)
SEARCH_PAGE_SIZE = 20


def int_param(raw: str | None, name: str, default: int = 1) -> int:
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise PageRequestError(f"{name}: not a whole number: {raw[:40]!r}") from None


def page_param(raw: str | None) -> int:
    """The ``page`` parameter, in the range the JSON twin takes too."""
    number = int_param(raw, "page")
    problem = page_number_problem(number)
    if problem:
        raise PageRequestError(problem)
    return number


def trending_query(
    window: str | None,
    audience: str | None,
    network: str | None,
    new: str | None,
    category: str | None,
    page: str | None,
    home: str | None,
) -> TrendingPageQuery:
    """The trending page's parameters (the page's and its feed's), ``home`` being the site's network."""
    return TrendingPageQuery(
        window=window or "week",
        network=requested_network(audience, network, home),
        new_only=new in ("1", "true", "on", "yes"),
        category=category or None,
        page=page_param(page),
    )


def known_platform(state: WebState, platform: str | None) -> str | None:
    """The ``platform`` parameter of the posts page and its feed: one papertalk has posts from, or None."""
    known = state.facts().platforms
    if platform and platform not in known:
        raise PageRequestError(f"platform: unknown platform {platform[:40]!r}, choose one of {', '.join(known)}")
    return platform or None


@router.get("/")
def trending(
    request: Request,
    window: str | None = None,
    audience: str | None = None,
    network: str | None = None,
    new: str | None = None,
    category: str | None = None,
    page: str | None = None,
) -> Response:
    state = state_of(request)
    user = viewer_of(request, state).user
    query = reader_trending_query(state, user, window, audience, network, new, category, page)
    result = trending_page(
        state.engine, state.settings, state.now(), query, state.network, None if user is None else user.id
    )
    rendered = state.render(request, "trending.html", page=result, title="Trending papers")
    # Kept for a signed-in reader a few seconds (web.personal_cache answers their next views before routing).
    return rendered if user is None else keep_page(request, state, rendered)


def reader_trending_query(
    state: WebState,
    user: User | None,
    window: str | None,
    audience: str | None,
    network: str | None,
    new: str | None,
    category: str | None,
    page: str | None,
) -> TrendingPageQuery:
    """The trending query of one reader (the page's and the API's): signed out, the site's defaults; signed
    in, "My network" by default (audience=everyone for everyone) and their interests as the default category
    filter (category=all for every category)."""
    if user is None:
        return trending_query(window, audience, network, new, category, page, state.network)
    made = network_of(state.engine, user)  # made at sign-in: a page only reads
    mine = made.name if made is not None else None
    query = trending_query(window, audience or ("network" if not network and mine else None), network, new,
                           None if category == "all" else category, page, mine)  # fmt: skip
    if category is None or category == "":
        query = replace(query, interests=settings_of(state.engine, user).categories)
    return query


def paper_or_redirect(
    state: WebState, raw_id: str, url_of: Callable[[str], str], viewer_id: int | None = None
) -> PaperPage | RedirectResponse:
    """The page of the paper ``raw_id`` names (for a signed-in ``viewer_id``, without the posts of accounts
    they blocked), or a permanent redirect to ``url_of`` its canonical id (a versioned or ``arXiv:`` form)."""
    arxiv_id = normalize_id(raw_id)
    if arxiv_id != raw_id:
        return RedirectResponse(url_of(arxiv_id), status_code=301)
    return paper_page(state.engine, state.settings, state.now(), arxiv_id, viewer_id=viewer_id)


def viewer_id_of(request: Request, state: WebState) -> int | None:
    user = viewer_of(request, state).user
    return user.id if user is not None else None


@router.get("/abs/{raw_id:path}")
def paper(request: Request, raw_id: str) -> Response:
    state = state_of(request)
    result = paper_or_redirect(state, raw_id, lambda arxiv_id: f"/abs/{arxiv_id}", viewer_id_of(request, state))
    if isinstance(result, Response):
        return result
    title = result.paper.title or f"arXiv:{result.arxiv_id}"
    reader = viewer_of(request, state).user
    # the public lists holding it, and the reader's own of any visibility (never someone's private one)
    on_lists = lists_holding_paper(state.engine, reader, result.arxiv_id)
    library = of_paper(state.engine, reader, result.arxiv_id)  # summaries, and the reader's own notes
    # a stored translation in the reader's language, if there is one (never asked of a translator here)
    shown = translations_of(state.engine, [result.paper], reader_language(state.engine, reader))
    return state.render(request, "paper.html", page=result, title=title, on_lists=on_lists, library=library,
                        translation=shown.get(result.arxiv_id))  # fmt: skip


@router.get("/posts")
def posts(request: Request, platform: str | None = None, page: str | None = None) -> Response:
    state = state_of(request)
    number = page_param(page)
    result = posts_page(
        state.engine, state.now(), known_platform(state, platform), number, viewer_id_of(request, state)
    )
    return state.render(request, "posts.html", page=result, title="Newest posts")


@router.get("/search")
def search(request: Request, q: str | None = None, page: str | None = None) -> Response:
    state = state_of(request)
    number = page_param(page)
    if not q or not q.strip():
        return state.render(request, "search.html", results=None, q="", number=1, pages=1, title="Search")
    try:
        results = search_papers(state.engine, q, limit=SEARCH_PAGE_SIZE, offset=(number - 1) * SEARCH_PAGE_SIZE)
    except SearchQueryError as error:
        raise PageRequestError(str(error)) from None
    if results.jump_to:
        return RedirectResponse(f"/abs/{results.jump_to}", status_code=303)
    if results.total is None:  # more matches than were counted: offer the next page while pages are full
        pages = number + 1 if len(results.hits) == SEARCH_PAGE_SIZE else number
    else:
        pages = max(1, -(-results.total // SEARCH_PAGE_SIZE))
    # Summaries too (and the reader's own notes, for them only), on the first page of a search.
    texts = summary_lists.search(state.engine, viewer_of(request, state).user, q) if number == 1 else []
    return state.render(request, "search.html", results=results, q=q, number=number, pages=pages,
                        title=f"Search: {q[:60]}", texts=texts)  # fmt: skip


@router.get("/about")
def about(request: Request) -> Response:
    state = state_of(request)
    return state.render(request, "about.html", ranking=state.settings.ranking, title="How papers are ranked")


__all__ = ["PaperNotFound", "router"]
