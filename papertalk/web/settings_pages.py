"""The settings page (``/settings``): timezone, categories of interest, preferred language, whether my
network is public; follow, unfollow, block and unblock accounts, import a follow graph or an X archive's
``following.js``. Every form is a POST with its CSRF token; a refused field is shown next to itself and
nothing is saved; the services check who may do each write."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import quote
from zoneinfo import available_timezones

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from papertalk.core.people_records import User
from papertalk.services.capture.accounts import AccountError
from papertalk.services.mail import reply_mail
from papertalk.services.mail.subscriptions import subscription_for
from papertalk.services.networks import my_network
from papertalk.services.networks.account_refs import PLATFORMS
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import NotAllowed
from papertalk.services.people.person_settings import save_settings, settings_of
from papertalk.storage.mail.subscription_rows import Subscription
from papertalk.web import csrf
from papertalk.web.form_body import FormBodyError
from papertalk.web.people_pages import FORGED, FormRefused, checked_form, form_page, see_other
from papertalk.web.state import WebState, state_of
from papertalk.web.upload_body import read_upload
from papertalk.web.viewer import Viewer, viewer_of

router = APIRouter(include_in_schema=False)
LANGUAGES = (
    ("en", "English"), ("de", "Deutsch"), ("es", "Español"), ("fr", "Français"), ("it", "Italiano"),
    ("ja", "日本語"), ("ko", "한국어"), ("nl", "Nederlands"), ("pl", "Polski"), ("pt", "Português"),
    ("pt-BR", "Português (Brasil)"), ("ru", "Русский"), ("tr", "Türkçe"), ("uk", "Українська"),
    ("zh-Hans", "中文（简体）"), ("zh-Hant", "中文（繁體）"),
)  # fmt: skip
NOTICES = {
    "settings": "Your settings are saved.",
    "followed": "You follow {account} now.",
    "unfollowed": "You no longer follow {account}.",
    "blocked": "{account} is blocked: its posts are left out of what you read.",
    "unblocked": "{account} is no longer blocked.",
    "imported": "{read} accounts read from {account}, {new} newly followed, {skipped} unreadable entries skipped.",
    "mail_pending": "A confirmation link is on its way to your email address: open it to start the digest email.",
    "mail_schedule": "Your digest email schedule is saved.",
    "mail_stopped": "Your digest email is stopped.",
}


@cache
def timezones() -> tuple[str, ...]:
    """The IANA zone names for the field's suggestions (read once: it scans the zone files)."""
    return tuple(sorted(available_timezones()))


def settings_page_of(request: Request, state: WebState, user: User, status: int = 200,
                     errors: dict[str, str] | None = None, typed: dict[str, str] | None = None,
                     notice: str | None = None) -> Response:  # fmt: skip
    """The settings page; ``typed``: what the reader sent with a refused form, shown back to them."""
    chosen = settings_of(state.engine, user)
    network = my_network.view(state.engine, user, user)
    subscription = subscription_for(state.engine, user, user)
    values = (
        {
            "timezone": chosen.timezone,
            "categories": " ".join(chosen.categories),
            "language": chosen.language,
            "account": "",
            "graph": "",
            "block_account": "",
        }
        | mail_values(subscription)
        | (typed or {})
    )
    public = network.network is not None and network.network.visibility == "public"
    context: dict[str, Any] = {"values": values, "mine": network, "public": public, "notice": notice,
                               "mail": subscription, "mail_on": state.settings.mail.host is not None,
                               "email_replies": reply_mail.wanted(state.engine, user, user)}  # fmt: skip
    return form_page(request, "settings.html", "Your settings", status, errors, languages=LANGUAGES,
                     timezones=timezones(), platforms=PLATFORMS, **context)  # fmt: skip


def mail_values(subscription: Subscription | None) -> dict[str, str]:
    """The digest email form's fields as the person's subscription has them (daily at 7 by default)."""
    if subscription is None or subscription.state == "off":
        return {"mail_cadence": "daily", "mail_hour": "7"}
    return {"mail_cadence": subscription.cadence, "mail_hour": str(subscription.hour)}


@router.get("/settings")
def settings_page(request: Request, done: str | None = None, account: str | None = None, read: str | None = None,
                  new: str | None = None, skipped: str | None = None) -> Response:  # fmt: skip
    state = state_of(request)
    viewer = viewer_of(request, state)
    if viewer.user is None:
        return see_other("/signin")
    notice = NOTICES.get(done or "")
    if notice:
        notice = notice.format(account=(account or "the account")[:200], read=_count(read), new=_count(new),
                               skipped=_count(skipped))  # fmt: skip
    return settings_page_of(request, state, viewer.user, notice=notice)


