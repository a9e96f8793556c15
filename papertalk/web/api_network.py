"""The person's own part of /api/v1: whom they follow and block, their settings, their shared networks.

Reads take a token of either scope (or the session cookie); writes need a token of scope ``write``
(``bearer.api_writer``) and never the cookie. The services check who may do each write, as for the pages;
a network the person may not see is a 404 that does not name it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from papertalk.core.network_records import PUBLIC, NetworkRef
from papertalk.core.people_records import User
from papertalk.services.capture.accounts import AccountError
from papertalk.services.mail import reply_mail
from papertalk.services.networks import my_network, shared_networks
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.person_settings import save_settings, settings_of
from papertalk.web.api_models import ErrorOut
from papertalk.web.bearer import ApiAuthError, api_reader, api_writer, bearer_check
from papertalk.web.row_ids import RowId
from papertalk.web.state import WebState, state_of

ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorOut},
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
}
router = APIRouter(prefix="/api/v1", tags=["people"], responses=ERRORS, dependencies=[Depends(bearer_check)])
PRIVATE = {"Cache-Control": "private, no-store", "Vary": "Cookie, Authorization"}
Answer = TypeVar("Answer")


class AccountIn(BaseModel):
    account: str = Field(max_length=600, description="PLATFORM:HANDLE, e.g. bluesky:ada.bsky.social")


class FollowsOut(BaseModel):
    network: str | None = Field(description="the name of your network (null before your first sign-in)")
    public: bool
    size: int
    follows: list[str] = Field(description="PLATFORM:HANDLE of each account you follow (the first 500)")
    blocked: list[str]


class SettingsIn(BaseModel):
    timezone: str | None = Field(None, max_length=64, description="an IANA zone such as Europe/Paris")
    categories: list[str] | None = Field(None, max_length=20, description="arXiv categories of interest")
    language: str | None = Field(None, max_length=40, description="a language tag such as en or pt-BR")
    public: bool | None = Field(None, description="whether others may see whom you follow")
    email_replies: bool | None = Field(None, description="whether comments on your summaries and replies to "
                                       "your comments are emailed to you")  # fmt: skip


class SettingsOut(BaseModel):
    timezone: str
    categories: list[str]
    language: str
    public: bool
    email_replies: bool


class NetworkIn(BaseModel):
    name: str = Field(max_length=200)
    public: bool = False


class NetworkOut(BaseModel):
    id: int
    name: str
    visibility: str
    role: str | None


class MemberIn(BaseModel):
    user: str = Field(max_length=64)
    role: str = Field("member", description="member or editor")


class ChangedOut(BaseModel):
    changed: int = Field(description="how many rows the write changed (0: it was so already)")


def _private(model: BaseModel, status: int = 200) -> Response:
    return JSONResponse(model.model_dump(), status_code=status, headers=PRIVATE)


def _reader(request: Request) -> User:
    user = api_reader(request)
    if user is None:
        raise ApiAuthError(401, "Authorization: send 'Authorization: Bearer <token>' or sign in")
    return user


async def _write(request: Request, action: Callable[[WebState, User], Answer]) -> Answer:
    """Run a write as the token's person; a refused value is a 400, an unseen network a 404."""
    bearer = api_writer(request)
    state = state_of(request)
    try:
        return await run_in_threadpool(action, state, bearer.user)
    except (FormProblem, AccountError) as refused:
        raise ApiAuthError(400, str(refused)) from None
    except shared_networks.UnknownNetwork as unknown:
        raise ApiAuthError(404, str(unknown)) from None


def _follows(state: WebState, user: User) -> FollowsOut:
    shown = my_network.view(state.engine, user, user)
    return FollowsOut(
        network=shown.network.name if shown.network else None,
        public=shown.network is not None and shown.network.visibility == PUBLIC,
        size=shown.size,
        follows=[a.ref for a in shown.accounts],
        blocked=[a.ref for a in shown.blocked],
    )


@router.get("/follows", response_model=FollowsOut)
async def follows(request: Request) -> Response:
    """Whom you follow (your network) and whom you blocked."""
    user = _reader(request)
    return _private(await run_in_threadpool(_follows, state_of(request), user))


@router.post("/follows", response_model=FollowsOut, status_code=201)
async def follow(request: Request, body: AccountIn) -> Response:
    """Follow an account (its capture starts if nobody captured it yet); 400 names an unknown account."""

    def run(state: WebState, user: User) -> FollowsOut:
        my_network.follow(state.engine, state.registry(), user, user, body.account, state.now())
        return _follows(state, user)

    return _private(await _write(request, run), 201)


@router.delete("/follows/{account:path}", response_model=ChangedOut)
async def unfollow(request: Request, account: str) -> Response:
    """Stop following an account (``changed`` 0: you did not follow it)."""
    gone = await _write(request, lambda state, user: my_network.unfollow(state.engine, user, user, account))
    return _private(ChangedOut(changed=gone))


