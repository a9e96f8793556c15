"""Shared network pages: ``/networks`` (mine, and a form to make one), ``/networks/<id>`` (members and
accounts, with the forms the reader's role allows), and ``/join/<token>`` (accept an invitation by POST).
A network the reader may not see is a 404 that does not name it. The services decide who may do what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from papertalk.core.network_records import EDITOR, MEMBER, OWNER
from papertalk.core.people_records import User
from papertalk.services.capture.accounts import AccountError
from papertalk.services.networks import shared_networks
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import NotAllowed
from papertalk.web.people_pages import checked_form, form_page, see_other
from papertalk.web.row_ids import RowId, parse_row_id
from papertalk.web.state import WebState, state_of
from papertalk.web.viewer import viewer_of

router = APIRouter(include_in_schema=False)
NOTICES = {
    "created": "The network is made; invite its members below.",
    "account-added": "The account is in the network now.",
    "account-removed": "The account is out of the network.",
    "member": "The member's role is changed.",
    "removed": "The member is removed.",
    "joined": "Welcome: you are a member of this network.",
}


class PageNotFound(LookupError):
    """A network page the reader may not see, or that does not exist (answered 404 alike)."""


def _user_or_signin(request: Request) -> tuple[WebState, User | None]:
    state = state_of(request)
    return state, viewer_of(request, state).user


def list_page_of(request: Request, state: WebState, user: User, status: int = 200,
                 errors: dict[str, str] | None = None, typed: dict[str, str] | None = None) -> Response:  # fmt: skip
    mine = shared_networks.networks_of_member(state.engine, user)
    return form_page(request, "networks.html", "Your networks", status, errors, networks=mine,
                     values={"name": "", **(typed or {})})  # fmt: skip


@router.get("/networks")
def networks_page(request: Request) -> Response:
    state, user = _user_or_signin(request)
    if user is None:
        return see_other("/signin")
    return list_page_of(request, state, user)


def network_page_of(request: Request, state: WebState, user: User, network_id: int, status: int = 200,
                    errors: dict[str, str] | None = None, notice: str | None = None,
                    **context: Any) -> Response:  # fmt: skip
    try:
        name = shared_networks.name_of(state.engine, user, network_id)
        shown = shared_networks.view(state.engine, user, name)
    except (shared_networks.UnknownNetwork, NotAllowed) as unknown:
        raise PageNotFound(str(unknown)) from None
    role = shown.network.role
    return form_page(request, "network.html", shown.network.name, status, errors, shown=shown, notice=notice,
                     may_edit=role in (EDITOR, OWNER), is_owner=role == OWNER, roles=(MEMBER, EDITOR),
                     **context)  # fmt: skip


@router.get("/networks/{network_id:int}")
def network_page(request: Request, network_id: RowId, done: str | None = None) -> Response:
    state, user = _user_or_signin(request)
    if user is None:
        return see_other("/signin")
    return network_page_of(request, state, user, network_id, notice=NOTICES.get(done or ""))


@router.post("/networks")
async def create(request: Request) -> Response:
    state, viewer, fields = await checked_form(request)
    if viewer.user is None:
        raise NotAllowed("network: sign in first")
    user = viewer.user
    try:
        made = await run_in_threadpool(
            shared_networks.create, state.engine, user, fields.get("name", ""), fields.get("public") == "on",
            state.now(),
        )  # fmt: skip
    except FormProblem as problem:
        typed = {"name": fields.get("name", "")[:100].replace("\x00", "")}
        return await run_in_threadpool(list_page_of, request, state, user, 400, {"name": problem.message}, typed)
    return see_other(f"/networks/{made.id}?done=created")


NetworkAction = Callable[[WebState, User, str, dict[str, str]], "str | Response"]


async def network_action(request: Request, action: NetworkAction, field: str) -> Response:
    """A form of one network's page (its id in the ``network`` field): run ``action`` with the network's
    name; a refusal is shown next to ``field`` on the network's page, and nothing is saved."""
    state, viewer, fields = await checked_form(request)
    if viewer.user is None:
        raise NotAllowed("network: sign in first")
    user = viewer.user
    network_id = parse_row_id(fields.get("network", ""))
    if network_id is None:
        raise PageNotFound("network: no shared network of this number that you may see")

    def run() -> str | Response:
        try:
            name = shared_networks.name_of(state.engine, user, network_id)
        except shared_networks.UnknownNetwork as unknown:
            raise PageNotFound(str(unknown)) from None
        return action(state, user, name, fields)

    try:
        done = await run_in_threadpool(run)
    except (FormProblem, AccountError) as refused:
        message = refused.message if isinstance(refused, FormProblem) else str(refused)
        return await run_in_threadpool(network_page_of, request, state, user, network_id, 400, {field: message})
    if isinstance(done, Response):
        return done
    return see_other(done.replace("{id}", str(network_id)))


