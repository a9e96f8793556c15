"""Atom feeds: the trending papers of a window, network and filter (``/feeds/trending.atom``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from papertalk.services.pages.trending_page import trending_page
from papertalk.web.pages import trending_query
from papertalk.web.state import ATOM, state_of

router = APIRouter(include_in_schema=False)


@router.get("/feeds/trending.atom")
def trending_feed(
    request: Request,
    window: str | None = None,
    audience: str | None = None,
    network: str | None = None,
    new: str | None = None,
    category: str | None = None,
) -> Response:
    state = state_of(request)
    query = trending_query(window, audience, network, new, category, None, state.network)
    result = trending_page(state.engine, state.settings, state.now(), query, state.network)
    return state.render(
        request,
        "trending.atom",
        media_type=ATOM,
        page=result,
        base=state.web.base_url.rstrip("/"),
        title=f"papertalk: trending ({query.window}, {result.network or 'everyone'})",
    )
