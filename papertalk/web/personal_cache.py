"""A signed-in reader's rendered trending page, kept a few seconds for that reader's session alone.

The key is the session (whose live check still runs on every request, so a revoked session is refused at
once by every process), the user row, the fingerprint of everything the page reads about the reader
(services.pages.reader_inputs: settings, offered networks, the accounts counted, blocks: read afresh on
every request) and the URL. So a change the reader makes through any process shows on their next request;
only the rankings themselves may be as old as the signed-out pages' (``render_cache_seconds``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from papertalk.web.state import HTML, WebState
from papertalk.web.viewer import Viewer


def personal_key(request: Request, viewer: Viewer, inputs: str) -> str:
    """The cache key of this request's page for its signed-in reader."""
    user = viewer.user
    assert user is not None
    query = request.url.query
    url = request.url.path + (f"?{query}" if query else "")
    return f"{viewer.csrf_binding}\n{user.id}:{user.name}:{user.is_admin}\n{inputs}\n{url}"


def cached_page(state: WebState, key: str) -> Response | None:
    entry = state.personal_cache.get(key)
    if entry is None:
        return None
    return Response(entry.body, media_type=HTML, headers={"Cache-Control": "private, no-store", "Vary": "Cookie"})


def keep_page(state: WebState, key: str, response: Response) -> Response:
    """Keep a 200 page under ``key``; returns the response as it is."""
    if response.status_code == 200 and not response.headers.get("set-cookie"):
        state.personal_cache.put(key, bytes(response.body), HTML, "")
    return response
