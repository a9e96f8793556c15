"""The digest pages: ``/digest`` (the reader's yesterday), ``/digest/2026-12-06``, ``/digest/2026-W49`` and
``/digest/2026-12`` with their JSON twins (``.json``), for everyone, a network (``?network=``) or, signed in,
the reader's own; and their Atom feeds: ``/feeds/digest.atom`` (everyone or a public network) and a
person's own through ``/feeds/digest/<token>.atom``."""

from __future__ import annotations

from datetime import timedelta

import orjson
from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from papertalk.services.digests.curated_reading import composable_stream, editable_ids
from papertalk.services.digests.digest_dates import (
    Period,
    PeriodError,
    month_of,
    parse_period,
    today_in,
    week_of,
)
from papertalk.services.digests.digest_export import digest_data
from papertalk.services.digests.digest_for_you import digest_for_you
from papertalk.services.digests.digest_streams import Stream, stream_for
from papertalk.services.digests.digest_view import Digest, digest
from papertalk.services.digests.shown_translations import (
    ShownTranslation,
    reader_language,
    translation_data,
    translations_of,
)
from papertalk.services.discover.for_you import ForYouItem
from papertalk.services.pages.page_request import PageRequestError
from papertalk.web.for_you_pages import ForYouItemOut
from papertalk.web.formatting import with_params
from papertalk.web.http_cache import etagged
from papertalk.web.state import WebState, state_of
from papertalk.web.viewer import viewer_of

router = APIRouter(include_in_schema=False)


def _period(name: str) -> Period:
    try:
        return parse_period(name)
    except PeriodError as error:
        raise PageRequestError(str(error)) from None


def _stream(request: Request, state: WebState, audience: str | None, network: str | None) -> Stream:
    return stream_for(state.engine, viewer_of(request, state).user, audience, network)


@router.get("/digest")
def latest_digest(request: Request, audience: str | None = None, network: str | None = None) -> Response:
    """The last finished day in the reader's timezone."""
    state = state_of(request)
    stream = _stream(request, state, audience, network)
    yesterday = today_in(stream.zone(), state.now()) - timedelta(days=1)
    return RedirectResponse(with_params(f"/digest/{yesterday.isoformat()}", dict(request.query_params)), 303)


@router.get("/digest/{name}")
def digest_page(request: Request, name: str, audience: str | None = None, network: str | None = None) -> Response:
    state = state_of(request)
    as_json = name.endswith(".json")
    period = _period(name.removesuffix(".json"))
    stream = _stream(request, state, audience, network)
    reader = viewer_of(request, state).user
    found = digest(state.engine, state.settings.ranking, state.now(), period, stream, reader)
    language = reader_language(state.engine, reader)
    shown = translations_of(state.engine, [i.paper for i in found.items if i.paper is not None], language)
    picked = (
        digest_for_you(state.engine, state.settings, reader, found.start, found.end, state.now())
        if reader is not None and stream.owner_id == reader.id
        else []
    )
    if as_json:
        return _json(request, state, found, shown, picked)
    params = dict(request.query_params)
    return state.render(
        request, "digest.html", digest=found, title=f"Digest {period.name}", week=week_of(period.first),
        translations=shown, editable=editable_ids(state.engine, reader, found.curated),
        compose=composable_stream(state.engine, reader, stream) if period.kind == "day" else None,
        month=month_of(period.first), json_path=with_params(f"/digest/{period.name}.json", params),
        feed_path=with_params("/feeds/digest.atom", {k: v for k, v in params.items() if k == "network"}),
        personal=stream.owner_id is not None or stream.hidden_by is not None, for_you=picked,
    )  # fmt: skip


def _json(
    request: Request, state: WebState, found: Digest, shown: dict[str, ShownTranslation], picked: list[ForYouItem]
) -> Response:
    data = digest_data(found, state.web.base_url)
    for item in data["items"]:
        item["translation"] = translation_data(shown.get(item["arxiv_id"]))
    if found.stream.owner_id is not None:  # the reader's own digest: its For you part (issue 19)
        data["for_you"] = [ForYouItemOut.of(i).model_dump() for i in picked]
    body = orjson.dumps(data)
    if found.stream.hidden_by is not None or viewer_of(request, state).user is not None:
        return Response(body, media_type="application/json", headers={"Cache-Control": "private, no-store"})
    return etagged(request, body, "application/json", state.web.cache_seconds)