def _count(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else 0


Action = Callable[[WebState, User, dict[str, str]], str]


def done_at(what: str, account: str = "") -> str:
    return f"/settings?done={what}" + (f"&account={quote(account[:200])}" if account else "")


async def settings_action(request: Request, action: Action, field: str) -> Response:
    """Run one settings form for the signed-in reader; a refusal is shown next to ``field`` (or the field
    the problem names), with what they typed, and nothing is saved."""
    state, viewer, fields = await checked_form(request)
    return await _run(request, state, viewer, fields, action, field)


async def _run(request: Request, state: WebState, viewer: Viewer, fields: dict[str, str], action: Action,
               field: str) -> Response:  # fmt: skip
    if viewer.user is None:  # a form posted by nobody: refused (nothing of theirs to change)
        raise NotAllowed("settings: sign in first")
    user = viewer.user
    try:
        return see_other(await run_in_threadpool(action, state, user, fields))
    except FormProblem as problem:
        errors = {problem.field if problem.field != "form" else field: problem.message}
    except AccountError as refused:
        errors = {field: str(refused)}
    typed = {k: v[:300].replace("\x00", "") for k, v in fields.items() if k != csrf.FIELD}
    return await run_in_threadpool(settings_page_of, request, state, user, 400, errors, typed)


@router.post("/settings")
async def save(request: Request) -> Response:
    def run(state: WebState, user: User, fields: dict[str, str]) -> str:
        save_settings(state.engine, user, user, fields.get("timezone", ""), fields.get("categories", ""),
                      fields.get("language", ""))  # fmt: skip
        my_network.set_public(state.engine, user, user, fields.get("public") == "on")
        reply_mail.set_wanted(state.engine, user, user, fields.get("email_replies") == "on", state.now())
        return done_at("settings")

    return await settings_action(request, run, "timezone")


@router.post("/settings/follow")
async def follow(request: Request) -> Response:
    def run(state: WebState, user: User, fields: dict[str, str]) -> str:
        followed = my_network.follow(state.engine, state.registry(), user, user, fields.get("account", ""), state.now())
        return done_at("followed", followed.ref)

    return await settings_action(request, run, "account")


@router.post("/settings/unfollow")
async def unfollow(request: Request) -> Response:
    def run(state: WebState, user: User, fields: dict[str, str]) -> str:
        ref = fields.get("account", "")
        my_network.unfollow(state.engine, user, user, ref)
        return done_at("unfollowed", ref)

    return await settings_action(request, run, "account")


@router.post("/settings/block")
async def block(request: Request) -> Response:
    def run(state: WebState, user: User, fields: dict[str, str]) -> str:
        ref = fields.get("block_account", "")
        my_network.block(state.engine, user, user, ref)
        return done_at("blocked", ref)

    return await settings_action(request, run, "block_account")


@router.post("/settings/unblock")
async def unblock(request: Request) -> Response:
    def run(state: WebState, user: User, fields: dict[str, str]) -> str:
        ref = fields.get("block_account", "")
        my_network.unblock(state.engine, user, user, ref)
        return done_at("unblocked", ref)

    return await settings_action(request, run, "block_account")


def imported_at(done: my_network.Imported, source: str) -> str:
    counts = f"&read={done.followed}&new={done.new_in_network}&skipped={len(done.rejects)}"
    return done_at("imported", source) + counts


@router.post("/settings/import")
async def import_graph(request: Request) -> Response:
    def run(state: WebState, user: User, fields: dict[str, str]) -> str:
        ref = fields.get("graph", "")
        done = my_network.import_graph(state.engine, state.registry(), user, user, ref, state.now())
        return imported_at(done, ref.strip())

    return await settings_action(request, run, "graph")


@router.post("/settings/import-x")
async def import_x(request: Request) -> Response:
    """The X archive's ``following.js``, uploaded (multipart): its CSRF token is one of the form's parts."""
    state = state_of(request)
    try:
        upload = await read_upload(request)
    except FormBodyError as error:
        raise FormRefused(400, str(error)) from None
    viewer = viewer_of(request, state)
    sent = upload.fields.get(csrf.FIELD, "")[:128]
    if viewer.new_nonce is not None or not csrf.token_matches(state.form_secret(), viewer.csrf_binding, sent):
        raise FormRefused(403, FORGED)
    filename, raw = upload.files.get("following", ("", b""))

    def run(state: WebState, user: User, _fields: dict[str, str]) -> str:
        if not filename and not raw:
            raise FormProblem("following: choose your archive's data/following.js")
        done = my_network.import_x_following(state.engine, user, user, raw, filename or "following.js", state.now())
        return imported_at(done, (filename or "following.js")[:80])

    return await _run(request, state, viewer, {}, run, "following")
