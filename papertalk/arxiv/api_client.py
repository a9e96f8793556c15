"""Fetch paper metadata by arXiv id from the export API (``export.arxiv.org/api/query``), politely.

The one job of this module: turn a list of arXiv ids into parsed response pages, one ``BatchResult`` per
batch of at most ``batch_size`` ids, without upsetting arXiv. Parsing is ``atom.parse_feed``'s job; deciding
what a missing id or an error entry means, and storing anything, is the caller's.

* One GET per batch: ``id_list`` (comma-joined), ``max_results`` (= batch length: the API's default is 10),
  a User-Agent naming papertalk, a timeout. Duplicate ids are asked for once.
* Politeness: a request never starts less than ``min_interval`` seconds after the previous one started,
  in this client, or in every process on the database when it is given a shared ``pace``.
* 429 / 503 wait ``Retry-After`` (seconds or an HTTP date, read against the response's ``Date``), or back off
  when it is missing. Other 5xx, timeouts, connection errors and a 200 whose body is cut off or unreadable
  back off ``min_interval * 2**(attempt - 1)``. Every wait is capped at ``max_wait``.
* A 400 carrying an Atom feed with error entries (malformed ids) is an answer, not a failure.
* Any other 4xx, or ``max_attempts`` failures in a row, raise ``ArxivApiError`` with a one-line message.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType

import httpx

from papertalk.arxiv.atom import AtomPage, AtomParseError, parse_feed
from papertalk.fetching.pacing import Pace
from papertalk.fetching.polite_http import Failure, PoliteGetter, Politeness, status_failure, tries

__all__ = ["ApiSettings", "ArxivApiClient", "ArxivApiError", "BatchResult"]


@dataclass(frozen=True)
class ApiSettings:
    """Where and how politely to ask. Times are seconds."""

    base_url: str = "https://export.arxiv.org/api/query"
    batch_size: int = 100  # ids per request (arXiv's limit for polite use)
    min_interval: float = 3.0  # seconds between the starts of two requests (arXiv's rule)
    timeout: float = 30.0
    max_attempts: int = 5  # per batch, including the first
    max_wait: float = 300.0  # cap on any single wait (Retry-After or backoff)
    user_agent: str = "papertalk/0.1 (arXiv metadata enrichment; https://github.com/papertalk/papertalk)"

    def __post_init__(self) -> None:
        if self.batch_size < 1 or self.max_attempts < 1:
            raise ValueError("ApiSettings: batch_size and max_attempts must be at least 1")
        if self.min_interval < 0 or self.max_wait < 0 or self.timeout <= 0:
            raise ValueError("ApiSettings: min_interval and max_wait must be >= 0, timeout > 0")


class ArxivApiError(RuntimeError):
    """Gave up on a batch; the one-line message says which ids, what happened and after how many attempts."""


@dataclass(frozen=True)
class BatchResult:
    """One batch answered: the ids asked for (in order), the parsed page (API error entries in
    ``page.errors``; unknown ids are simply absent) and how many attempts it took."""

    ids: list[str]
    page: AtomPage
    attempts: int


class ArxivApiClient:
    """Batched, rate-limited, retrying client for the arXiv export API. Also a context manager."""

    def __init__(
        self,
        settings: ApiSettings = ApiSettings(),
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        pace: Pace | None = None,
    ) -> None:
        self.settings = settings
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=settings.timeout)
        rules = Politeness(
            settings.min_interval, settings.timeout, settings.max_attempts, settings.max_wait, settings.user_agent
        )
        self._getter = PoliteGetter(self._http, rules, clock, sleep, pace)

    def fetch(self, arxiv_ids: Sequence[str]) -> Iterator[BatchResult]:
        """One ``BatchResult`` per batch of at most ``batch_size`` ids, in order; lazy (requests as you iterate)."""
        ids = list(dict.fromkeys(arxiv_ids))
        size = self.settings.batch_size
        for first in range(0, len(ids), size):
            yield self._fetch_batch(ids[first : first + size])

    def close(self) -> None:
        """Close the HTTP client if this client created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> ArxivApiClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _fetch_batch(self, batch: list[str]) -> BatchResult:
        params = {"id_list": ",".join(batch), "max_results": str(len(batch))}
        page, attempts = self._getter.get(
            self.settings.base_url, params, _judge, lambda attempt, what: ArxivApiError(_give_up(batch, attempt, what))
        )
        return BatchResult(ids=batch, page=page, attempts=attempts)


def _judge(response: httpx.Response) -> AtomPage | Failure:
    """The parsed page, or why this response is not one and whether to try again."""
    status = response.status_code
    if status == 200:
        try:
            return parse_feed(response.content)
        except AtomParseError as exc:
            return Failure(f"HTTP 200 with an unusable body: {exc}", retry=True)
    if status == 400:  # arXiv answers malformed ids with a 400 carrying an Atom feed of error entries
        try:
            page = parse_feed(response.content)
        except AtomParseError:
            return status_failure(response)
        return page if page.errors else status_failure(response)
    return status_failure(response)


def _give_up(batch: list[str], attempts: int, what: str) -> str:
    shown = ", ".join(batch) if len(batch) <= 2 else f"{batch[0]} … {batch[-1]}"
    ids = "1 id" if len(batch) == 1 else f"{len(batch)} ids"
    return f"arXiv API: gave up on {ids} ({shown}) after {tries(attempts)}: {what}"
