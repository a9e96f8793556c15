"""The pages of summaries and notes: write one (with a server-side preview, no script needed), read it
with its votes and discussion, edit it, see its history and diffs, delete it; comments, votes, reports,
notifications, and the admins' hide and restore. Every POST checks its CSRF token; who may do what is
decided by services.library."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from papertalk.core.people_records import User
from papertalk.core.summary_records import Summary
from papertalk.core.written_text import MAX_WRITTEN_CHARS
from papertalk.services.library import discussion, moderation, summaries
from papertalk.services.library.summary_rights import SummaryNotFound
from papertalk.services.pages.paper_page import normalize_id
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import NotAllowed
from papertalk.web.people_pages import checked_form, form_page, see_other
from papertalk.web.row_ids import RowId, form_row_id
from papertalk.web.state import WebState, state_of
from papertalk.web.viewer import Viewer, viewer_of

router = APIRouter(include_in_schema=False)
# A 1 MB note of any characters, percent-encoded (up to 9 bytes a character), and the other fields.
WRITING_FORM_BYTES = MAX_WRITTEN_CHARS * 9 + 64 * 1024


def draft_fields(fields: dict[str, str], kind: str) -> dict[str, Any]:
    """The writing form's fields as they are shown back (kept on a preview or an error)."""
    return {
        "kind": kind,
        "title": fields.get("title", "")[:400],
        "source": fields.get("source", ""),
        "visibility": fields.get("visibility", "public"),
        "anonymous": fields.get("anonymous") == "on",
    }


def write_page(request: Request, arxiv_id: str, form: dict[str, Any], action: str, status: int = 200,
               errors: dict[str, str] | None = None, preview: Any = None) -> Response:  # fmt: skip
    title = "Write a note" if form["kind"] == "note" else "Write a summary"
    return form_page(request, "summary_form.html", title, status, errors, arxiv_id=arxiv_id, form=form,
                     action=action, preview=preview)  # fmt: skip


@router.get("/summaries/new")
def new_page(request: Request, paper: str = "", kind: str = "summary") -> Response:
    state = state_of(request)
    viewer = viewer_of(request, state)
    if viewer.user is None:
        return see_other("/signin")
    arxiv_id = normalize_id(paper)
    kind = "note" if kind == "note" else "summary"
    form = {"kind": kind, "title": "", "source": "", "visibility": "public", "anonymous": False}
    if kind == "summary":
        mine = summaries.own_summary_of(state.engine, viewer.user, arxiv_id)
        if mine is not None:
            return see_other(f"/summaries/{mine.id}/edit")
    return write_page(request, arxiv_id, form, "/summaries/new")


async def _written(request: Request, save: Callable[[WebState, User, summaries.Draft], Summary],
                   again: Callable[[dict[str, str]], tuple[str, dict[str, Any], str]]) -> Response:  # fmt: skip
    """A writing form's POST: preview it (nothing stored) or save it; a problem is shown by its field."""
    state, viewer, fields = await checked_form(request, WRITING_FORM_BYTES)
    if viewer.user is None:
        raise NotAllowed("write: sign in first")
    user = viewer.user
    arxiv_id, form, action = again(fields)
    try:
        draft = summaries.draft_of(form["title"], form["source"], form["visibility"], form["anonymous"], form["kind"])
        if fields.get("action") == "preview":
            made = await run_in_threadpool(summaries.preview, draft)
            return write_page(request, arxiv_id, form, action, preview=made)
        saved = await run_in_threadpool(save, state, user, draft)
    except FormProblem as problem:
        return write_page(request, arxiv_id, form, action, 400, {problem.field: problem.message})
    return see_other(f"/summaries/{saved.id}")


