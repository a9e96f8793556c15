"""For you (issue 19): the signed-in reader's tab beside the trending lists, and its JSON twin
``/api/v1/for-you``. Both are personal: never cached, never shown to anyone else."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from starlette.responses import JSONResponse, RedirectResponse, Response

from papertalk.services.discover.for_you import ForYouItem, for_you, seed_papers
from papertalk.services.pages.page_request import PageRequestError
from papertalk.web.api_models import ErrorOut, Links, PaperOut
from papertalk.web.bearer import ApiAuthError, api_reader, bearer_check
from papertalk.web.state import WebState, state_of
from papertalk.web.viewer import viewer_of

router = APIRouter(include_in_schema=False)
api_router = APIRouter(
    prefix="/api/v1",
    tags=["people"],
    responses={401: {"model": ErrorOut}, 400: {"model": ErrorOut}},
    dependencies=[Depends(bearer_check)],
)
PRIVATE = {"Cache-Control": "private, no-store", "Vary": "Cookie, Authorization"}


class ForYouItemOut(BaseModel):
    paper: PaperOut
    score: float
    like: str  # the arXiv id of the closest of the reader's papers
    reason: str

    @classmethod
    def of(cls, item: ForYouItem) -> ForYouItemOut:
        return cls(
            paper=PaperOut.of(item.paper), score=round(item.score, 6), like=item.like.arxiv_id, reason=item.reason
        )


class ForYouOut(BaseModel):
    window: str
    seeds: int
    items: list[ForYouItemOut]
    links: Links


def _window(state: WebState, window: str | None) -> str:
    name = window or "week"
    known = [w.name for w in state.settings.ranking.windows]
    if name not in known:
        raise PageRequestError(f"window: unknown window {name[:40]!r}, choose one of {', '.join(known)}")
    return name


@router.get("/for-you")
def for_you_page(request: Request, window: str | None = None) -> Response:
    state = state_of(request)
    user = viewer_of(request, state).user
    if user is None:
        return RedirectResponse("/signin", status_code=303)
    name = _window(state, window)
    seeds = seed_papers(state.engine, user, state.now())
    items = for_you(state.engine, state.settings, state.now(), seeds, name, wait_for_vectors=False)
    return state.render(
        request,
        "for_you.html",
        personal=True,
        items=items,
        seeds=len(seeds),
        window=name,
        windows=[w.name for w in state.settings.ranking.windows],
        title="For you",
    )


@api_router.get("/for-you", response_model=ForYouOut)
def for_you_api(request: Request, window: str | None = None) -> Response:
    """The window's discussed papers closest to the reader's own (401 when anonymous), each with why."""
    state = state_of(request)
    user = api_reader(request)
    if user is None:
        raise ApiAuthError(401, "Authorization: send 'Authorization: Bearer <token>' or sign in")
    name = _window(state, window)
    seeds = seed_papers(state.engine, user, state.now())
    items = for_you(state.engine, state.settings, state.now(), seeds, name, wait_for_vectors=False)
    out = ForYouOut(
        window=name,
        seeds=len(seeds),
        items=[ForYouItemOut.of(i) for i in items],
        links=Links(self=f"/api/v1/for-you?window={name}", html=f"/for-you?window={name}"),
    )
    return JSONResponse(out.model_dump(), headers=PRIVATE)
