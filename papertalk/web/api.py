"""The JSON API under /api/v1: one endpoint per page, same parameters, pagination links."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from papertalk.core.page_limits import MAX_PAGE_NUMBER, MAX_QUERY_CHARS
from papertalk.core.people_records import User
from papertalk.core.records import Paper
from papertalk.services.digests.shown_translations import reader_language, translations_of
from papertalk.services.pages.network_choice import MAX_NAME_CHARS
from papertalk.services.pages.page_request import PageRequestError
from papertalk.services.pages.paper_page import PaperNotFound, normalize_id, paper_page
from papertalk.services.pages.posts_page import posts_page
from papertalk.services.pages.trending_page import trending_page
from papertalk.services.search.paper_search import search_papers
from papertalk.web.api_models import (
    AboutOut,
    ChartOut,
    ContributionOut,
    ErrorOut,
    Links,
    PaperOut,
    PaperPageOut,
    PostOut,
    PostsOut,
    PostWithPapersOut,
    SearchHitOut,
    SearchOut,
    TranslationOut,
    TrendingItemOut,
    TrendingOut,
    WindowOut,
)
from papertalk.web.bearer import api_reader, bearer_check
from papertalk.web.http_cache import etagged
from papertalk.web.pages import reader_trending_query
from papertalk.web.state import WebState, state_of

ERRORS: dict[int | str, dict[str, object]] = {400: {"model": ErrorOut}, 404: {"model": ErrorOut}}
router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS, dependencies=[Depends(bearer_check)])
Page = Annotated[int, Query(ge=1, le=MAX_PAGE_NUMBER, description="1-based page number")]


PERSONAL = {"Cache-Control": "private, no-store", "Vary": "Cookie, Authorization"}


def json_response(request: Request, model: BaseModel) -> Response:
    """The JSON answer of an endpoint, remembered by the page cache and tagged for conditional requests."""
    return _json(request, model)


def _json(request: Request, model: BaseModel) -> Response:
    """The answer; one for a signed-in reader or a token's person is theirs: never cached, anywhere."""
    state = state_of(request)
    body = model.model_dump_json().encode()
    if api_reader(request) is not None:
        return Response(body, media_type="application/json", headers=PERSONAL)
    tag = state.remember(request, body, "application/json", 200)
    return etagged(request, body, "application/json", state.web.cache_seconds, 200, tag)


def _links(path: str, html_path: str, params: dict[str, object], page: int, last: int | None) -> Links:
    def url(base: str, number: int) -> str:
        kept = {k: v for k, v in params.items() if v not in (None, False, "")}
        if number != 1:
            kept["page"] = number
        return base + (f"?{urlencode(kept)}" if kept else "")

    return Links(
        self=url(path, page),
        html=url(html_path, page),
        first=url(path, 1),
        prev=url(path, page - 1) if page > 1 else None,
        next=url(path, page + 1) if last is None or page < last else None,
        last=url(path, last) if last is not None else None,
    )


@router.get("/trending", response_model=TrendingOut)
def trending(
    request: Request,
    window: Literal["today", "week", "month", "all"] = "week",
    audience: Literal["network", "everyone"] | None = None,
    network: Annotated[
        str | None,
        Query(
            max_length=MAX_NAME_CHARS,
            description="count only this network: a public one, or with a token your own and your shared ones "
            "(see `networks`); anyone else's private network is answered as one that does not exist",
        ),
    ] = None,
    new: bool = False,
    category: Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z][A-Za-z.-]*$")] = None,
    page: Page = 1,
) -> Response:
    """The trending papers of a window and audience (everyone, or a network by name), 20 a page, as on the
    trending page. ``audience=network`` without a name counts the site's own network. With a token (or
    signed in) it is that person's page: their network by default (``audience=everyone`` for everyone),
    their shared networks and any public one by name, their categories of interest unless ``category``
    is given (``category=all``: every category), without the accounts they blocked."""
    state = state_of(request)
    user = api_reader(request)
    query = reader_trending_query(state, user, window, audience, network, "1" if new else None, category, str(page))
    result = trending_page(
        state.engine, state.settings, state.now(), query, state.network, None if user is None else user.id
    )
    counted = "everyone" if result.network is None else "network"
    params: dict[str, object] = {"window": window, "audience": counted, "network": result.network}
    params |= {"new": "1" if new else None, "category": category}
    out = TrendingOut(
        window=window,
        audience=counted,
        network=result.network,
        networks=list(result.networks),
        new_only=new,
        category=category,
        page=page,
        pages=result.pages,
        total=result.total,
        demo=state.web.demo_label or result.demo,
        items=[
            TrendingItemOut(
                rank=i.rank,
                arxiv_id=i.arxiv_id,
                score=i.score,
                people=i.people,
                posts=i.posts,
                reposts=i.reposts,
                paper=PaperOut.of(i.paper) if i.paper and i.paper.title else None,
                chart=ChartOut.of(i.chart),
                commentaries=[PostOut.of(p) for p in i.commentaries],
            )
            for i in result.items
        ],
        links=_links("/api/v1/trending", "/", params, page, result.pages),
    )
    return _json(request, out)


