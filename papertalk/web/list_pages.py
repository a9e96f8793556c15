"""The reading-list pages: /lists (mine, followed, public), one list (with its JSON twin under /api/v1), its
printable page and exports, and the forms that change lists. Every change is a POST with
a CSRF token; the service checks who may do it; a refused input is shown next to its field with the
person's input kept, and a save on a stale version shows what changed meanwhile."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from papertalk.core.list_records import PUBLIC, ListItem, ListView
from papertalk.core.people_records import User
from papertalk.services.library import list_adding, list_editing, list_export, list_reading
from papertalk.services.library.list_access import ListNotFound
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import NotAllowed
from papertalk.web.list_html import Editing, items_html
from papertalk.web.people_pages import checked_form, see_other
from papertalk.web.row_ids import RowId, form_row_id, form_version, parse_row_id
from papertalk.web.state import WebState, state_of
from papertalk.web.viewer import viewer_of

router = APIRouter(include_in_schema=False)


def _chosen(raw: str, field: str) -> int:
    """The row id a form's round buttons or menu chose; an empty choice says what to do first."""
    if not raw:
        raise FormProblem(f"{field}: choose one first" if field != "item" else "item: choose an item first")
    return form_row_id(raw, field)


def _section_choice(raw: str) -> int | None:
    return None if raw in ("", "top") else form_row_id(raw, "section")


def _list_page(
    request: Request,
    state: WebState,
    list_id: int,
    status: int = 200,
    errors: dict[str, str] | None = None,
    **context: Any,
) -> Response:
    user = viewer_of(request, state).user
    view = list_reading.list_view(state.engine, user, list_id)
    kept: dict[str, str] = context.pop("kept", {})
    return state.render(
        request,
        "list.html",
        status_code=status,
        personal=True,
        view=view,
        errors=errors or {},
        title=view.ref.title,
        items_html=items_html,
        editing=Editing,
        chosen=_kept_number(kept.get("item", "")) if kept.get("tools") else None,
        opened=_opened(view, kept, request.query_params.get("edit", "")) if view.may_edit else None,
        kept=kept,
        **context,
    )


def _kept_number(raw: str) -> int | None:
    return parse_row_id(raw, 1)


def _opened(view: ListView, kept: dict[str, str], asked: str) -> ListItem | None:
    """The item whose editing form the page shows: the one whose save was refused (its input kept), else
    the one the editor's "Edit" link asked for (``?edit=ID``)."""
    wanted = _kept_number(kept["item"] if kept.get("action") == "item_edit" else asked)
    return next((i for i in view.all_items() if i.id == wanted), None) if wanted is not None else None


@router.get("/lists")
def lists_page(request: Request) -> Response:
    state = state_of(request)
    user = viewer_of(request, state).user
    return state.render(
        request,
        "lists.html",
        personal=True,
        mine=list_reading.my_lists(state.engine, user),
        followed=list_reading.followed(state.engine, user),
        public=list_reading.public_lists(state.engine),
        errors={},
        title="Reading lists",
    )


@router.get("/lists/followed")
def followed_page(request: Request) -> Response:
    state = state_of(request)
    user = viewer_of(request, state).user
    if user is None:
        return see_other("/signin")
    return state.render(
        request,
        "lists_followed.html",
        personal=True,
        followed=list_reading.followed(state.engine, user),
        title="Followed lists",
    )


@router.get("/lists/{list_id:int}")
def list_page(request: Request, list_id: RowId) -> Response:
    state = state_of(request)
    try:
        return _list_page(request, state, list_id)
    except ListNotFound as missing:
        return state.render(request, "error.html", status_code=404, status=404, message=str(missing), title="Not found")


@router.get("/lists/{list_id:int}/print")
def print_page(request: Request, list_id: RowId) -> Response:
    state = state_of(request)
    try:
        view = list_reading.list_view(state.engine, viewer_of(request, state).user, list_id)
    except ListNotFound as missing:
        return state.render(request, "error.html", status_code=404, status=404, message=str(missing), title="Not found")
    return state.render(request, "list_print.html", personal=True, view=view, title=view.ref.title)


