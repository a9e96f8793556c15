"""API authentication: ``Authorization: Bearer <personal API token>`` on /api/v1.

A request without the header is anonymous. One with a token that is unknown, revoked, or of a disabled
user is refused 401 on every API route (it never falls back to anonymous, so a script learns its token
died). Writes need a token of scope ``write`` (403 otherwise) and never take the session cookie: a cookie
comes with cross-site requests, a bearer token does not, so API writes need no CSRF token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from papertalk.core.people_records import User
from papertalk.services.people.api_tokens import Bearer, bearer_of
from papertalk.web.state import state_of
from papertalk.web.viewer import viewer_of

scheme = HTTPBearer(
    auto_error=False,
    scheme_name="personalToken",
    description="A personal API token, made on the account page (scope read or write).",
)


class ApiAuthError(Exception):
    """A request the API refuses for who sent it: 401 (no live token) or 403 (the token may not)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _header_problem(request: Request) -> str | None:
    given = request.headers.get("authorization")
    if given is not None and not given.lower().startswith("bearer "):
        return "Authorization: send a personal API token as 'Bearer <token>'"
    return None


async def bearer_check(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(scheme)]
) -> None:
    """Router dependency: find the request's bearer (once) or refuse a dead one; declares the scheme."""
    if (problem := _header_problem(request)) is not None:
        raise ApiAuthError(401, problem)
    if credentials is None:
        request.state.bearer = None
        return
    state = state_of(request)
    found = await run_in_threadpool(bearer_of, state.engine, credentials.credentials, state.now())
    if found is None:
        raise ApiAuthError(401, "Authorization: this API token is unknown or revoked")
    request.state.bearer = found


def bearer_in(request: Request) -> Bearer | None:
    found = getattr(request.state, "bearer", None)
    return found if isinstance(found, Bearer) else None


def api_reader(request: Request) -> User | None:
    """Who an API read is for: the token's user, else the signed-in reader of the session cookie."""
    bearer = bearer_in(request)
    return bearer.user if bearer is not None else viewer_of(request, state_of(request)).user


def api_writer(request: Request) -> Bearer:
    """The bearer of an API write; 401 without a token, 403 with a read-only one."""
    bearer = bearer_in(request)
    if bearer is None:
        raise ApiAuthError(401, "Authorization: API writes need 'Authorization: Bearer <token>' (scope write)")
    if not bearer.may_write:
        raise ApiAuthError(403, f"Authorization: token {bearer.token.prefix}… is read-only; writes need scope write")
    return bearer
