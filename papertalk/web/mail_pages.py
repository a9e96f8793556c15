"""Digest (and reply) email on the web: opting in or changing the schedule (settings page, POST with CSRF), stopping
it, the confirmation link's page (a GET shows a Confirm button; only its POST confirms), and the
unsubscribe link of every message: a GET shows a confirm form; a POST unsubscribes without signing in
(RFC 8058 one-click: the mail provider's POST carries no CSRF token; the unguessable token in the address,
stored hashed, is what authorizes it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from papertalk.core.people_records import User
from papertalk.services.mail import reply_mail, subscriptions
from papertalk.services.mail.mail_tokens import instance_secret
from papertalk.web.people_pages import checked_form, form_page
from papertalk.web.settings_pages import done_at, settings_action
from papertalk.web.state import WebState, state_of

router = APIRouter(include_in_schema=False)
MAX_TOKEN_CHARS = 128


@router.post("/settings/mail")
async def opt_in(request: Request) -> Response:
    def run(state: WebState, user: User, fields: dict[str, str]) -> str:
        mail, base = state.settings.mail, state.settings.people.public_base_url
        cadence, hour = fields.get("mail_cadence", ""), fields.get("mail_hour", "")
        done = subscriptions.opt_in(state.engine, mail, base, user, user, cadence, hour, state.now())
        return done_at("mail_pending" if done == "pending" else "mail_schedule") + "#mail-heading"

    return await settings_action(request, run, "mail_cadence")


@router.post("/settings/mail/stop")
async def stop(request: Request) -> Response:
    def run(state: WebState, user: User, _fields: dict[str, str]) -> str:
        subscriptions.stop(state.engine, user, user)
        return done_at("mail_stopped") + "#mail-heading"

    return await settings_action(request, run, "mail_cadence")


@router.get("/mail/confirm/{token}")
def confirm_page(request: Request, token: str) -> Response:
    state = state_of(request)
    found = subscriptions.pending_with_token(state.engine, token[:MAX_TOKEN_CHARS])
    status = 200 if found is not None else 404
    return form_page(request, "mail_confirm.html", "Confirm your digest email", status, found=found, done=False)


@router.post("/mail/confirm/{token}")
async def confirm(request: Request, token: str) -> Response:
    state, _viewer, _fields = await checked_form(request)
    confirmed = await run_in_threadpool(subscriptions.confirm, state.engine, token[:MAX_TOKEN_CHARS], state.now())
    return form_page(request, "mail_confirm.html", "Confirm your digest email", 200 if confirmed else 404,
                     found=None, done=confirmed)  # fmt: skip


@router.get("/mail/unsubscribe/{token}")
def unsubscribe_page(request: Request, token: str) -> Response:
    """A digest's link (its subscription) or a reply email's (``replies``: a valid reply token)."""
    state = state_of(request)
    token = token[:MAX_TOKEN_CHARS]
    replies = reply_mail.person_of_token(instance_secret(state.engine), token) is not None
    found = None if replies else subscriptions.subscribed_with_token(state.engine, token)
    status = 200 if found is not None or replies else 404
    return form_page(request, "mail_unsubscribe.html", "Unsubscribe", status, found=found, replies=replies,
                     done=False)  # fmt: skip


@router.post("/mail/unsubscribe/{token}")
async def unsubscribe(request: Request, token: str) -> Response:
    """One POST, no sign-in, no CSRF token (RFC 8058: ``List-Unsubscribe=One-Click`` or the page's form)."""
    state = state_of(request)  # the body (List-Unsubscribe=One-Click, urlencoded or multipart) is not read
    token = token[:MAX_TOKEN_CHARS]

    def run() -> tuple[bool, bool]:
        if reply_mail.unsubscribe(state.engine, instance_secret(state.engine), token):
            return True, True
        return subscriptions.unsubscribe(state.engine, token), False

    done, replies = await run_in_threadpool(run)
    return form_page(request, "mail_unsubscribe.html", "Unsubscribe", 200 if done else 404, found=None,
                     replies=replies, done=done)  # fmt: skip
