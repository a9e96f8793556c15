"""The list import page (/lists/import): a page of notes pasted or uploaded as a file (multipart), read as
the format the person chose or the one its file name or text shows, previewed with nothing saved, then
saved as the person confirmed. A file over the bound is answered next to the file field, unread."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from papertalk.core.list_import_parse import MAX_PAGE_BYTES
from papertalk.core.people_records import User
from papertalk.services.library import list_import
from papertalk.services.library.list_import import AUTO, FORMATS, Preview
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import NotAllowed
from papertalk.web import csrf
from papertalk.web.form_body import FormBodyError, read_form
from papertalk.web.people_pages import FORGED, FormRefused, see_other
from papertalk.web.row_ids import parse_row_id
from papertalk.web.state import WebState, state_of
from papertalk.web.upload_body import UploadTooLarge, is_multipart, read_upload
from papertalk.web.viewer import viewer_of

router = APIRouter(include_in_schema=False)
PAGE_MB = MAX_PAGE_BYTES // 2**20
IMPORT_BYTES = 6 * 1024 * 1024  # a 5 MB page (urlencoded or as a file) with the form's other fields
TOO_LARGE = f"file: over {PAGE_MB} MB; split the page and import each part"


@dataclass
class _Sent:
    """What the import form sent: its fields, the page's text (the file's when one was chosen) and the
    name of that file, or the problem (by field) that stopped it being read."""

    fields: dict[str, str]
    text: str
    filename: str = ""
    problem: FormProblem | None = None
    unread: bool = False  # over the bound: not read, so no token to check


def _page(
    request: Request,
    state: WebState,
    status: int = 200,
    preview: Preview | None = None,
    text: str = "",
    errors: dict[str, str] | None = None,
    kind: str = AUTO,
) -> Response:
    return state.render(
        request,
        "list_import.html",
        status_code=status,
        personal=True,
        preview=preview,
        text=text,
        errors=errors or {},
        formats=FORMATS,
        kind=kind,
        title="Import a list",
    )


def _signed_in(request: Request, state: WebState) -> User:
    user = viewer_of(request, state).user
    if user is None:
        raise NotAllowed("import a list: sign in first")
    return user


@router.get("/lists/import")
def import_page(request: Request) -> Response:
    state = state_of(request)
    if viewer_of(request, state).user is None:
        return see_other("/signin")
    return _page(request, state)


def _file_text(filename: str, raw: bytes) -> str:
    if len(raw) > MAX_PAGE_BYTES:
        raise FormProblem(TOO_LARGE)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormProblem(f"file: {filename[:80]} is not UTF-8 text; save it as UTF-8 and upload it again") from None


async def _sent(request: Request) -> _Sent:
    """The form, urlencoded (paste, and the save step with its many choices) or multipart (a file)."""
    try:
        if not is_multipart(request):
            fields = await read_form(request, max_bytes=IMPORT_BYTES, max_fields=2_000)
            return _Sent(fields, fields.get("text", ""))
        upload = await read_upload(request, max_bytes=IMPORT_BYTES)
    except UploadTooLarge:
        return _Sent({}, "", problem=FormProblem(TOO_LARGE), unread=True)
    except FormBodyError as error:
        raise FormRefused(400, str(error)) from None
    filename, raw = upload.files.get("file", ("", b""))
    if not raw:  # no file chosen: the pasted text
        return _Sent(upload.fields, upload.fields.get("text", ""))
    try:
        return _Sent(upload.fields, _file_text(filename, raw), filename)
    except FormProblem as problem:
        return _Sent(upload.fields, upload.fields.get("text", ""), filename, problem)


@router.post("/lists/import")
async def import_notes(request: Request) -> Response:
    """Preview a pasted or uploaded page (step one, nothing saved), then save it as the person confirmed
    (step two)."""
    state = state_of(request)
    sent = await _sent(request)
    user = _signed_in(request, state)
    if sent.problem is not None and sent.unread:  # nothing is changed, so no token is needed to say so
        return _page(request, state, 413, errors={sent.problem.field: sent.problem.message})
    viewer = viewer_of(request, state)
    if viewer.new_nonce is not None or not csrf.token_matches(
        state.form_secret(), viewer.csrf_binding, sent.fields.get(csrf.FIELD, "")[:128]
    ):
        raise FormRefused(403, FORGED)
    if sent.problem is not None:
        return _page(request, state, 400, text=sent.text, errors={sent.problem.field: sent.problem.message})
    fields, text = sent.fields, sent.text
    try:
        kind = list_import.format_of(fields.get("format", AUTO), sent.filename)
    except FormProblem as problem:
        return _page(request, state, 400, text=text, errors={problem.field: problem.message})
    if fields.get("step") == "save":
        picked = ((parse_row_id(k[7:], 0), v) for k, v in fields.items() if k.startswith("choose_"))
        choices = {number: v for number, v in picked if number is not None}
        try:
            list_id, _ = await run_in_threadpool(
                list_import.save_import,
                state.engine,
                state.settings,
                user,
                text,
                choices,
                fields.get("visibility", "private"),
                state.now(),
                fields.get("title", ""),
                kind,
            )
        except FormProblem as problem:
            return _page(request, state, 400, text=text, errors={problem.field: problem.message}, kind=kind)
        return see_other(f"/lists/{list_id}")
    found = await run_in_threadpool(list_import.preview, state.engine, text, kind)
    errors = {} if found.plan.all_items() else {"text": "text: no headings, bullets or links found; nothing to import"}
    return _page(request, state, 400 if errors else 200, found, text, errors, kind)