@router.post("/summaries/new")
async def create(request: Request) -> Response:
    chosen: dict[str, str] = {}

    def again(fields: dict[str, str]) -> tuple[str, dict[str, Any], str]:
        chosen.update(fields)
        kind = "note" if fields.get("kind") == "note" else "summary"
        return normalize_id(fields.get("paper", "")), draft_fields(fields, kind), "/summaries/new"

    def save(state: WebState, user: User, draft: summaries.Draft) -> Summary:
        arxiv_id = normalize_id(chosen.get("paper", ""))
        if chosen.get("kind") == "note":
            return summaries.save_note(state.engine, user, arxiv_id, draft, state.now())
        return summaries.save_summary(state.engine, state.settings, user, arxiv_id, draft, state.now())

    return await _written(request, save, again)


def _found(state: WebState, viewer: Viewer, summary_id: RowId) -> Summary:
    return summaries.find(state.engine, viewer.user, summary_id)


@router.get("/summaries/{summary_id:int}")
def summary_page(request: Request, summary_id: RowId) -> Response:
    state = state_of(request)
    viewer = viewer_of(request, state)
    summary = _found(state, viewer, summary_id)
    thread = discussion.comments_shown(state.engine, viewer.user, summary)
    my_vote = discussion.vote_of(state.engine, viewer.user, summary)
    title = summary.title or f"Summary of arXiv:{summary.arxiv_id}"
    personal = summary.visibility != "public" or summary.hidden_at is not None  # never kept by any cache
    return state.render(request, "summary.html", personal=personal, title=title, summary=summary, thread=thread,
                        my_vote=my_vote, errors={})  # fmt: skip


@router.get("/summaries/{summary_id:int}/edit")
def edit_page(request: Request, summary_id: RowId) -> Response:
    state = state_of(request)
    viewer = viewer_of(request, state)
    summary = _found(state, viewer, summary_id)
    if viewer.user is None or viewer.user.id != summary.user_id:
        raise NotAllowed("edit: only its author may do this")
    form = {"kind": summary.kind, "title": summary.title, "source": summary.source,
            "visibility": summary.visibility, "anonymous": summary.anonymous}  # fmt: skip
    return write_page(request, summary.arxiv_id, form, f"/summaries/{summary_id}/edit")


@router.post("/summaries/{summary_id:int}/edit")
async def edit(request: Request, summary_id: RowId) -> Response:
    state = state_of(request)
    current = await run_in_threadpool(_found, state, viewer_of(request, state), summary_id)

    def again(fields: dict[str, str]) -> tuple[str, dict[str, Any], str]:
        return current.arxiv_id, draft_fields(fields, current.kind), f"/summaries/{summary_id}/edit"

    def save(state: WebState, user: User, draft: summaries.Draft) -> Summary:
        return summaries.edit(state.engine, state.settings, user, summary_id, draft, state.now())

    return await _written(request, save, again)


async def _action(request: Request, act: Callable[[WebState, User | None, dict[str, str]], str]) -> Response:
    """A small form's POST: run ``act`` (it returns where to go next); a problem goes back as 400."""
    state, viewer, fields = await checked_form(request)
    if viewer.user is None:
        raise NotAllowed("sign in first")
    try:
        return see_other(await run_in_threadpool(act, state, viewer.user, fields))
    except FormProblem as problem:
        return state.render(
            request,
            "error.html",
            status_code=400,
            personal=True,
            status=400,
            title="Not saved",
            message=problem.message,
        )


@router.post("/summaries/{summary_id:int}/delete")
async def delete(request: Request, summary_id: RowId) -> Response:
    def act(state: WebState, user: User | None, _: dict[str, str]) -> str:
        gone = summaries.delete(state.engine, state.settings, user, summary_id, state.now())
        return f"/abs/{gone.arxiv_id}"

    return await _action(request, act)


@router.get("/summaries/{summary_id:int}/history")
def history_page(request: Request, summary_id: RowId, old: str = "", new: str = "") -> Response:
    state = state_of(request)
    viewer = viewer_of(request, state)
    summary, versions = summaries.history(state.engine, viewer.user, summary_id)
    shown = None
    if old and new:
        shown = summaries.diff(state.engine, viewer.user, summary_id, form_row_id(old, "old"), form_row_id(new, "new"))
    return form_page(request, "summary_history.html", "History", summary=summary, versions=versions, diff=shown,
                     old=old, new=new)  # fmt: skip


