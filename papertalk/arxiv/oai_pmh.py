"""Harvest arXiv metadata in bulk through OAI-PMH (``ListRecords``), page by page, politely and resumably.

The one job of this module: walk one ``ListRecords`` list (a date range, optionally one set) from its first
page or from a saved resumption token, yielding each parsed page. Parsing is ``oai_records``' job (its API
is re-exported here); storing papers and the token is the caller's.

* The first request sends ``verb=ListRecords``, ``metadataPrefix``, ``from``, ``until`` and ``set`` (those
  given); every later one only ``verb=ListRecords&resumptionToken=...``, as OAI-PMH requires. A harvest
  started with a token resumes there.
* Each page is yielded before the next is requested, so a caller that saves ``page.resumption_token`` with
  the page's records can resume after a crash. An empty or absent token ends the list.
* ``noRecordsMatch`` ends the harvest without pages or error. ``badResumptionToken`` (tokens expire) and
  other OAI errors raise ``OaiHarvestError`` at once: restart from the harvest's last ``from`` date.
* Politeness: a request never starts less than ``min_interval`` seconds after the previous one started.
* 503 / 429 wait ``Retry-After`` (seconds or an HTTP date; arXiv's OAI uses it for flow control), or back
  off when it is missing. Other 5xx, timeouts, connection errors and a 200 whose body is cut off or is not
  OAI-PMH back off ``min_interval * 2**(attempt - 1)``. Every wait is capped at ``max_wait``.
* Other 4xx, or ``max_attempts`` failures in a row for one page, raise ``OaiHarvestError`` (one line).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType

import httpx

from papertalk.arxiv.oai_records import (
    OaiError,
    OaiPage,
    OaiParseError,
    OaiRecordError,
    parse_list_records,
    split_authors,
)

__all__ = [
    "OaiError",
    "OaiHarvestError",
    "OaiHarvester",
    "OaiPage",
    "OaiParseError",
    "OaiRecordError",
    "OaiSettings",
    "parse_list_records",
    "split_authors",
]

_RETRY_AFTER_STATUSES = frozenset({429, 503})
_SECONDS = re.compile(r"\d+(?:\.\d+)?")
_OAI_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}Z)?")


@dataclass(frozen=True)
class OaiSettings:
    """Where and how politely to harvest. Times are seconds."""

    base_url: str = "https://oaipmh.arxiv.org/oai"
    metadata_prefix: str = "arXivRaw"  # or "arXiv"; both are parsed
    min_interval: float = 3.0  # seconds between the starts of two requests (arXiv asks for politeness)
    timeout: float = 60.0
    max_attempts: int = 6  # per page, including the first
    max_wait: float = 600.0  # cap on any single wait (Retry-After or backoff)
    user_agent: str = "papertalk/0.1 (arXiv OAI-PMH harvest; https://github.com/papertalk/papertalk)"

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("OaiSettings: max_attempts must be at least 1")
        if self.min_interval < 0 or self.max_wait < 0 or self.timeout <= 0:
            raise ValueError("OaiSettings: min_interval and max_wait must be >= 0, timeout > 0")


class OaiHarvestError(RuntimeError):
    """Gave up on a page; the one-line message says which request, what happened and after how many
    attempts. ``code`` is the OAI error code when the server answered with one (``badResumptionToken``)."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class _Failure:
    what: str
    retry: bool
    wait: float | None = None  # from Retry-After; None means "back off"


