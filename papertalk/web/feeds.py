"""Atom feeds: the trending papers of a window and audience (``/feeds/trending.atom``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from papertalk.services.pages.trending_page import TrendingPageQuery, trending_page
from papertalk.web.state import ATOM, state_of

router = APIRouter(include_in_schema=False)


@router.get("/feeds/trending.atom")
def trending_feed(request: Request, window: str = "week", audience: str = "everyone") -> Response:
    state = state_of(request)
    query = TrendingPageQuery(window=window, audience=audience)
    result = trending_page(state.engine, state.settings, state.now(), query, state.network)
    return state.render(
        request,
        "trending.atom",
        media_type=ATOM,
        page=result,
        base=state.web.base_url.rstrip("/"),
        title=f"papertalk: trending ({window}, {audience})",
    )
