"""Polite GETs to remote services: spacing between request starts, retries with backoff and Retry-After.

Shared by the arXiv clients (export API, OAI-PMH) and every platform fetcher in ``sources/``. Each
caller says how to read a response (``judge``: the parsed answer, or a ``Failure`` saying whether to
try again) and how to word giving up.

* A request never starts less than ``min_interval`` seconds after the previous one started.
* A failure with a ``wait`` (from ``Retry-After``) waits that long; other retryable failures back off
  ``min_interval * 2**(attempt - 1)``. Every wait is capped at ``max_wait``.
* Timeouts and connection errors are retried; unsupported URLs, redirect loops and addresses the SSRF
  guard refuses (``fetching.address_guard``) are not.
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


class PoliteGetter:
    """Issues GETs one at a time on an injected clock, so tests can check the spacing without sleeping."""

    def __init__(
        self,
        http: httpx.Client,
        rules: Politeness,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self.http = http
        self.rules = rules
        self._clock = clock
        self._sleep = sleep
        self._next_start: float | None = None  # earliest moment (on ``clock``) the next request may start

    def get(
        self,
        url: str,
        params: dict[str, str],
        judge: Callable[[httpx.Response], Answer | Failure],
        give_up: Callable[[int, str], Exception],
        headers: Mapping[str, str] | None = None,
    ) -> tuple[Answer, int]:
        """The judged answer and the attempt it took; raises ``give_up(attempts, what)`` when it cannot.

        ``headers`` add to (or override) the User-Agent, e.g. an ``Authorization`` bearer token.
        """
        rules = self.rules
        headers = {"User-Agent": rules.user_agent, **(headers or {})}
        for attempt in range(1, rules.max_attempts + 1):
            self._wait_turn()
            try:
                response = self.http.get(
                    url, params=params, headers=headers, timeout=rules.timeout, follow_redirects=True
                )
            except httpx.TimeoutException as exc:
                failure = Failure(f"timed out after {rules.timeout:g} s ({type(exc).__name__})", retry=True)
            except (httpx.UnsupportedProtocol, httpx.TooManyRedirects, AddressRefused) as exc:
                failure = Failure(f"{type(exc).__name__}: {one_line(exc)}", retry=False)
            except httpx.RequestError as exc:
                failure = Failure(f"connection error ({type(exc).__name__}: {one_line(exc)})", retry=True)
            else:
                outcome = judge(response)
                if not isinstance(outcome, Failure):
                    return outcome, attempt
                failure = outcome
            if not failure.retry or attempt == rules.max_attempts:
                raise give_up(attempt, failure.what)
            backoff = rules.min_interval * 2 ** (attempt - 1)
            wait = min(backoff if failure.wait is None else failure.wait, rules.max_wait)
            assert self._next_start is not None  # set by _wait_turn
            self._next_start = max(self._next_start, self._clock() + wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait_turn(self) -> None:
        """Sleep until the next request may start, then mark that it started now."""
        if self._next_start is not None:
            delay = self._next_start - self._clock()
            if delay > 0:
                self._sleep(delay)
        self._next_start = self._clock() + self.rules.min_interval


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
