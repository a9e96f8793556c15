"""One polite JSON GET for platform fetchers: status failures, unreadable bodies and the reply's headers.

A body that is not JSON (a truncated or garbled reply) is retried like a 5xx: the server is asked
again, politely spaced; giving up raises ``FetchError`` naming the source and what went wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from papertalk.fetching.pages import FetchError
from papertalk.fetching.polite_http import Failure, PoliteGetter, status_failure, tries

WaitFor = Callable[[httpx.Response], float | None]  # extra wait a 429 asks for (e.g. x-rate-limit-reset)


@dataclass(frozen=True)
class JsonReply:
    """A parsed JSON body with the headers and the links (``Link`` header, by rel) that came with it."""

    body: Any
    headers: Mapping[str, str]
    links: Mapping[str, str]
    status: int = 200


def get_json(
    getter: PoliteGetter,
    url: str,
    params: dict[str, str],
    what: str,
    headers: Mapping[str, str] | None = None,
    wait_for: WaitFor | None = None,
    accept: frozenset[int] = frozenset({200}),
) -> JsonReply:
    """GET ``url`` and parse its JSON; ``what`` names the source in the one-line error."""

    def judge(response: httpx.Response) -> JsonReply | Failure:
        if response.status_code not in accept:
            failure = status_failure(response)
            if response.status_code == 429 and failure.wait is None and wait_for is not None:
                return Failure(failure.what, retry=True, wait=wait_for(response))
            return failure
        links = {str(rel): link["url"] for rel, link in response.links.items() if rel and "url" in link}
        if response.status_code in (304, 401):  # asked for by ``accept``: the caller decides
            return JsonReply(None, dict(response.headers), links, response.status_code)
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            return Failure(f"unreadable JSON ({exc})", retry=True)
        return JsonReply(body, dict(response.headers), links, response.status_code)

    def give_up(attempts: int, failure: str) -> Exception:
        return FetchError(f"{what}: {failure} ({tries(attempts)})")

    reply, _ = getter.get(url, params, judge, give_up, headers=headers)
    return reply


def split_url(url: str) -> tuple[str, dict[str, str]]:
    """A full URL (a ``Link`` header's) as base URL and query parameters, for ``PoliteGetter.get``
    (httpx replaces a URL's own query by ``params``)."""
    parsed = httpx.URL(url)
    return str(parsed.copy_with(query=None)), dict(parsed.params)
