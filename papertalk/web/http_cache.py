"""Responses with an ETag and Cache-Control, answering 304 to a matching If-None-Match; and the
security headers (a strict Content-Security-Policy: no inline script or style, nothing from elsewhere)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from papertalk.web.render_cache import etag_of

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


def etagged(
    request: Request, body: bytes, media_type: str, max_age: int = 60, status_code: int = 200, tag: str | None = None
) -> Response:
    """``body`` with a strong ETag; 304 without a body when the client already has it."""
    tag = tag or etag_of(body)
    headers = {"ETag": tag, "Cache-Control": f"public, max-age={max_age}", "Vary": "Accept-Encoding"}
    if status_code == 200 and tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status_code, media_type=media_type, headers=headers)


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)
