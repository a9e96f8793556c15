"""The people pages: sign up, sign in, sign out, and one's account (change password, sign out everywhere,
delete, API tokens). Every POST reads a small urlencoded form, checks its CSRF token, then calls a service in a worker
thread (an argon2 check takes ~150 ms of CPU, which must not stall the event loop)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from papertalk.services.networks.my_network import ensure_network
from papertalk.services.people import api_tokens, invitations, registration, sessions, user_accounts
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import NotAllowed
from papertalk.services.people.signin_throttle import SignInRefused
from papertalk.services.people.tokens import token_hash
from papertalk.web import csrf
from papertalk.web.form_body import MAX_FORM_BYTES, FormBodyError, read_form
from papertalk.web.row_ids import parse_row_id
from papertalk.web.state import WebState, state_of
from papertalk.web.viewer import SESSION_COOKIE, Viewer, clear_session_cookie, set_session_cookie, viewer_of

router = APIRouter(include_in_schema=False)
FORGED = "form: this form has expired or did not come from this site; reload the page and try again"


class FormRefused(Exception):
    """A POST whose body or CSRF token is refused before anything runs (answered 400 or 403)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def checked_form(request: Request, max_bytes: int = MAX_FORM_BYTES) -> tuple[WebState, Viewer, dict[str, str]]:
    """The form's fields, once its body is readable and its CSRF token is this reader's."""
    state = state_of(request)
    try:
        fields = await read_form(request, max_bytes)
    except FormBodyError as error:
        raise FormRefused(400, str(error)) from None
    viewer = viewer_of(request, state)
    if viewer.new_nonce is not None or not csrf.token_matches(
        state.form_secret(), viewer.csrf_binding, fields.get(csrf.FIELD, "")[:128]
    ):
        raise FormRefused(403, FORGED)
    return state, viewer, fields


def see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def form_page(request: Request, template: str, title: str, status: int = 200,
              errors: dict[str, str] | None = None, **context: Any) -> Response:  # fmt: skip
    state = state_of(request)
    return state.render(request, template, status_code=status, personal=True, title=title, errors=errors or {},
                        **context)  # fmt: skip


def problem_page(request: Request, template: str, title: str, problem: FormProblem, **context: Any) -> Response:
    return form_page(request, template, title, 400, {problem.field: problem.message}, **context)


def signed_in_only(viewer: Viewer) -> RedirectResponse | None:
    return None if viewer.user is not None else see_other("/signin")


@router.get("/signin")
def signin_page(request: Request, done: str | None = None) -> Response:
    notice = "Your account is ready: sign in." if done == "signup" else None
    return form_page(request, "signin.html", "Sign in", notice=notice, name="")


@router.post("/signin")
async def signin(request: Request) -> Response:
    state, _, fields = await checked_form(request)
    name, password = fields.get("name", ""), fields.get("password", "")
    address = request.client.host if request.client else "unknown"
    try:
        signed = await run_in_threadpool(
            sessions.sign_in, state.engine, state.settings.people, name, password, address, state.now(),
            request.cookies.get(SESSION_COOKIE),
        )  # fmt: skip
    except SignInRefused as refused:
        page = form_page(request, "signin.html", "Sign in", 429, {"form": str(refused)}, name=name[:64])
        page.headers["Retry-After"] = str(refused.retry_after)
        return page
    except sessions.SignInFailed as failed:
        return form_page(request, "signin.html", "Sign in", 400, {"form": str(failed)}, name=name[:64])
    # The person's own network exists from the first sign-in on, so the pages they read never write.
    await run_in_threadpool(ensure_network, state.engine, signed.user)
    answer = see_other("/")
    set_session_cookie(answer, state, signed.token)
    return answer


@router.post("/signout")
async def signout(request: Request) -> Response:
    state, viewer, _ = await checked_form(request)
    if viewer.session_token:
        await run_in_threadpool(sessions.sign_out, state.engine, viewer.session_token, state.now())
    answer = see_other("/")
    clear_session_cookie(answer, state)
    return answer


@router.get("/signup")
def signup_page(request: Request, invite: str | None = None) -> Response:
    state = state_of(request)
    invite = (invite or "")[:128] or None
    people = registration.in_force(state.engine, state.settings.people)
    if not invitations.may_sign_up(people, invite):
        return form_page(request, "signup.html", "Sign up", closed=True, invite=None, fields={})
    if invite and not invitations.invitation_is_open(state.engine, invite, state.now()):
        errors = {"invite": invitations.BAD_INVITATION}
        return form_page(request, "signup.html", "Sign up", 400, errors, closed=True, invite=None, fields={})
    return form_page(request, "signup.html", "Sign up", closed=False, invite=invite, fields={})


