"""A signed-in reader's rendered trending page, kept a few seconds for that reader's session alone, and
answered before routing.

The key is the session (whose live check still runs on every request, so a revoked session is refused at
once by every process), the user row, the fingerprint of everything the page reads about the reader
(services.pages.reader_inputs: settings, offered networks, the accounts counted, blocks: read afresh on
every request) and the URL. So a change the reader makes through any process shows on their next request;
only the rankings themselves may be as old as the signed-out pages' (``render_cache_seconds``)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from papertalk.services.pages.reader_inputs import reader_inputs
from papertalk.web.state import HTML, WebState
from papertalk.web.viewer import SESSION_COOKIE, Viewer, viewer_of

KEPT_PATHS = ("/",)  # the pages kept: the trending page (its key covers what it reads)
COOKIE_MARK = SESSION_COOKIE.encode() + b"="


def _page_key(state: WebState, request: Request, viewer: Viewer) -> str:
    """The key of this request's page for its signed-in reader: their session, user row, page inputs, URL."""
    user = viewer.user
    assert user is not None
    inputs = reader_inputs(state.engine, user, request.query_params.get("network") or None)
    query = request.url.query
    url = request.url.path + (f"?{query}" if query else "")
    return f"{viewer.csrf_binding}\n{user.id}:{user.name}:{user.is_admin}\n{inputs}\n{url}"


def personal_response(body: bytes) -> Response:
    return Response(body, media_type=HTML, headers={"Cache-Control": "private, no-store", "Vary": "Cookie"})


def keep_page(request: Request, state: WebState, response: Response) -> Response:
    """Keep a 200 page for this reader under the key found before it was rendered (so a change made while
    it rendered is never hidden behind it); returns the response as it is."""
    key = getattr(request.state, "personal_key", None)
    if isinstance(key, str) and response.status_code == 200 and not response.headers.get("set-cookie"):
        state.personal_cache.put(key, bytes(response.body), HTML, "")
    return response


def _kept_path(scope: Scope) -> bool:
    return scope["type"] == "http" and scope["method"] == "GET" and scope["path"] in KEPT_PATHS


class KeptPersonalPages:
    """ASGI middleware answering a signed-in reader's GET of a kept page from what was kept for them; the
    session check and the fingerprint run first (in a worker thread: they query the database). The viewer
    and the key found are left in the request's state: a page rendered anew does not look the session up
    again, and is kept under the key of the inputs as they were before it read them."""

    def __init__(self, app: ASGIApp, state: WebState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _kept_path(scope) and any(name == b"cookie" and COOKIE_MARK in value for name, value in scope["headers"]):
            body = await run_in_threadpool(self._kept, Request(scope))
            if body is not None:
                await personal_response(body)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _kept(self, request: Request) -> bytes | None:
        viewer = viewer_of(request, self.state)
        if viewer.user is None:
            return None
        key = _page_key(self.state, request, viewer)
        request.state.personal_key = key  # for keep_page, when the page is rendered anew
        entry = self.state.personal_cache.get(key)
        return None if entry is None else entry.body
