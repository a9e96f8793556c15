"""The library part of /api/v1: read summaries (the JSON twins of the summaries page, a paper's
summaries, a person's profile, one summary with its discussion) and, with a write token, create, change
and delete one's notes, summaries, comments and votes. Who may do what is decided by services.library."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from papertalk.core.page_limits import MAX_QUERY_CHARS
from papertalk.core.summary_records import Comment, Summary
from papertalk.services.library import discussion, summaries, summary_lists
from papertalk.services.library.summary_rights import SummaryNotFound
from papertalk.services.pages.paper_page import normalize_id
from papertalk.services.people.form_problems import FormProblem
from papertalk.web.api_models import ErrorOut
from papertalk.web.bearer import ApiAuthError, api_reader, api_writer, bearer_check
from papertalk.web.pages import page_param
from papertalk.web.row_ids import RowId, RowIdField
from papertalk.web.state import state_of

ERRORS: dict[int | str, dict[str, object]] = {s: {"model": ErrorOut} for s in (400, 401, 403, 404)}
router = APIRouter(prefix="/api/v1", tags=["library"], responses=ERRORS, dependencies=[Depends(bearer_check)])
PRIVATE = {"Cache-Control": "private, no-store", "Vary": "Cookie, Authorization"}


class SummaryOut(BaseModel):
    id: int
    kind: str
    arxiv_id: str
    author: str = Field(description='the author\'s name, or "anonymous"')
    visibility: str
    title: str
    source: str = Field(description="the Markdown as written")
    html: str = Field(description="the sanitized HTML made from it when it was saved")
    score: int
    comments: int
    version: int
    created_at: int
    updated_at: int


class CommentOut(BaseModel):
    id: int
    summary_id: RowId
    parent_id: int | None
    author: str
    source: str
    html: str
    created_at: int
    updated_at: int


class SummaryPageOut(BaseModel):
    summary: SummaryOut
    comments: list[CommentOut]


class SummariesOut(BaseModel):
    summaries: list[SummaryOut]


class SummaryIn(BaseModel):
    arxiv_id: str = Field(max_length=100)
    kind: Literal["summary", "note"] = "summary"
    title: str = Field("", max_length=300)
    source: str
    visibility: Literal["public", "unlisted", "private"] = "public"
    anonymous: bool = False


class SummaryChangeIn(BaseModel):
    title: str = Field("", max_length=300)
    source: str
    visibility: Literal["public", "unlisted", "private"] = "public"
    anonymous: bool = False


class CommentIn(BaseModel):
    source: str
    parent_id: RowIdField | None = None


class VoteIn(BaseModel):
    vote: Literal["up", "down", "none"]


class VoteOut(BaseModel):
    score: int


def summary_out(s: Summary) -> SummaryOut:
    return SummaryOut(id=s.id, kind=s.kind, arxiv_id=s.arxiv_id, author=s.shown_author, visibility=s.visibility,
                      title=s.title, source=s.source, html=s.html, score=s.score, comments=s.comments,
                      version=s.version, created_at=s.created_at, updated_at=s.updated_at)  # fmt: skip


def comment_out(c: Comment) -> CommentOut:
    return CommentOut(id=c.id, summary_id=c.summary_id, parent_id=c.parent_id, author=c.author, source=c.source,
                      html=c.html, created_at=c.created_at, updated_at=c.updated_at)  # fmt: skip


def _answer(model: BaseModel, status: int = 200) -> Response:
    return JSONResponse(model.model_dump(), status_code=status, headers=PRIVATE)


def _problem(problem: FormProblem) -> ApiAuthError:
    return ApiAuthError(400, problem.message)


@router.get("/summaries", response_model=SummariesOut)
def list_summaries(request: Request, tab: str = "recent", category: str = "", page: str | None = None,
                   paper: str = "") -> Response:  # fmt: skip
    """The summaries page (``tab`` recent, best or popular; ``category``), or with ``paper`` that paper's
    public summaries, best first."""
    state = state_of(request)
    if paper:
        shown = summary_lists.of_paper(state.engine, None, normalize_id(paper)).listed
    else:
        shown = summary_lists.tab(state.engine, tab, category[:40] or None, page_param(page), state.now())
    return _answer(SummariesOut(summaries=[summary_out(s) for s in shown]))


@router.get("/search/summaries", response_model=SummariesOut)
def search_summaries(request: Request, q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)]) -> Response:
    """The search page's summaries (its JSON twin there): public summaries holding every word of ``q``,
    and, for the reader only, their own summaries and notes; newest first, at most 20."""
    found = summary_lists.search(state_of(request).engine, api_reader(request), q)
    return _answer(SummariesOut(summaries=[summary_out(s) for s in found]))


@router.get("/summaries/{summary_id}", response_model=SummaryPageOut)
def get_summary(request: Request, summary_id: RowId) -> Response:
    """A summary (or one's own note) with its discussion (the summary page's twin)."""
    state = state_of(request)
    reader = api_reader(request)
    found = summaries.find(state.engine, reader, summary_id)
    thread = discussion.comments_shown(state.engine, reader, found)
    shown = [comment_out(c) for top, replies in thread for c in (top, *replies) if c.deleted_at is None]
    return _answer(SummaryPageOut(summary=summary_out(found), comments=shown))


@router.get("/people/{name}/summaries", response_model=SummariesOut)
def person_summaries(request: Request, name: str) -> Response:
    """A person's public summaries (the profile page's twin)."""
    found = summary_lists.of_person(state_of(request).engine, name[:64])
    if found is None:
        raise SummaryNotFound(f"person: nobody called {name[:64]!r} here")
    return _answer(SummariesOut(summaries=[summary_out(s) for s in found[1]]))


@router.get("/notes", response_model=SummariesOut)
def my_notes(request: Request) -> Response:
    """All your own summaries and notes (401 when anonymous)."""
    reader = api_reader(request)
    if reader is None:
        raise ApiAuthError(401, "Authorization: send 'Authorization: Bearer <token>' or sign in")
    return _answer(SummariesOut(summaries=[summary_out(s) for s in summary_lists.own(state_of(request).engine,
                                                                                     reader)]))  # fmt: skip


@router.post("/summaries", response_model=SummaryOut, status_code=201)
async def create_summary(request: Request, body: SummaryIn) -> Response:
    """Write your summary of a paper (a second call changes it), or a new private note (kind note)."""
    bearer = api_writer(request)
    state = state_of(request)
    arxiv_id = normalize_id(body.arxiv_id)
    try:
        draft = summaries.draft_of(body.title, body.source, body.visibility, body.anonymous, body.kind)
        if body.kind == "note":
            made = await run_in_threadpool(summaries.save_note, state.engine, bearer.user, arxiv_id, draft, state.now())
        else:
            made = await run_in_threadpool(summaries.save_summary, state.engine, state.settings, bearer.user, arxiv_id,
                                           draft, state.now())  # fmt: skip
    except FormProblem as problem:
        raise _problem(problem) from None
    return _answer(summary_out(made), 201)


@router.put("/summaries/{summary_id}", response_model=SummaryOut)
async def change_summary(request: Request, summary_id: RowId, body: SummaryChangeIn) -> Response:
    """Save a new version of your summary or note."""
    bearer = api_writer(request)
    state = state_of(request)
    try:
        draft = summaries.draft_of(body.title, body.source, body.visibility, body.anonymous)
        made = await run_in_threadpool(summaries.edit, state.engine, state.settings, bearer.user, summary_id, draft,
                                       state.now())  # fmt: skip
    except FormProblem as problem:
        raise _problem(problem) from None
    return _answer(summary_out(made))


@router.delete("/summaries/{summary_id}", response_model=SummaryOut)
async def delete_summary(request: Request, summary_id: RowId) -> Response:
    """Delete your summary or note (with its history, votes and comments)."""
    bearer = api_writer(request)
    state = state_of(request)
    gone = await run_in_threadpool(summaries.delete, state.engine, state.settings, bearer.user, summary_id, state.now())
    return _answer(summary_out(gone))


@router.put("/summaries/{summary_id}/vote", response_model=VoteOut)
async def vote(request: Request, summary_id: RowId, body: VoteIn) -> Response:
    """Vote up or down on someone else's summary ("none" takes the vote back)."""
    bearer = api_writer(request)
    state = state_of(request)
    score = await run_in_threadpool(discussion.vote, state.engine, bearer.user, summary_id, body.vote, state.now())
    return _answer(VoteOut(score=score))


