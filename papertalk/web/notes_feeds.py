"""Atom feeds of public summaries: all (``/feeds/summaries.atom``), one person's
(``/feeds/people/<name>.atom``) and one paper's (``/feeds/summaries/papers/<id>.atom``). Only listed
summaries (public, not hidden) are in a feed; an anonymous one is never in its author's feed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from papertalk.core.summary_records import Summary
from papertalk.services.library import summary_lists
from papertalk.services.library.summary_rights import SummaryNotFound
from papertalk.services.pages.feed_times import feed_updated
from papertalk.services.pages.paper_page import normalize_id
from papertalk.web.feeds import ATOM_ANSWER
from papertalk.web.state import ATOM, state_of

router = APIRouter(tags=["feeds"])


def _feed(request: Request, title: str, html_path: str, entries: list[Summary]) -> Response:
    state = state_of(request)
    return state.render(
        request, "summaries.atom", media_type=ATOM, title=title, base=state.web.base_url.rstrip("/"),
        html_path=html_path, feed_updated=feed_updated([s.updated_at for s in entries]), entries=entries,
    )  # fmt: skip


@router.get("/feeds/summaries.atom", response_class=Response, responses=ATOM_ANSWER)
def summaries_feed(request: Request) -> Response:
    """The newest public summaries."""
    state = state_of(request)
    return _feed(request, "papertalk: summaries", "/summaries", summary_lists.tab(state.engine, "recent", None, 1,
                                                                                   state.now()))  # fmt: skip


@router.get("/feeds/people/{name}.atom", response_class=Response, responses=ATOM_ANSWER)
def person_feed(request: Request, name: str) -> Response:
    """A person's public summaries (those signed with their name)."""
    found = summary_lists.of_person(state_of(request).engine, name[:64])
    if found is None:
        raise SummaryNotFound(f"person: nobody called {name[:64]!r} here")
    return _feed(request, f"papertalk: summaries by {found[0]}", f"/people/{found[0]}", found[1])


@router.get("/feeds/summaries/papers/{raw_id:path}.atom", response_class=Response, responses=ATOM_ANSWER)
def paper_summaries_feed(request: Request, raw_id: str) -> Response:
    """A paper's public summaries, best first."""
    arxiv_id = normalize_id(raw_id)
    shown = summary_lists.of_paper(state_of(request).engine, None, arxiv_id).listed
    return _feed(request, f"papertalk: summaries of arXiv:{arxiv_id}", f"/abs/{arxiv_id}", shown)
