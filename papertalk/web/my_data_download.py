"""``GET /account/data.zip``: the signed-in person's own data as a zip (a GET that changes nothing)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from papertalk.services.portability.my_data import my_data_zip
from papertalk.web.state import state_of
from papertalk.web.viewer import viewer_of

router = APIRouter(include_in_schema=False)


@router.get("/account/data.zip")
async def my_data(request: Request) -> Response:
    state = state_of(request)
    viewer = viewer_of(request, state)
    if viewer.user is None:
        return RedirectResponse("/signin", status_code=303)
    body = await run_in_threadpool(my_data_zip, state.engine, viewer.user, state.now())
    name = f"papertalk-data-user{viewer.user.id}.zip"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"}
    return Response(body, media_type="application/zip", headers={**headers, "Vary": "Cookie"})