@router.post("/summaries/{summary_id}/comments", response_model=CommentOut, status_code=201)
async def add_comment(request: Request, summary_id: RowId, body: CommentIn) -> Response:
    """Comment on a summary, or reply to one of its comments (``parent_id``)."""
    bearer = api_writer(request)
    state = state_of(request)
    try:
        made = await run_in_threadpool(discussion.add_comment, state.engine, state.settings.library, bearer.user,
                                       summary_id, body.source, body.parent_id, state.now())  # fmt: skip
    except FormProblem as problem:
        raise _problem(problem) from None
    return _answer(comment_out(made), 201)


@router.put("/comments/{comment_id}", response_model=CommentOut)
async def edit_comment(request: Request, comment_id: RowId, body: CommentIn) -> Response:
    """Change your comment."""
    bearer = api_writer(request)
    state = state_of(request)
    try:
        made = await run_in_threadpool(discussion.edit_comment, state.engine, bearer.user, comment_id, body.source,
                                       state.now())  # fmt: skip
    except FormProblem as problem:
        raise _problem(problem) from None
    return _answer(comment_out(made))


@router.delete("/comments/{comment_id}", response_model=CommentOut)
async def delete_comment(request: Request, comment_id: RowId) -> Response:
    """Delete your comment (its replies stay, under "deleted")."""
    bearer = api_writer(request)
    state = state_of(request)
    gone = await run_in_threadpool(discussion.delete_comment, state.engine, bearer.user, comment_id, state.now())
    return _answer(comment_out(gone))
