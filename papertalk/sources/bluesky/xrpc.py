"""A polite XRPC client for the public Bluesky AppView (``GET /xrpc/<method>``), no login needed.

One job: ask a method with parameters and return its JSON object, through ``PoliteGetter`` (spacing,
retries, ``Retry-After``). A 200 whose body is cut off or not JSON is retried like a 5xx; a 400 is an
answer the caller reads (``XrpcRefused``: e.g. an unknown handle, an expired cursor).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from papertalk.fetching.pages import FetchError
from papertalk.fetching.polite_http import Failure, PoliteGetter, Politeness, one_line, status_failure, tries

DEFAULT_APPVIEW_URL = "https://public.api.bsky.app"
USER_AGENT = "papertalk/0.1 (capture of posts about arXiv papers; https://github.com/papertalk/papertalk)"


@dataclass(frozen=True)
class XrpcRefused:
    """A 4xx answer with the lexicon error body ``{"error": ..., "message": ...}``."""

    status: int
    error: str
    message: str


class XrpcClient:
    """``call(method, params)`` -> the JSON object, or ``XrpcRefused`` for a 400/404; ``FetchError`` otherwise."""

    def __init__(
        self,
        base_url: str = DEFAULT_APPVIEW_URL,
        http: httpx.Client | None = None,
        min_interval: float = 0.2,
        timeout: float = 20.0,
        max_attempts: int = 5,
        max_wait: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._getter = PoliteGetter(
            http or httpx.Client(),
            Politeness(min_interval, timeout, max_attempts, max_wait, USER_AGENT),
            clock,
            sleep,
        )

    def call(
        self, method: str, params: dict[str, str] | list[tuple[str, str]], where: str
    ) -> dict[str, Any] | XrpcRefused:
        def give_up(attempts: int, what: str) -> FetchError:
            return FetchError(f"{where}: {method} failed after {tries(attempts)}: {what}")

        answer: dict[str, Any] | XrpcRefused
        answer, _ = self._getter.get(
            f"{self.base_url}/xrpc/{method}",
            params,  # type: ignore[arg-type]  # httpx takes a list of pairs for repeated keys
            _judge,
            give_up,
        )
        return answer


def _judge(response: httpx.Response) -> dict[str, Any] | XrpcRefused | Failure:
    if response.status_code in (400, 404):
        body = _json_object(response.content)
        error = str(body.get("error", "")) if body else ""
        message = str(body.get("message", "")) if body else one_line(Exception(response.text[:200]))
        return XrpcRefused(response.status_code, error, message)
    if response.status_code != 200:
        return status_failure(response)
    body = _json_object(response.content)
    if body is None:
        return Failure(f"unreadable JSON body ({len(response.content)} bytes, cut off?)", retry=True)
    return body


def _json_object(content: bytes) -> dict[str, Any] | None:
    try:
        value = orjson.loads(content)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