@router.get("/lists/{list_id:int}/export.{kind}")
def export(request: Request, list_id: RowId, kind: str) -> Response:
    state = state_of(request)
    try:
        view = list_reading.list_view(state.engine, viewer_of(request, state).user, list_id)
    except ListNotFound as missing:
        return state.render(request, "error.html", status_code=404, status=404, message=str(missing), title="Not found")
    made = list_export.exported(state.engine, view, kind)
    if made is None:
        return state.render(
            request,
            "error.html",
            status_code=404,
            status=404,
            title="Not found",
            message="export: choose md, bib, csv or json",
        )
    headers = {"Cache-Control": "private, no-store", "Content-Disposition": f'inline; filename="list-{list_id}.{kind}"'}
    return Response(made[0], media_type=made[1], headers=headers)


@router.get("/lists/{list_id:int}/feed.atom")
def feed(request: Request, list_id: RowId) -> Response:
    """What was added to a public list, newest first (a private or unlisted list has no feed)."""
    state = state_of(request)
    try:
        view = list_reading.list_view(state.engine, None, list_id)
    except ListNotFound:
        view = None
    if view is None or view.ref.visibility != PUBLIC:
        return state.render(
            request,
            "error.html",
            status_code=404,
            status=404,
            title="Not found",
            message=f"list: no public list {list_id}",
        )
    items = sorted(view.all_items(), key=lambda i: (-i.added_at, -i.id))[:50]
    # personal: never kept by a cache, so a list made private leaves its feed at once
    return state.render(
        request,
        "list_feed.atom",
        personal=True,
        media_type="application/atom+xml; charset=utf-8",
        view=view,
        items=items,
    )


def _user(viewer_user: User | None, action: str) -> User:
    if viewer_user is None:
        raise NotAllowed(f"{action}: sign in first")
    return viewer_user


@router.post("/lists")
async def create(request: Request) -> Response:
    state, viewer, fields = await checked_form(request)
    user = _user(viewer.user, "create a list")
    try:
        list_id = await run_in_threadpool(
            list_editing.create_list,
            state.engine,
            user,
            fields.get("title", ""),
            fields.get("description", ""),
            fields.get("visibility", "private"),
            state.now(),
        )
    except FormProblem as problem:
        return state.render(
            request,
            "lists.html",
            status_code=400,
            personal=True,
            mine=[],
            followed=[],
            public=[],
            errors={problem.field: problem.message},
            kept=fields,
            title="Reading lists",
        )
    return see_other(f"/lists/{list_id}")


def _edit(state: WebState, user: User, list_id: int, f: dict[str, str]) -> str:
    """Run one list form's action; the page to go back to."""
    action, engine, now = f.get("action", ""), state.engine, state.now()
    if action == "add":
        list_adding.add_item(
            engine,
            state.settings,
            user,
            list_id,
            f.get("paper", ""),
            now=now,
            title=f.get("title", ""),
            section=_section_choice(f.get("section", "")),
            verdict=f.get("verdict", ""),
            note=f.get("note", ""),
            tags=f.get("tags", ""),
            links=f.get("links", ""),
        )
        return f"/lists/{list_id}"
    if action == "delete":
        list_editing.delete_list(engine, state.settings, user, list_id, now)
        return "/lists"
    version = form_version(f.get("version", ""))
    if action == "settings":
        list_editing.update_list(
            engine,
            state.settings,
            user,
            list_id,
            version,
            f.get("title", ""),
            f.get("description", ""),
            f.get("visibility") or None,
            now=now,
        )
    elif action in ("editor_add", "editor_remove"):
        list_editing.set_editor(engine, user, list_id, version, f.get("editor", ""), action == "editor_add", now=now)
    elif action == "section_add":
        list_editing.add_section(
            engine, user, list_id, version, f.get("section_title", ""), _section_choice(f.get("parent", "")), now=now
        )
    elif action == "section_rename":
        list_editing.rename_section(
            engine,
            user,
            list_id,
            version,
            _chosen(f.get("section", ""), "section"),
            f.get("section_title", ""),
            now=now,
        )
    elif action in ("section_up", "section_down"):
        list_editing.move_section(
            engine,
            user,
            list_id,
            version,
            _chosen(f.get("section", ""), "section"),
            -1 if action == "section_up" else 1,
            now=now,
        )
    elif action == "section_remove":
        list_editing.remove_section(
            engine,
            state.settings,
            user,
            list_id,
            version,
            _chosen(f.get("section", ""), "section"),
            f.get("items") == "keep",
            now=now,
        )
    elif action == "item_edit":
        list_editing.update_item(
            engine,
            state.settings,
            user,
            list_id,
            version,
            _chosen(f.get("item", ""), "item"),
            f.get("verdict", ""),
            f.get("note", ""),
            f.get("tags", ""),
            f.get("read_state", "to-read"),
            now=now,
        )
    elif action in ("item_up", "item_down"):
        list_editing.move_item(
            engine,
            user,
            list_id,
            version,
            _chosen(f.get("item", ""), "item"),
            -1 if action == "item_up" else 1,
            now=now,
        )
    elif action == "item_move":
        list_editing.move_item(
            engine,
            user,
            list_id,
            version,
            _chosen(f.get("item", ""), "item"),
            to_section=_section_choice(f.get("to", "")),
            now=now,
        )
    elif action == "item_remove":
        list_editing.remove_item(
            engine, state.settings, user, list_id, version, _chosen(f.get("item", ""), "item"), now=now
        )
    else:
        raise FormProblem("action: unknown action")
    return f"/lists/{list_id}"


