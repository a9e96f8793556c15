"""Atom feeds of the pages: trending (``/feeds/trending.atom``, with the page's window, network and
filters), the newest posts (``/feeds/posts.atom``), a paper's posts (``/feeds/papers/<id>.atom``) and a
search (``/feeds/search.atom?q=``). An entry's <updated> is when it last changed, so an unchanged feed
is the same bytes, with the same ETag, on every poll."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from papertalk.services.pages.feed_times import feed_updated, papers_last_changed
from papertalk.services.pages.page_request import PageRequestError
from papertalk.services.pages.posts_page import posts_page
from papertalk.services.pages.trending_page import trending_page
from papertalk.services.search.paper_search import search_papers
from papertalk.web.formatting import with_params
from papertalk.web.pages import SEARCH_PAGE_SIZE, known_platform, paper_or_redirect, trending_query
from papertalk.web.state import ATOM, state_of

router = APIRouter(tags=["feeds"])
ATOM_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}, "description": "an Atom feed"}
}


def _feed(request: Request, template: str, title: str, html_path: str, times: list[int], **context: Any) -> Response:
    state = state_of(request)
    base = state.web.base_url.rstrip("/")
    return state.render(
        request, template, media_type=ATOM, title=title, base=base, html_path=html_path,
        feed_updated=feed_updated(times), **context,
    )  # fmt: skip


@router.get("/feeds/trending.atom", response_class=Response, responses=ATOM_ANSWER)
def trending_feed(
    request: Request,
    window: str | None = None,
    audience: str | None = None,
    network: str | None = None,
    new: str | None = None,
    category: str | None = None,
) -> Response:
    """The trending page's top 20 (same parameters but ``page``); each entry updated at its newest mention."""
    state = state_of(request)
    query = trending_query(window, audience, network, new, category, None, state.network)
    result = trending_page(state.engine, state.settings, state.now(), query, state.network)
    updated = papers_last_changed(state.engine, [i.arxiv_id for i in result.items], result.now, result.network)
    title = f"papertalk: trending ({query.window}, {result.network or 'everyone'})"
    return _feed(request, "trending.atom", title, with_params("/", dict(request.query_params)),
                 list(updated.values()), page=result, updated=updated)  # fmt: skip


@router.get("/feeds/posts.atom", response_class=Response, responses=ATOM_ANSWER)
def posts_feed(request: Request, platform: str | None = None) -> Response:
    """The newest 50 captured posts that cite papers, as on the posts page (``platform`` too)."""
    state = state_of(request)
    chosen = known_platform(state, platform)
    result = posts_page(state.engine, state.now(), chosen, 1)
    entries = [(i.post, i.arxiv_ids) for i in result.items]
    title = "papertalk: newest posts" + (f" on {chosen}" if chosen else "")
    html = with_params("/posts", {"platform": chosen} if chosen else {})
    return _feed(request, "posts.atom", title, html, [p.created_at for p, _ in entries], entries=entries)


@router.get("/feeds/papers/{raw_id:path}.atom", response_class=Response, responses=ATOM_ANSWER)
def paper_feed(request: Request, raw_id: str) -> Response:
    """A paper's newest 100 captured posts, as on its page."""
    result = paper_or_redirect(state_of(request), raw_id, lambda arxiv_id: f"/feeds/papers/{arxiv_id}.atom")
    if isinstance(result, Response):
        return result
    arxiv_id = result.arxiv_id
    posts = sorted((p for _, kind in result.posts_by_kind for p in kind), key=lambda p: (-p.created_at, -p.post_row))
    entries = [(p, (arxiv_id,)) for p in posts]
    title = f"papertalk: posts about {result.paper.title or 'arXiv:' + arxiv_id}"
    return _feed(request, "posts.atom", title, f"/abs/{arxiv_id}", [p.created_at for p in posts], entries=entries)


@router.get("/feeds/search.atom", response_class=Response, responses=ATOM_ANSWER)
def search_feed(request: Request, q: str | None = None) -> Response:
    """The first 20 papers of a search, each updated at its newest mention; an arXiv id redirects to
    that paper's feed."""
    state = state_of(request)
    if not q or not q.strip():
        raise PageRequestError("q: a search feed needs a query")
    results = search_papers(state.engine, q, limit=SEARCH_PAGE_SIZE, offset=0)
    if results.jump_to:
        return RedirectResponse(f"/feeds/papers/{results.jump_to}.atom", status_code=303)
    ids = [h.paper.arxiv_id for h in results.hits]
    updated = papers_last_changed(state.engine, ids, state.now(), None)
    return _feed(request, "search.atom", f"papertalk: search {q[:80]}", with_params("/search", {"q": q}),
                 list(updated.values()), results=results, updated=updated)  # fmt: skip
