"""Reading lists in /api/v1: read a list (the JSON twin of its page) and the reader's lists; create, change
and delete lists, add and remove items, with a personal token of scope write. A change names the version it
was made on (``version``); a stale one is refused 409 with what changed since."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from papertalk.core.list_records import ListRef
from papertalk.services.library import list_adding, list_editing, list_reading
from papertalk.services.library.list_access import ListNotFound
from papertalk.services.library.list_export import view_json
from papertalk.services.people.form_problems import FormProblem
from papertalk.web.api_models import ErrorOut
from papertalk.web.bearer import api_reader, api_writer, bearer_check
from papertalk.web.row_ids import RowId, VersionField, VersionQuery
from papertalk.web.state import state_of

ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorOut},
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    409: {"model": ErrorOut},
}
router = APIRouter(prefix="/api/v1", tags=["lists"], responses=ERRORS, dependencies=[Depends(bearer_check)])
PRIVATE = {"Cache-Control": "private, no-store", "Vary": "Cookie, Authorization"}


class ListIn(BaseModel):
    title: str = Field(max_length=200)
    description: str = Field("", max_length=200_000)
    visibility: str = Field("private", description="private, unlisted or public")


class ListChangeIn(ListIn):
    version: VersionField


class ItemIn(BaseModel):
    paper: str = Field(max_length=2000, description="an arXiv id, an arXiv URL or any http(s) link")
    title: str = Field("", max_length=200)
    section: str | None = Field(None, max_length=400, description="a section path such as Tuesday/Main talks")
    verdict: str = Field("", max_length=500)
    note: str = Field("", max_length=200_000)
    tags: str = Field("", max_length=1000)


def _answer(body: object, status: int = 200) -> Response:
    return JSONResponse(body, status_code=status, headers=PRIVATE)


def _refused(error: Exception) -> Response:
    if isinstance(error, ListNotFound):
        return _answer({"error": str(error), "status": 404}, 404)
    if isinstance(error, list_editing.StaleList):
        changes = [{"version": c.version, "who": c.who, "at": c.at, "what": c.what} for c in error.changes]
        return _answer({"error": str(error), "status": 409, "version": error.version, "changes": changes}, 409)
    return _answer({"error": str(error), "status": 400}, 400)


REFUSED = (ListNotFound, list_editing.StaleList, FormProblem)


def brief(refs: list[ListRef]) -> list[dict[str, object]]:
    return [{"id": r.id, "title": r.title, "owner": r.owner_name, "visibility": r.visibility} for r in refs]


@router.get("/lists")
def lists(request: Request) -> Response:
    """The reader's own and edited lists, the lists they follow, and the public lists."""
    state = state_of(request)
    user = api_reader(request)
    return _answer(
        {
            "mine": brief(list_reading.my_lists(state.engine, user)),
            "followed": brief(list_reading.followed(state.engine, user)),
            "public": brief(list_reading.public_lists(state.engine)),
        }
    )


@router.get("/lists/{list_id}")
def one_list(request: Request, list_id: RowId) -> Response:
    """A whole list (the twin of /lists/{list_id}); 404 for a list the reader may not see."""
    state = state_of(request)
    try:
        return _answer(view_json(list_reading.list_view(state.engine, api_reader(request), list_id)))
    except ListNotFound as error:
        return _refused(error)


@router.post("/lists")
async def create_list(request: Request, body: ListIn) -> Response:
    bearer = api_writer(request)
    state = state_of(request)
    try:
        made = await run_in_threadpool(
            list_editing.create_list,
            state.engine,
            bearer.user,
            body.title,
            body.description,
            body.visibility,
            state.now(),
        )
    except REFUSED as error:
        return _refused(error)
    return _answer({"id": made}, 201)


@router.patch("/lists/{list_id}")
async def change_list(request: Request, list_id: RowId, body: ListChangeIn) -> Response:
    bearer = api_writer(request)
    state = state_of(request)
    try:
        saved = await run_in_threadpool(
            lambda: list_editing.update_list(
                state.engine,
                state.settings,
                bearer.user,
                list_id,
                body.version,
                body.title,
                body.description,
                body.visibility,
                now=state.now(),
            )
        )
    except REFUSED as error:
        return _refused(error)
    return _answer({"id": list_id, "version": saved.version})


@router.delete("/lists/{list_id}")
async def delete_list(request: Request, list_id: RowId) -> Response:
    bearer = api_writer(request)
    state = state_of(request)
    try:
        await run_in_threadpool(
            list_editing.delete_list, state.engine, state.settings, bearer.user, list_id, state.now()
        )
    except REFUSED as error:
        return _refused(error)
    return _answer({"deleted": list_id})


@router.post("/lists/{list_id}/items")
async def add_item(request: Request, list_id: RowId, body: ItemIn) -> Response:
    bearer = api_writer(request)
    state = state_of(request)
    try:
        saved = await run_in_threadpool(
            lambda: list_adding.add_item(
                state.engine,
                state.settings,
                bearer.user,
                list_id,
                body.paper,
                now=state.now(),
                title=body.title,
                section=body.section,
                verdict=body.verdict,
                note=body.note,
                tags=body.tags,
            )
        )
    except REFUSED as error:
        return _refused(error)
    return _answer({"id": list_id, "version": saved.version}, 201)


@router.delete("/lists/{list_id}/items/{item_id}")
async def remove_item(request: Request, list_id: RowId, item_id: RowId, version: VersionQuery) -> Response:
    bearer = api_writer(request)
    state = state_of(request)
    try:
        saved = await run_in_threadpool(
            lambda: list_editing.remove_item(
                state.engine, state.settings, bearer.user, list_id, version, item_id, now=state.now()
            )
        )
    except REFUSED as error:
        return _refused(error)
    return _answer({"id": list_id, "version": saved.version})
