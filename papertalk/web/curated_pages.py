"""Composing a curated digest: ``/digest/<day>/compose?stream=…`` shows the form (the day's digest of that
stream, new or as saved), its POST saves it (CSRF checked; a problem is shown next to its field with the
input kept). ``/feeds/curated.atom`` is a stream's published curated digests: everyone's, a public
network's (``?network=``) or a person's (``?curator=``). Who may compose what is decided by
services.digests.curated_rights."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from papertalk.core.curated_records import EVERYONE, NETWORK, PERSON, CuratedDigest, CuratedKey
from papertalk.core.people_records import User
from papertalk.services.digests.curated_reading import published_feed
from papertalk.services.digests.curated_rights import OWN, streams_composed_by
from papertalk.services.digests.curated_writing import (
    CuratedInput,
    find_curated,
    links_from_lines,
    picks_from_lines,
    publish_time,
    save_curated,
)
from papertalk.services.digests.digest_streams import stream_for
from papertalk.services.pages.feed_times import feed_updated
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import NotAllowed
from papertalk.services.people.person_settings import settings_of
from papertalk.services.people.user_accounts import UnknownUser, find_user
from papertalk.web.feeds import ATOM_ANSWER
from papertalk.web.notes_pages import WRITING_FORM_BYTES
from papertalk.web.people_pages import checked_form, form_page, see_other
from papertalk.web.state import ATOM, WebState, state_of
from papertalk.web.viewer import viewer_of

router = APIRouter(include_in_schema=False)
feeds = APIRouter(tags=["feeds"])


def form_of(found: CuratedDigest | None, stream: str, timezone: str) -> dict[str, Any]:
    """The compose form's fields as a saved digest fills them (empty for a new one)."""
    if found is None:
        return {"stream": stream, "title": "", "intro": "", "papers": "", "links": "", "publish_at": "", "version": ""}
    when = ""
    if found.published_at is not None:
        when = datetime.fromtimestamp(found.published_at, ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")
    return {
        "stream": stream, "title": found.title, "intro": found.intro_source, "version": str(found.version),
        "papers": "\n".join(f"{p.item.arxiv_id} — {p.item.verdict_source}".rstrip(" —") for p in found.picks),
        "links": "\n".join(f"{i.title} | {i.author} | {i.url}" if i.author else f"{i.title} | {i.url}"
                           for i in found.links),
        "publish_at": when,
    }  # fmt: skip


def _page(request: Request, state: WebState, user: User, day: str, form: dict[str, Any], status: int = 200,
          errors: dict[str, str] | None = None, found: CuratedDigest | None = None) -> Response:  # fmt: skip
    with state.engine.connect() as conn:
        choices = streams_composed_by(conn, user)
    timezone = settings_of(state.engine, user).timezone
    return form_page(request, "curated_form.html", f"Compose the digest of {day}", status, errors, day=day,
                     form=form, choices=choices, found=found, timezone=timezone)  # fmt: skip


@router.get("/digest/{day}/compose")
def compose_page(request: Request, day: str, stream: str = OWN) -> Response:
    state = state_of(request)
    user = viewer_of(request, state).user
    if user is None:
        return see_other("/signin")
    found = find_curated(state.engine, user, stream, day)
    timezone = settings_of(state.engine, user).timezone
    return _page(request, state, user, day, form_of(found, stream, timezone), found=found)


@router.post("/digest/{day}/compose")
async def compose(request: Request, day: str) -> Response:
    state, viewer, fields = await checked_form(request, WRITING_FORM_BYTES)
    user = viewer.user
    if user is None:
        raise NotAllowed("compose a digest: sign in first")
    keys = ("stream", "title", "intro", "papers", "links", "publish_at", "version")
    form = {k: fields.get(k, "") for k in keys}
    timezone = settings_of(state.engine, user).timezone
    try:
        published = state.now() if fields.get("action") == "publish" else publish_time(form["publish_at"], timezone)
        given = CuratedInput(form["stream"], day, form["title"], form["intro"], picks_from_lines(form["papers"]),
                             links_from_lines(form["links"]), published)  # fmt: skip
        version = int(form["version"]) if form["version"].isdigit() else None
        await run_in_threadpool(save_curated, state.engine, user, given, version, state.now())
    except FormProblem as problem:
        return _page(request, state, user, day, form, 400, {problem.field: problem.message})
    return see_other(f"/digest/{day}" + ("" if form["stream"] in ("", OWN) else _stream_query(form["stream"])))


def _stream_query(stream: str) -> str:
    return "?audience=everyone" if stream == EVERYONE else f"?network={stream}"


@feeds.get("/feeds/curated.atom", response_class=Response, responses=ATOM_ANSWER)
def curated_feed(request: Request, network: str | None = None, curator: str | None = None) -> Response:
    """The published curated digests of everyone's digest (the admins'), of a public network or of a person."""
    state = state_of(request)
    if curator:
        try:
            with state.engine.connect() as conn:
                person = find_user(conn, curator)
        except UnknownUser:
            raise HTTPException(404) from None
        key, label = CuratedKey(PERSON, person.id), f"{person.name}'s curated digest"
    else:
        stream = stream_for(state.engine, None, None, network)  # a network a stranger may not see: 404
        key = CuratedKey(NETWORK, stream.network_row) if stream.network_row is not None else CuratedKey(EVERYONE, 0)
        label = f"the curated digest of {stream.label}"
    found = published_feed(state.engine, key, state.now())
    query = f"?curator={curator}" if curator else f"?network={network}" if network else ""
    return state.render(
        request, "curated.atom", media_type=ATOM, title=f"papertalk: {label}", base=state.web.base_url.rstrip("/"),
        html_path="/digest" + ("" if curator else query), digests=found, stream_id=f"{key.kind}:{key.scope}",
        feed_updated=feed_updated([c.published_at or 0 for c in found]), query=query,
    )  # fmt: skip
