"""Curated digests in /api/v1: read the day's curated digest of a stream one may compose (drafts too), and
write it whole with a personal token of scope write. Who may is decided by services.digests.curated_rights;
a bad field answers 400 naming it, a stale ``version`` 400 too, nothing half saved."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from papertalk.services.digests.curated_rights import OWN
from papertalk.services.digests.curated_writing import CuratedInput, LinkInput, PickInput, find_curated, save_curated
from papertalk.services.digests.digest_export import curated_data
from papertalk.services.people.form_problems import FormProblem
from papertalk.web.api_lists import ERRORS, PRIVATE
from papertalk.web.bearer import ApiAuthError, api_reader, api_writer, bearer_check
from papertalk.web.state import state_of

router = APIRouter(prefix="/api/v1", tags=["digests"], responses=ERRORS, dependencies=[Depends(bearer_check)])


class PickIn(BaseModel):
    paper: str = Field(max_length=2000, description="an arXiv id or arXiv URL (in papertalk's catalogue)")
    comment: str = Field("", max_length=500, description="one line of Markdown")


class LinkIn(BaseModel):
    title: str = Field(max_length=200)
    url: str = Field(max_length=2000)
    author: str = Field("", max_length=200)


class CuratedIn(BaseModel):
    stream: str = Field(OWN, max_length=200, description="own, everyone (admins) or a shared network's name")
    title: str = Field("", max_length=200)
    intro: str = Field("", max_length=200_000, description="Markdown with $…$ math")
    papers: list[PickIn] = Field(default_factory=list, max_length=50)
    links: list[LinkIn] = Field(default_factory=list, max_length=50)
    published_at: int | None = Field(None, ge=0, le=2**62, description="Unix time it shows from; null: a draft")
    version: int | None = Field(
        None, ge=1, le=2**31, description="the version this change was made on (null: a new one)"
    )


def _answer(body: object, status: int = 200) -> Response:
    return JSONResponse(body, status_code=status, headers=PRIVATE)


@router.get("/curated/{day}")
def curated(request: Request, day: str, stream: str = OWN) -> Response:
    """The day's curated digest of a stream the reader may compose (drafts too); 404 when there is none."""
    state = state_of(request)
    reader = api_reader(request)
    if reader is None:  # as every personal API read: no credentials is a 401, not "may not"
        raise ApiAuthError(401, "Authorization: send 'Authorization: Bearer <token>' or sign in")
    try:
        found = find_curated(state.engine, reader, stream, day)
    except FormProblem as error:
        return _answer({"error": str(error), "status": 400}, 400)
    if found is None:
        return _answer({"error": f"day: no curated digest of {day} for {stream[:80]!r} yet", "status": 404}, 404)
    return _answer(curated_data(found, state.web.base_url.rstrip("/")))


@router.put("/curated/{day}")
async def put_curated(request: Request, day: str, body: CuratedIn) -> Response:
    """Make or replace the day's curated digest of a stream (intro, papers, links, publication time)."""
    bearer = api_writer(request)
    state = state_of(request)
    picks = tuple(PickInput(p.paper, p.comment, n) for n, p in enumerate(body.papers, start=1))
    links = tuple(LinkInput(i.title, i.url, i.author, n) for n, i in enumerate(body.links, start=1))
    given = CuratedInput(body.stream, day, body.title, body.intro, picks, links, body.published_at)
    try:
        made = await run_in_threadpool(save_curated, state.engine, bearer.user, given, body.version, state.now())
    except FormProblem as error:
        return _answer({"error": str(error), "status": 400}, 400)
    found = await run_in_threadpool(find_curated, state.engine, bearer.user, body.stream, day)
    return _answer({"id": made, "version": found.version if found else None})