@router.post("/lists/{list_id:int}/edit")
async def edit(request: Request, list_id: RowId) -> Response:
    state, viewer, fields = await checked_form(request)
    user = _user(viewer.user, "change a list")
    try:
        back = await run_in_threadpool(_edit, state, user, list_id, fields)
    except ListNotFound as missing:
        return state.render(request, "error.html", status_code=404, status=404, message=str(missing), title="Not found")
    except FormProblem as problem:
        errors = {problem.field: problem.message}
        return await run_in_threadpool(_list_page, request, state, list_id, 400, errors, kept=fields)
    except list_editing.StaleList as stale:
        return await run_in_threadpool(
            _list_page, request, state, list_id, 409, {"form": str(stale)}, kept=fields, changes=stale.changes
        )
    return see_other(back)


@router.post("/lists/{list_id:int}/follow")
async def follow(request: Request, list_id: RowId) -> Response:
    state, viewer, fields = await checked_form(request)
    user = _user(viewer.user, "follow a list")
    try:
        await run_in_threadpool(
            list_reading.set_follow, state.engine, user, list_id, fields.get("follow") != "0", state.now()
        )
    except ListNotFound as missing:
        return state.render(request, "error.html", status_code=404, status=404, message=str(missing), title="Not found")
    return see_other(f"/lists/{list_id}")


@router.post("/lists/add")
async def add_anywhere(request: Request) -> Response:
    """The "Add to list" control of the trending card, paper page, search results and posts page: without a
    list chosen it shows the person's lists to choose from; with one, it adds the paper."""
    state, viewer, fields = await checked_form(request)
    user = _user(viewer.user, "add to a list")
    paper = fields.get("paper", "")[:200]
    chosen = fields.get("list", "")
    errors: dict[str, str] = {}
    if chosen:
        try:
            list_id = form_row_id(chosen, "list")
            await run_in_threadpool(
                lambda: list_adding.add_item(
                    state.engine,
                    state.settings,
                    user,
                    list_id,
                    paper,
                    now=state.now(),
                    section=fields.get("section", "").strip() or None,
                    verdict=fields.get("verdict", ""),
                )
            )
            return see_other(f"/lists/{list_id}")
        except FormProblem as problem:
            errors = {problem.field: problem.message}
        except ListNotFound as missing:
            errors = {"list": str(missing)}
    mine = await run_in_threadpool(list_reading.my_lists, state.engine, user)
    return state.render(
        request,
        "list_add.html",
        status_code=400 if errors else 200,
        personal=True,
        mine=mine,
        paper=paper,
        errors=errors,
        kept=fields,
        title="Add to a list",
    )
