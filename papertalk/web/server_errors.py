"""Unexpected errors answered inside the middleware stack, so a 500 carries the security headers too.

Starlette answers an ``Exception`` handler from its outermost middleware, outside every middleware the
app adds: a 500 went out without the Content-Security-Policy. This middleware sits inside them instead,
logs the error and sends the app's error page; if even that page fails (the fault may be in what every
page needs, such as the database or the clock), a plain-text 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("papertalk.web")
PLAIN_500 = "500 · something went wrong on our side; the error is logged\n"


class ServerErrors:
    """ASGI middleware turning an exception raised before the answer started into ``error_page(request)``."""

    def __init__(self, app: ASGIApp, error_page: Callable[[Request], Response]) -> None:
        self.app = app
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("error answering %s", scope.get("path", ""))
            if started:  # half an answer is out: nothing better to do than to end the connection
                raise
            request = Request(scope, receive)
            try:
                response = self.error_page(request)
            except Exception:
                log.exception("error rendering the error page for %s", scope.get("path", ""))
                response = PlainTextResponse(PLAIN_500, status_code=500)
            await response(scope, receive, send)
