"""The digests' Atom feeds: the last seven finished days of everyone's (``/feeds/digest.atom``) or a
public network's (``?network=``), and a person's own through the private address
``/feeds/digest/<token>.atom`` that only they can make or replace (``POST /account/digest-feed``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import Response

from papertalk.services.digests.digest_dates import day_period, today_in
from papertalk.services.digests.digest_streams import Stream, own_stream, stream_for
from papertalk.services.digests.digest_view import Digest, digest
from papertalk.services.digests.feed_tokens import owner_of_feed, reset_feed_token
from papertalk.services.digests.shown_translations import reader_language, translations_of
from papertalk.services.digests.translating import SOURCE_LANGUAGE
from papertalk.services.pages.feed_times import feed_updated
from papertalk.web.feeds import ATOM_ANSWER
from papertalk.web.formatting import with_params
from papertalk.web.people_pages import account_action, account_page_of
from papertalk.web.state import ATOM, WebState, state_of
from papertalk.web.viewer import Viewer

router = APIRouter(tags=["feeds"])
LANGUAGE_TAG = r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"  # a BCP 47 tag such as zh, pt-BR or zh-Hans
FEED_DAYS = 7


def recent_days(state: WebState, stream: Stream) -> list[Digest]:
    """The last finished days of a stream, newest first."""
    today = today_in(stream.zone(), state.now())
    return [
        digest(state.engine, state.settings.ranking, state.now(), day_period(today - timedelta(days=n)), stream)
        for n in range(1, FEED_DAYS + 1)
    ]


def _feed(
    request: Request, state: WebState, stream: Stream, stream_id: str, html_query: str, personal: bool,
    language: str | None = None,
) -> Response:  # fmt: skip
    days = recent_days(state, stream)
    papers = [i.paper for d in days for i in d.items if i.paper is not None]
    return state.render(
        request, "digest.atom", media_type=ATOM, personal=personal, title=f"papertalk digest: {stream.label}",
        base=state.web.base_url.rstrip("/"), html_path="/digest" + html_query, html_query=html_query,
        feed_updated=feed_updated([d.end for d in days]), digests=days, stream_id=stream_id,
        translations=translations_of(state.engine, papers, language),
    )  # fmt: skip


@router.get("/feeds/digest.atom", response_class=Response, responses=ATOM_ANSWER)
def digest_feed(
    request: Request,
    network: str | None = None,
    lang: Annotated[str | None, Query(max_length=35, pattern=LANGUAGE_TAG)] = None,
) -> Response:
    """Everyone's daily digests, or a public network's (``network``), the last seven finished days (UTC);
    with ``lang``, the stored translations into that language under the originals."""
    state = state_of(request)
    stream = stream_for(state.engine, None, None, network)
    query = with_params("", {}, network=network, lang=lang)
    language = None if lang is None or lang.lower() == SOURCE_LANGUAGE else lang
    return _feed(request, state, stream, network or "everyone", query, False, language)


@router.get("/feeds/digest/{token}.atom", response_class=Response, responses=ATOM_ANSWER)
def own_digest_feed(request: Request, token: str) -> Response:
    """A person's own daily digests (their network, timezone and categories) at their private address."""
    state = state_of(request)
    owner = owner_of_feed(state.engine, token)
    if owner is None:
        raise HTTPException(404)  # answered like any page that does not exist: a token is not guessed at
    language = reader_language(state.engine, owner)  # the owner's, as on their own pages
    return _feed(request, state, own_stream(state.engine, owner), f"person:{owner.id}", "", True, language)


@router.post("/account/digest-feed", include_in_schema=False)  # a form of the account page
async def reset_digest_feed(request: Request) -> Response:
    def reset(state: WebState, viewer: Viewer, _: dict[str, str]) -> Response:
        assert viewer.user is not None
        token = reset_feed_token(state.engine, viewer.user, viewer.user, state.now())
        address = f"{state.settings.people.public_base_url}/feeds/digest/{token}.atom"
        return account_page_of(request, state, viewer, new_digest_feed=address)

    return await account_action(request, reset)