@router.post("/blocks", response_model=FollowsOut, status_code=201)
async def block(request: Request, body: AccountIn) -> Response:
    """Block a captured account for your own views (out of your network, its posts out of what you read)."""

    def run(state: WebState, user: User) -> FollowsOut:
        my_network.block(state.engine, user, user, body.account)
        return _follows(state, user)

    return _private(await _write(request, run), 201)


@router.delete("/blocks/{account:path}", response_model=ChangedOut)
async def unblock(request: Request, account: str) -> Response:
    gone = await _write(request, lambda state, user: my_network.unblock(state.engine, user, user, account))
    return _private(ChangedOut(changed=gone))


def _settings(state: WebState, user: User) -> SettingsOut:
    chosen = settings_of(state.engine, user)
    network = my_network.network_of(state.engine, user)
    public = network is not None and network.visibility == PUBLIC
    return SettingsOut(timezone=chosen.timezone, categories=list(chosen.categories), language=chosen.language,
                       public=public, email_replies=reply_mail.wanted(state.engine, user, user))  # fmt: skip


@router.get("/settings", response_model=SettingsOut)
async def settings(request: Request) -> Response:
    user = _reader(request)
    return _private(await run_in_threadpool(_settings, state_of(request), user))


@router.patch("/settings", response_model=SettingsOut)
async def change_settings(request: Request, body: SettingsIn) -> Response:
    """Change the fields given, the others kept; every field is checked before any is saved."""

    def run(state: WebState, user: User) -> SettingsOut:
        now = settings_of(state.engine, user)
        categories = " ".join(body.categories) if body.categories is not None else " ".join(now.categories)
        save_settings(state.engine, user, user, body.timezone if body.timezone is not None else now.timezone,
                      categories, body.language if body.language is not None else now.language)  # fmt: skip
        if body.public is not None:
            my_network.set_public(state.engine, user, user, body.public)
        if body.email_replies is not None:
            reply_mail.set_wanted(state.engine, user, user, body.email_replies, state.now())
        return _settings(state, user)

    return _private(await _write(request, run))


def _network_out(network: NetworkRef) -> NetworkOut:
    return NetworkOut(id=network.id, name=network.name, visibility=network.visibility, role=network.role)


@router.get("/networks/mine", response_model=list[NetworkOut])
async def my_networks(request: Request) -> Response:
    """The shared networks you belong to, with your role in each."""
    user = _reader(request)
    found = await run_in_threadpool(shared_networks.networks_of_member, state_of(request).engine, user)
    return JSONResponse([_network_out(n).model_dump() for n in found], headers=PRIVATE)


@router.post("/networks", response_model=NetworkOut, status_code=201)
async def create_network(request: Request, body: NetworkIn) -> Response:
    """Make a shared network; you are its owner."""
    made = await _write(
        request, lambda state, user: shared_networks.create(state.engine, user, body.name, body.public, state.now())
    )
    return _private(_network_out(made), 201)


@router.put("/networks/{network_id}/members", response_model=ChangedOut)
async def set_member(request: Request, network_id: RowId, body: MemberIn) -> Response:
    """Add a member by user name, or give or take the editor role (the owner only)."""

    def run(state: WebState, user: User) -> ChangedOut:
        name = shared_networks.name_of(state.engine, user, network_id)
        shared_networks.add_member(state.engine, user, name, body.user, body.role, state.now())
        return ChangedOut(changed=1)

    return _private(await _write(request, run))


@router.delete("/networks/{network_id}/members/{user_name}", response_model=ChangedOut)
async def remove_member(request: Request, network_id: RowId, user_name: str) -> Response:
    """Remove a member (the owner), or leave (your own name)."""

    def run(state: WebState, user: User) -> ChangedOut:
        name = shared_networks.name_of(state.engine, user, network_id)
        shared_networks.remove_member(state.engine, user, name, user_name)
        return ChangedOut(changed=1)

    return _private(await _write(request, run))


@router.post("/networks/{network_id}/accounts", response_model=ChangedOut, status_code=201)
async def add_account(request: Request, network_id: RowId, body: AccountIn) -> Response:
    """Add an account to a shared network (its editors and owner)."""

    def run(state: WebState, user: User) -> ChangedOut:
        name = shared_networks.name_of(state.engine, user, network_id)
        shared_networks.add_account(state.engine, state.registry(), user, name, body.account, state.now())
        return ChangedOut(changed=1)

    return _private(await _write(request, run), 201)


@router.delete("/networks/{network_id}/accounts/{account:path}", response_model=ChangedOut)
async def remove_account(request: Request, network_id: RowId, account: str) -> Response:
    def run(state: WebState, user: User) -> ChangedOut:
        name = shared_networks.name_of(state.engine, user, network_id)
        return ChangedOut(changed=shared_networks.remove_account(state.engine, user, name, account))

    return _private(await _write(request, run))