@router.post("/summaries/{summary_id:int}/vote")
async def vote(request: Request, summary_id: RowId) -> Response:
    def act(state: WebState, user: User | None, fields: dict[str, str]) -> str:
        discussion.vote(state.engine, user, summary_id, fields.get("vote", ""), state.now())
        return f"/summaries/{summary_id}"

    return await _action(request, act)


@router.post("/summaries/{summary_id:int}/comments")
async def comment(request: Request, summary_id: RowId) -> Response:
    def act(state: WebState, user: User | None, fields: dict[str, str]) -> str:
        parent = fields.get("parent", "")
        made = discussion.add_comment(state.engine, state.settings.library, user, summary_id,
                                      fields.get("source", ""), form_row_id(parent, "parent") if parent else None,
                                      state.now())  # fmt: skip
        return f"/summaries/{summary_id}#comment-{made.id}"

    return await _action(request, act)


@router.post("/comments/{comment_id:int}/edit")
async def edit_comment(request: Request, comment_id: RowId) -> Response:
    def act(state: WebState, user: User | None, fields: dict[str, str]) -> str:
        made = discussion.edit_comment(state.engine, user, comment_id, fields.get("source", ""), state.now())
        return f"/summaries/{made.summary_id}#comment-{made.id}"

    return await _action(request, act)


@router.post("/comments/{comment_id:int}/delete")
async def delete_comment(request: Request, comment_id: RowId) -> Response:
    def act(state: WebState, user: User | None, _: dict[str, str]) -> str:
        gone = discussion.delete_comment(state.engine, user, comment_id, state.now())
        return f"/summaries/{gone.summary_id}"

    return await _action(request, act)


@router.post("/reports")
async def report(request: Request) -> Response:
    def act(state: WebState, user: User | None, fields: dict[str, str]) -> str:
        target = fields.get("target", "")
        moderation.report(state.engine, user, target, form_row_id(fields.get("id", ""), "id"), fields.get("reason", ""),
                          state.now())  # fmt: skip
        return fields.get("back", "/")[:300] if fields.get("back", "/").startswith("/summaries/") else "/"

    return await _action(request, act)


@router.get("/notifications")
def notifications_page(request: Request) -> Response:
    state = state_of(request)
    viewer = viewer_of(request, state)
    if viewer.user is None:
        return see_other("/signin")
    shown = discussion.notifications_of(state.engine, viewer.user)
    return form_page(request, "notifications.html", "Notifications", notifications=shown)


@router.post("/notifications/read")
async def notifications_read(request: Request) -> Response:
    def act(state: WebState, user: User | None, _: dict[str, str]) -> str:
        discussion.mark_read(state.engine, user, state.now())
        return "/notifications"

    return await _action(request, act)


@router.get("/admin/reports")
def reports_page(request: Request) -> Response:
    state = state_of(request)
    user = viewer_of(request, state).user
    if user is None:
        raise NotAllowed("admin: sign in as an admin to see this page")
    return form_page(request, "reports.html", "Reports", reports=moderation.queue(state.engine, user))


@router.post("/admin/reports")
async def hide_or_restore(request: Request) -> Response:
    def act(state: WebState, user: User | None, fields: dict[str, str]) -> str:
        assert user is not None
        hide = {"hide": True, "restore": False}.get(fields.get("action", ""))
        if hide is None:
            raise FormProblem("action: choose hide or restore")
        moderation.set_hidden(state.engine, state.settings, user, fields.get("target", ""),
                              form_row_id(fields.get("id", ""), "id"), hide, state.now())  # fmt: skip
        return "/admin/reports"

    return await _action(request, act)


__all__ = ["SummaryNotFound", "router"]


@router.get("/comments/{comment_id:int}")
def comment_page(request: Request, comment_id: RowId) -> Response:
    """A comment's place: its summary's page, at the comment."""
    state = state_of(request)
    found = discussion.find_comment(state.engine, viewer_of(request, state).user, comment_id)
    return see_other(f"/summaries/{found.summary_id}#comment-{found.id}")
