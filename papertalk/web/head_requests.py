"""HEAD answered as GET without the body, on every GET route (pages, API, feeds, static files).

FastAPI's routes list only the methods they are declared with, so a HEAD to a page was a 405 while the
render cache, answered before routing, gave it a 200: one middleware turns every HEAD into a GET and
drops the body (the headers, ``Content-Length`` included, stay those of the GET). It also names HEAD in
the ``Allow`` header of a 405 wherever GET is allowed, since that is then true."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def with_head(allow: bytes) -> bytes:
    """An ``Allow`` value with HEAD added where GET is allowed."""
    methods = [m.strip() for m in allow.decode("latin-1").split(",") if m.strip()]
    if "GET" in methods and "HEAD" not in methods:
        methods.insert(methods.index("GET") + 1, "HEAD")
    return ", ".join(methods).encode("latin-1")


def answering(send: Send, head: bool) -> Send:
    """``send`` with HEAD added to a 405's ``Allow``, and every body dropped for a HEAD."""

    async def answer(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 405:
            headers = message.get("headers", [])
            message["headers"] = [(n, with_head(v) if n.lower() == b"allow" else v) for n, v in headers]
        elif head and message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return answer


class HeadAsGet:
    """ASGI middleware: HEAD runs the GET and sends its headers only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "HEAD":
            await self.app({**scope, "method": "GET"}, receive, answering(send, head=True))
        elif scope["type"] == "http":
            await self.app(scope, receive, answering(send, head=False))
        else:
            await self.app(scope, receive, send)