@router.get("/about", response_model=AboutOut)
def about(request: Request) -> Response:
    """How papers are counted and ranked here: the kind weights and windows in force, and the networks."""
    state = state_of(request)
    ranking, facts = state.settings.ranking, state.facts()
    windows = ranking.windows
    out = AboutOut(
        weights={kind.value: weight for kind, weight in ranking.weights.items()},
        windows=[WindowOut(name=w.name, length_seconds=w.length, half_life_seconds=w.half_life) for w in windows],
        network=state.network,
        networks=list(facts.networks),
        demo=state.web.demo_label or facts.demo,
        links=Links(self="/api/v1/about", html="/about"),
    )
    return _json(request, out)


@router.get("/papers/{arxiv_id:path}", response_model=PaperPageOut)
def paper(request: Request, arxiv_id: str) -> Response:
    """Everything about one paper (old-style ids with a slash too): posts by kind, chart, breakdown, BibTeX."""
    state = state_of(request)
    canonical = normalize_id(arxiv_id)
    user = api_reader(request)
    result = paper_page(
        state.engine, state.settings, state.now(), canonical, viewer_id=None if user is None else user.id
    )
    out = PaperPageOut(
        arxiv_id=result.arxiv_id,
        has_metadata=result.has_metadata,
        paper=PaperOut.of(result.paper),
        posts_total=result.posts_total,
        posts={kind: [PostOut.of(p) for p in posts] for kind, posts in result.posts_by_kind},
        chart=ChartOut.of(result.chart),
        window=result.window.name,
        score=result.score,
        people=result.people,
        breakdown=[ContributionOut.of(c) for c in result.breakdown],
        bibtex=result.bibtex,
        links=Links(self=f"/api/v1/papers/{canonical}", html=f"/abs/{canonical}"),
        translation=_translation(state, user, result.paper),
    )
    return _json(request, out)


def _translation(state: WebState, reader: User | None, paper: Paper) -> TranslationOut | None:
    shown = translations_of(state.engine, [paper], reader_language(state.engine, reader)).get(paper.arxiv_id)
    return None if shown is None else TranslationOut(language=shown.language, title=shown.title,
                                                     abstract=shown.abstract)  # fmt: skip


@router.get("/posts", response_model=PostsOut)
def posts(
    request: Request,
    platform: Annotated[str | None, Query(max_length=32)] = None,
    page: Page = 1,
) -> Response:
    """The newest captured posts that cite papers, optionally on one platform."""
    state = state_of(request)
    if platform and platform not in state.facts().platforms:
        raise PageRequestError(f"platform: unknown platform {platform!r}")
    user = api_reader(request)
    result = posts_page(state.engine, state.now(), platform, page, None if user is None else user.id)
    links = _links("/api/v1/posts", "/posts", {"platform": platform}, page, None)
    if not result.has_next:
        links = links.model_copy(update={"next": None})
    out = PostsOut(
        platform=platform,
        page=page,
        items=[PostWithPapersOut(post=PostOut.of(i.post), arxiv_ids=list(i.arxiv_ids)) for i in result.items],
        links=links,
    )
    return _json(request, out)


@router.get("/search", response_model=SearchOut)
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, description="title words or an arXiv id/URL")],
    page: Page = 1,
) -> Response:
    """Papers matching a query; an arXiv id or URL gives ``jump_to`` instead of hits."""
    state = state_of(request)
    size = 20
    results = search_papers(state.engine, q, limit=size, offset=(page - 1) * size)
    last = max(1, -(-(results.total or 0) // size))
    out = SearchOut(
        query=results.query,
        page=page,
        total=results.total,
        jump_to=results.jump_to,
        hits=[SearchHitOut(paper=PaperOut.of(h.paper), score=h.score, posts=h.posts) for h in results.hits],
        links=_links("/api/v1/search", "/search", {"q": q}, page, last),
    )
    return _json(request, out)


__all__ = ["PaperNotFound", "router"]
