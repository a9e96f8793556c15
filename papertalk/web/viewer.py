"""Who is reading: the session cookie and the signed-in user behind it, and the cookies this site sets.

The cookie is ``HttpOnly; SameSite=Lax`` (and ``Secure`` when PAPERTALK_PUBLIC_BASE_URL is https), and
holds only the random token; the session itself lives in the database (services.people.sessions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from papertalk.core.people_records import User
from papertalk.services.people.sessions import session_user
from papertalk.services.people.tokens import token_hash
from papertalk.web import csrf

if TYPE_CHECKING:
    from papertalk.web.state import WebState

SESSION_COOKIE = "papertalk_session"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The reader of one request: a user (or None) and the CSRF token their forms carry."""

    user: User | None
    session_token: str | None
    csrf_binding: str  # what this reader's form tokens are bound to ("" until a nonce cookie is set)
    new_nonce: str | None  # a nonce cookie to set with the answer (signed out, none yet)


def is_personal_request(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether a request's raw headers carry a session cookie or an API token (checked before routing, by
    the render cache: such a reader's answers are theirs)."""
    return any(
        (name == b"cookie" and SESSION_COOKIE.encode() + b"=" in value) or name == b"authorization"
        for name, value in headers
    )


def viewer_of(request: Request, state: WebState) -> Viewer:
    """The request's reader, looked up once per request."""
    cached = getattr(request.state, "viewer", None)
    if isinstance(cached, Viewer):
        return cached
    token = request.cookies.get(SESSION_COOKIE) or None
    user = session_user(state.engine, state.settings.people, token, state.now()) if token else None
    if user is not None and token is not None:
        found = Viewer(user, token, "session:" + token_hash(token), None)
    else:
        nonce = request.cookies.get(csrf.NONCE_COOKIE, "")[:64]
        fresh = None if nonce else csrf.new_nonce()
        found = Viewer(None, None, "nonce:" + (nonce or fresh or ""), fresh)
    request.state.viewer = found
    return found


def form_token_of(state: WebState, viewer: Viewer) -> str:
    return csrf.form_token(state.form_secret(), viewer.csrf_binding)


def secure_cookies(state: WebState) -> bool:
    return state.settings.people.public_base_url.startswith("https://")


def set_session_cookie(response: Response, state: WebState, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(state.settings.people.session_days * 86_400), path="/",
        httponly=True, samesite="lax", secure=secure_cookies(state),
    )  # fmt: skip


def clear_session_cookie(response: Response, state: WebState) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure_cookies(state))


def set_nonce_cookie(response: Response, state: WebState, viewer: Viewer) -> None:
    if viewer.new_nonce:
        response.set_cookie(
            csrf.NONCE_COOKIE, viewer.new_nonce, path="/", httponly=True, samesite="lax", secure=secure_cookies(state)
        )
