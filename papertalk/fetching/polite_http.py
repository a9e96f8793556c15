"""Polite GETs (and JSON POSTs, for translators) to remote services: spacing between request starts,
retries with backoff and Retry-After.

Shared by the arXiv clients (export API, OAI-PMH) and every platform fetcher in ``sources/``. Each
caller says how to read a response (``judge``: the parsed answer, or a ``Failure`` saying whether to
try again) and how to word giving up.

* A request never starts less than ``min_interval`` seconds after the previous one started (``pacing``: in
  this process, or across processes when the caller gives a shared pace).
* A failure with a ``wait`` (from ``Retry-After``) waits that long; other retryable failures back off
  ``min_interval * 2**(attempt - 1)``. Every wait is capped at ``max_wait``.
* Timeouts and connection errors are retried; unsupported URLs, redirect loops and addresses the SSRF
  guard refuses (``fetching.address_guard``) are not.
* A body is read as it streams in and refused past ``max_body_bytes`` (decoded size, so a gzip bomb is
  caught too): no reply holds more than that in memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

import httpx

from papertalk.fetching.address_guard import AddressRefused
from papertalk.fetching.pacing import LocalPace, Pace

Answer = TypeVar("Answer")

RETRY_AFTER_STATUSES = frozenset({429, 503})
_SECONDS = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Failure:
    """Why a response is not an answer, and whether to ask again."""

    what: str
    retry: bool
    wait: float | None = None  # from Retry-After; None means "back off"


@dataclass(frozen=True)
class Politeness:
    min_interval: float
    timeout: float
    max_attempts: int
    max_wait: float
    user_agent: str
    max_body_bytes: int = 64 * 1024 * 1024  # far above any feed, API page or OAI-PMH reply


class PoliteGetter:
    """Issues GETs one at a time on an injected clock, so tests can check the spacing without sleeping."""

    def __init__(
        self,
        http: httpx.Client,
        rules: Politeness,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        pace: Pace | None = None,
    ) -> None:
        self.http = http
        self.rules = rules
        self._pace = pace or LocalPace(rules.min_interval, clock, sleep)

    def get(
        self,
        url: str,
        params: dict[str, str],
        judge: Callable[[httpx.Response], Answer | Failure],
        give_up: Callable[[int, str], Exception],
        headers: Mapping[str, str] | None = None,
        json_body: object | None = None,
    ) -> tuple[Answer, int]:
        """The judged answer and the attempt it took; raises ``give_up(attempts, what)`` when it cannot.

        ``headers`` add to (or override) the User-Agent, e.g. an ``Authorization`` bearer token. With a
        ``json_body`` the request is a POST of that JSON (a translator's API), retried the same way.
        """
        rules = self.rules
        headers = {"User-Agent": rules.user_agent, **(headers or {})}
        for attempt in range(1, rules.max_attempts + 1):
            self._pace.wait_turn()
            try:
                response = self._capped_get(url, params, headers, json_body)
            except httpx.TimeoutException as exc:
                failure = Failure(f"timed out after {rules.timeout:g} s ({type(exc).__name__})", retry=True)
            except (httpx.UnsupportedProtocol, httpx.TooManyRedirects, AddressRefused) as exc:
                failure = Failure(f"{type(exc).__name__}: {one_line(exc)}", retry=False)
            except httpx.RequestError as exc:
                failure = Failure(f"connection error ({type(exc).__name__}: {one_line(exc)})", retry=True)
            else:
                outcome = judge(response) if isinstance(response, httpx.Response) else response
                if not isinstance(outcome, Failure):
                    return outcome, attempt
                failure = outcome
            if not failure.retry or attempt == rules.max_attempts:
                raise give_up(attempt, failure.what)
            backoff = rules.min_interval * 2 ** (attempt - 1)
            self._pace.hold_off(min(backoff if failure.wait is None else failure.wait, rules.max_wait))
        raise AssertionError("unreachable")  # pragma: no cover

    def _capped_get(
        self, url: str, params: dict[str, str], headers: dict[str, str], json_body: object | None = None
    ) -> httpx.Response | Failure:
        """GET ``url`` (POST ``json_body`` when given), reading the body as it comes; a Failure (not retried)
        once it passes the limit."""
        limit = self.rules.max_body_bytes
        method = "GET" if json_body is None else "POST"
        with self.http.stream(
            method, url, params=params, headers=headers, json=json_body, timeout=self.rules.timeout,
            follow_redirects=json_body is None,
        ) as streamed:  # fmt: skip
            body = bytearray()
            for block in streamed.iter_bytes():
                body += block
                if len(body) > limit:
                    return Failure(f"the reply is over the {limit:,}-byte limit", retry=False)
            # The body is decoded already: the new response must not decode it again.
            kept = [(k, v) for k, v in streamed.headers.multi_items() if k.lower() != "content-encoding"]
            return httpx.Response(streamed.status_code, headers=kept, content=bytes(body), request=streamed.request)


def status_failure(response: httpx.Response) -> Failure:
    """The failure a non-answer status means: 429/503 wait as asked, other 5xx retry, 4xx do not."""
    status = response.status_code
    what = f"HTTP {status} {response.reason_phrase}".strip()
    if status in RETRY_AFTER_STATUSES:
        return Failure(what, retry=True, wait=retry_after(response))
    return Failure(what, retry=status >= 500)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds ``Retry-After`` asks for (an HTTP date is read against the response's ``Date``); None if unusable."""
    value = response.headers.get("Retry-After", "").strip()
    if _SECONDS.fullmatch(value):
        return float(value)
    when = _http_date(value)
    if when is None:
        return None
    now = _http_date(response.headers.get("Date", "")) or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def _http_date(value: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or "no detail"


def tries(attempts: int) -> str:
    return "1 attempt" if attempts == 1 else f"{attempts} attempts"
