"""The admin page (/admin): users, invitations, the registration setting and the audit log.

Who may see or do any of it is decided by services.people.admin (a non-admin gets NotAllowed, answered
403); this module only reads the forms and shows the result. Every action is a POST with a CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from papertalk.core.people_records import User
from papertalk.services.people import admin
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import NotAllowed
from papertalk.services.people.user_accounts import UnknownUser
from papertalk.storage.engine import Engine
from papertalk.web.people_pages import checked_form, form_page, see_other
from papertalk.web.row_ids import parse_row_id
from papertalk.web.state import WebState, state_of
from papertalk.web.viewer import viewer_of

router = APIRouter(include_in_schema=False)
USER_ACTIONS: dict[str, Callable[[Engine, User, str, int], User]] = {
    "disable": lambda engine, actor, name, now: admin.set_disabled(engine, actor, name, True, now),
    "enable": lambda engine, actor, name, now: admin.set_disabled(engine, actor, name, False, now),
    "make_admin": lambda engine, actor, name, now: admin.set_admin(engine, actor, name, True, now),
    "unmake_admin": lambda engine, actor, name, now: admin.set_admin(engine, actor, name, False, now),
}


def admin_of(user: User | None) -> User:
    """The signed-in reader as the actor of an admin action (whether they are an admin, the service decides)."""
    if user is None:
        raise NotAllowed("admin: sign in as an admin to see this page")
    return user


def admin_page_of(request: Request, state: WebState, actor: User, status: int = 200,
                  errors: dict[str, str] | None = None, **context: Any) -> Response:  # fmt: skip
    shown = admin.overview(state.engine, state.settings.people, actor)
    context.setdefault("done", None)
    return form_page(request, "admin.html", "Admin", status, errors, admin=shown, **context)


@router.get("/admin")
def admin_page(request: Request, done: str | None = None) -> Response:
    state = state_of(request)
    return admin_page_of(request, state, admin_of(viewer_of(request, state).user), done=(done or "")[:20] or None)


async def admin_action(request: Request, action: Callable[[WebState, User, dict[str, str]], Response]) -> Response:
    """Run an admin form's action; a FormProblem is shown on the page, a non-admin gets 403."""
    state, viewer, fields = await checked_form(request)
    actor = admin_of(viewer.user)
    try:
        return await run_in_threadpool(action, state, actor, fields)
    except (FormProblem, UnknownUser) as problem:
        message = problem.message if isinstance(problem, FormProblem) else f"user: {problem}"
        field = problem.field if isinstance(problem, FormProblem) else "user"
        return await run_in_threadpool(admin_page_of, request, state, actor, 400, {field: message})


@router.post("/admin/users")
async def change_user(request: Request) -> Response:
    def change(state: WebState, actor: User, fields: dict[str, str]) -> Response:
        act = USER_ACTIONS.get(fields.get("action", ""))
        if act is None:
            raise FormProblem(f"user: choose one of {', '.join(USER_ACTIONS)}")
        act(state.engine, actor, fields.get("name", "")[:128], state.now())
        return see_other("/admin?done=user")

    return await admin_action(request, change)


@router.post("/admin/invitations")
async def create_invitation(request: Request) -> Response:
    def create(state: WebState, actor: User, _: dict[str, str]) -> Response:
        link = admin.invite(state.engine, state.settings.people, actor, state.now())
        return admin_page_of(request, state, actor, new_invitation=link)

    return await admin_action(request, create)


@router.post("/admin/invitations/revoke")
async def revoke_invitation(request: Request) -> Response:
    def revoke(state: WebState, actor: User, fields: dict[str, str]) -> Response:
        number = parse_row_id(fields.get("invitation_id", ""))
        if number is None:
            raise FormProblem("invitation: no unused invitation has this number")
        admin.revoke_invitation(state.engine, actor, number, state.now())
        return see_other("/admin?done=invitation")

    return await admin_action(request, revoke)


@router.post("/admin/registration")
async def set_registration(request: Request) -> Response:
    def change(state: WebState, actor: User, fields: dict[str, str]) -> Response:
        admin.set_registration(state.engine, actor, fields.get("registration", ""), state.now())
        return see_other("/admin?done=registration")

    return await admin_action(request, change)