@router.post("/networks/accounts/add")
async def add_account(request: Request) -> Response:
    def run(state: WebState, user: User, name: str, fields: dict[str, str]) -> str:
        shared_networks.add_account(state.engine, state.registry(), user, name, fields.get("account", ""), state.now())
        return "/networks/{id}?done=account-added"

    return await network_action(request, run, "account")


@router.post("/networks/accounts/remove")
async def remove_account(request: Request) -> Response:
    def run(state: WebState, user: User, name: str, fields: dict[str, str]) -> str:
        shared_networks.remove_account(state.engine, user, name, fields.get("account", ""))
        return "/networks/{id}?done=account-removed"

    return await network_action(request, run, "account")


@router.post("/networks/invite")
async def invite(request: Request) -> Response:
    """A single-use link, shown once on the page (only its hash is stored)."""

    def run(state: WebState, user: User, name: str, fields: dict[str, str]) -> Response:
        link = shared_networks.invite_link(state.engine, user, name, state.web.base_url, state.now())
        return network_page_of(request, state, user, int(fields["network"]), invite_link=link)

    return await network_action(request, run, "invite")


@router.post("/networks/members")
async def set_member(request: Request) -> Response:
    """Add a member by user name, or give or take the editor role."""

    def run(state: WebState, user: User, name: str, fields: dict[str, str]) -> str:
        shared_networks.add_member(state.engine, user, name, fields.get("user", ""), fields.get("role", ""),
                                   state.now())  # fmt: skip
        return "/networks/{id}?done=member"

    return await network_action(request, run, "user")


@router.post("/networks/members/remove")
async def remove_member(request: Request) -> Response:
    def run(state: WebState, user: User, name: str, fields: dict[str, str]) -> str:
        shared_networks.remove_member(state.engine, user, name, fields.get("user", ""))
        return "/networks/{id}?done=removed"

    return await network_action(request, run, "user")


@router.post("/networks/leave")
async def leave(request: Request) -> Response:
    def run(state: WebState, user: User, name: str, _fields: dict[str, str]) -> str:
        shared_networks.remove_member(state.engine, user, name, user.name)
        return "/networks"

    return await network_action(request, run, "form")  # shown at the top: the owner's page has no leave form


@router.post("/networks/delete")
async def delete(request: Request) -> Response:
    def run(state: WebState, user: User, name: str, fields: dict[str, str]) -> str:
        if fields.get("confirm_name", "") != name:
            raise FormProblem("confirm_name: type the network's name to delete it")
        shared_networks.delete(state.engine, user, name)
        return "/networks"

    return await network_action(request, run, "confirm_name")


@router.get("/join/{token}")
def join_page(request: Request, token: str) -> Response:
    """What the link invites to, with a button to accept (a GET never uses the link up)."""
    state, user = _user_or_signin(request)
    try:
        name = shared_networks.invited_to(state.engine, token[:128], state.now())
    except FormProblem as problem:
        return form_page(request, "join.html", "Join a network", 404, {"invite": problem.message}, name=None,
                         token=None)  # fmt: skip
    return form_page(request, "join.html", f"Join {name}", name=name, token=token[:128], signed_in=user is not None)


@router.post("/join/{token}")
async def join(request: Request, token: str) -> Response:
    state, viewer, _ = await checked_form(request)
    if viewer.user is None:
        raise NotAllowed("join: sign in first, then open the invitation link again")
    user = viewer.user
    try:
        name = await run_in_threadpool(shared_networks.accept, state.engine, user, token[:128], state.now())
    except FormProblem as problem:
        return form_page(request, "join.html", "Join a network", 400, {"invite": problem.message}, name=None,
                         token=None)  # fmt: skip
    joined = next(n for n in await run_in_threadpool(shared_networks.networks_of_member, state.engine, user)
                  if n.name == name)  # fmt: skip
    return see_other(f"/networks/{joined.id}?done=joined")