class OaiHarvester:
    """Rate-limited, retrying, resumable ``ListRecords`` harvester. Also a context manager."""

    def __init__(
        self,
        settings: OaiSettings = OaiSettings(),
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=settings.timeout)
        self._clock = clock
        self._sleep = sleep
        self._next_start: float | None = None  # earliest moment (on ``clock``) the next request may start

    def harvest(
        self,
        from_date: str | None,
        until: str | None = None,
        set_spec: str | None = None,
        resumption_token: str | None = None,
    ) -> Iterator[OaiPage]:
        """The pages of one list, in order; lazy (requests as you iterate). With ``resumption_token`` the
        other arguments are not sent (the token carries them). Dates are ``YYYY-MM-DD``."""
        if resumption_token:
            return self._pages({"verb": "ListRecords", "resumptionToken": resumption_token})
        for name, value in (("from_date", from_date), ("until", until)):
            if value is not None and not _OAI_DATE.fullmatch(value):
                raise ValueError(f"OaiHarvester.harvest: {name} must be YYYY-MM-DD, got {value!r}")
        params = {"verb": "ListRecords", "metadataPrefix": self.settings.metadata_prefix}
        params.update((k, v) for k, v in (("from", from_date), ("until", until), ("set", set_spec)) if v)
        return self._pages(params)

    def close(self) -> None:
        """Close the HTTP client if this harvester created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> OaiHarvester:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _pages(self, params: dict[str, str]) -> Iterator[OaiPage]:
        while True:
            page = self._fetch(params)
            error = page.oai_error
            if error is not None:
                if error.code == "noRecordsMatch":
                    return
                request = _describe(params)
                if error.code == "badResumptionToken":
                    raise OaiHarvestError(
                        f"arXiv OAI-PMH: {request} was refused ({error.code}: {error.message}): the token has "
                        "expired or is unknown; restart the harvest from its last from-date",
                        error.code,
                    )
                raise OaiHarvestError(f"arXiv OAI-PMH: {request} failed: {error.code}: {error.message}", error.code)
            yield page
            token = page.resumption_token
            if not token:
                return
            if token == params.get("resumptionToken"):
                raise OaiHarvestError(f"arXiv OAI-PMH: {_describe(params)} answered with the same token again")
            params = {"verb": "ListRecords", "resumptionToken": token}

    def _fetch(self, params: dict[str, str]) -> OaiPage:
        settings = self.settings
        headers = {"User-Agent": settings.user_agent}
        failure = _Failure("no attempt made", retry=False)
        for attempt in range(1, settings.max_attempts + 1):
            self._wait_turn()
            try:
                response = self._http.get(
                    settings.base_url, params=params, headers=headers, timeout=settings.timeout, follow_redirects=True
                )
            except httpx.TimeoutException as exc:
                failure = _Failure(f"timed out after {settings.timeout:g} s ({type(exc).__name__})", retry=True)
            except (httpx.UnsupportedProtocol, httpx.TooManyRedirects) as exc:
                failure = _Failure(f"{type(exc).__name__}: {_one_line(exc)}", retry=False)
            except httpx.RequestError as exc:
                failure = _Failure(f"connection error ({type(exc).__name__}: {_one_line(exc)})", retry=True)
            else:
                outcome = _judge(response)
                if isinstance(outcome, OaiPage):
                    return outcome
                failure = outcome
            if not failure.retry or attempt == settings.max_attempts:
                tries = "1 attempt" if attempt == 1 else f"{attempt} attempts"
                raise OaiHarvestError(f"arXiv OAI-PMH: gave up on {_describe(params)} after {tries}: {failure.what}")
            backoff = settings.min_interval * 2 ** (attempt - 1)
            wait = min(backoff if failure.wait is None else failure.wait, settings.max_wait)
            assert self._next_start is not None  # set by _wait_turn
            self._next_start = max(self._next_start, self._clock() + wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait_turn(self) -> None:
        """Sleep until the next request may start, then mark that it started now."""
        if self._next_start is not None:
            delay = self._next_start - self._clock()
            if delay > 0:
                self._sleep(delay)
        self._next_start = self._clock() + self.settings.min_interval


def _judge(response: httpx.Response) -> OaiPage | _Failure:
    """The parsed page, or why this response is not one and whether to try again."""
    status = response.status_code
    what = f"HTTP {status} {response.reason_phrase}".strip()
    if status == 200:
        try:
            return parse_list_records(response.content)
        except OaiParseError as exc:
            return _Failure(f"HTTP 200 with an unusable body: {exc}", retry=True)
    if status in _RETRY_AFTER_STATUSES:
        return _Failure(what, retry=True, wait=_retry_after(response))
    if 400 <= status < 500:  # some OAI servers send their <error> with a 4xx: that is an answer
        try:
            page = parse_list_records(response.content)
        except OaiParseError:
            return _Failure(what, retry=False)
        return page if page.oai_error is not None else _Failure(what, retry=False)
    return _Failure(what, retry=status >= 500)


def _retry_after(response: httpx.Response) -> float | None:
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


def _describe(params: dict[str, str]) -> str:
    """The request in one short phrase: ``ListRecords resumptionToken=726959|1001``."""
    shown = " ".join(f"{k}={v[:80]}" for k, v in params.items() if k != "verb")
    return f"{params.get('verb', 'request')} {shown}".strip()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or "no detail"