@router.post("/signup")
async def signup(request: Request) -> Response:
    state, _, fields = await checked_form(request)
    invite = fields.get("invite", "")[:128] or None
    kept = {k: fields.get(k, "")[:300] for k in ("name", "email")}
    try:
        await run_in_threadpool(
            invitations.sign_up, state.engine, state.settings.people, fields.get("name", ""),
            fields.get("email", ""), fields.get("password", ""), invite, state.now(),
        )  # fmt: skip
    except FormProblem as problem:
        return problem_page(request, "signup.html", "Sign up", problem, closed=False, invite=invite, fields=kept)
    return see_other("/signin?done=signup")


def account_page_of(request: Request, state: WebState, viewer: Viewer, status: int = 200,
                    errors: dict[str, str] | None = None, **context: Any) -> Response:  # fmt: skip
    """The account page with the reader's API tokens (``new_token``: one just made, its secret shown once)."""
    assert viewer.user is not None
    tokens = api_tokens.tokens_of(state.engine, viewer.user, viewer.user.id)
    context.setdefault("done", None)
    return form_page(request, "account.html", "Your account", status, errors, tokens=tokens, **context)


@router.get("/account")
def account_page(request: Request, done: str | None = None) -> Response:
    state = state_of(request)
    viewer = viewer_of(request, state)
    return signed_in_only(viewer) or account_page_of(request, state, viewer, done=done)


async def account_action(request: Request, action: Callable[[WebState, Viewer, dict[str, str]], Response]) -> Response:
    """Run an account form's action for the signed-in reader; a FormProblem is shown next to its field."""
    state, viewer, fields = await checked_form(request)
    if viewer.user is None:  # a form posted by nobody: refused, not redirected (nothing of theirs to change)
        raise NotAllowed("account: sign in first")
    try:
        return await run_in_threadpool(action, state, viewer, fields)
    except FormProblem as problem:
        errors = {problem.field: problem.message}
        return await run_in_threadpool(account_page_of, request, state, viewer, 400, errors)


@router.post("/account/password")
async def change_password(request: Request) -> Response:
    def change(state: WebState, viewer: Viewer, fields: dict[str, str]) -> Response:
        assert viewer.user is not None and viewer.session_token is not None
        if fields.get("new_password", "") != fields.get("new_password_again", ""):
            raise FormProblem("new_password_again: the two new passwords differ")
        user_accounts.change_password(
            state.engine, viewer.user, viewer.user.id, fields.get("current_password", ""),
            fields.get("new_password", ""), token_hash(viewer.session_token), state.now(),
        )  # fmt: skip
        return see_other("/account?done=password")

    return await account_action(request, change)


@router.post("/account/signout-everywhere")
async def signout_everywhere(request: Request) -> Response:
    def everywhere(state: WebState, viewer: Viewer, _: dict[str, str]) -> Response:
        assert viewer.user is not None
        sessions.sign_out_everywhere(state.engine, viewer.user, viewer.user.id, state.now())
        answer = see_other("/signin")
        clear_session_cookie(answer, state)
        return answer

    return await account_action(request, everywhere)


@router.post("/account/delete")
async def delete_account(request: Request) -> Response:
    def delete(state: WebState, viewer: Viewer, fields: dict[str, str]) -> Response:
        assert viewer.user is not None
        user_accounts.delete_account(state.engine, viewer.user, viewer.user.id, fields.get("confirm_name", ""))
        answer = see_other("/")
        clear_session_cookie(answer, state)
        return answer

    return await account_action(request, delete)


@router.post("/account/tokens")
async def create_token(request: Request) -> Response:
    def create(state: WebState, viewer: Viewer, fields: dict[str, str]) -> Response:
        assert viewer.user is not None
        made = api_tokens.create_token(
            state.engine, viewer.user, viewer.user.id, fields.get("label", ""), fields.get("scope", ""), state.now()
        )
        return account_page_of(request, state, viewer, new_token=made)

    return await account_action(request, create)


@router.post("/account/tokens/revoke")
async def revoke_token(request: Request) -> Response:
    def revoke(state: WebState, viewer: Viewer, fields: dict[str, str]) -> Response:
        assert viewer.user is not None
        token_id = parse_row_id(fields.get("token_id", ""))
        if token_id is None:
            raise FormProblem("token: no live token of yours has this number")
        api_tokens.revoke_token(state.engine, viewer.user, viewer.user.id, token_id, state.now())
        return see_other("/account?done=revoked")

    return await account_action(request, revoke)


__all__ = ["FormRefused", "NotAllowed", "router"]
