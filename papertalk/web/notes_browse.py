"""Browsing summaries: the summaries page (Recent, Best and Popular tabs, a category filter) and a
person's public profile. Their JSON twins are in web.api_notes, their Atom feeds in web.notes_feeds."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from papertalk.services.library import summary_lists
from papertalk.services.library.summary_rights import SummaryNotFound
from papertalk.web.pages import page_param
from papertalk.web.state import state_of

router = APIRouter(include_in_schema=False)


@router.get("/summaries")
def summaries_page(request: Request, tab: str = "recent", category: str = "", page: str | None = None) -> Response:
    state = state_of(request)
    chosen = tab if tab in summary_lists.TABS else "recent"
    number = page_param(page)
    shown = summary_lists.tab(state.engine, chosen, category[:40] or None, number, state.now())
    return state.render(request, "summaries.html", title="Summaries", tab=chosen, category=category[:40],
                        shown=shown, number=number, tabs=summary_lists.TABS)  # fmt: skip


@router.get("/people/{name}")
def person_page(request: Request, name: str) -> Response:
    state = state_of(request)
    found = summary_lists.of_person(state.engine, name[:64])
    if found is None:
        raise SummaryNotFound(f"person: nobody called {name[:64]!r} here")
    shown_name, shown = found
    return state.render(request, "person.html", title=shown_name, person=shown_name, shown=shown)
