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
from papertalk.fetching.polite_http import (
    RETRY_AFTER_STATUSES,
    Failure,
    PoliteGetter,
    Politeness,
    status_failure,
    tries,
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
        rules = Politeness(
            settings.min_interval, settings.timeout, settings.max_attempts, settings.max_wait, settings.user_agent
        )
        self._getter = PoliteGetter(self._http, rules, clock, sleep)

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
        def give_up(attempts: int, what: str) -> OaiHarvestError:
            return OaiHarvestError(f"arXiv OAI-PMH: gave up on {_describe(params)} after {tries(attempts)}: {what}")

        page, _attempts = self._getter.get(self.settings.base_url, params, _judge, give_up)
        return page


def _judge(response: httpx.Response) -> OaiPage | Failure:
    """The parsed page, or why this response is not one and whether to try again."""
    status = response.status_code
    if status == 200:
        try:
            return parse_list_records(response.content)
        except OaiParseError as exc:
            return Failure(f"HTTP 200 with an unusable body: {exc}", retry=True)
    if 400 <= status < 500 and status not in RETRY_AFTER_STATUSES:
        try:  # some OAI servers send their <error> with a 4xx: that is an answer
            page = parse_list_records(response.content)
        except OaiParseError:
            return status_failure(response)
        return page if page.oai_error is not None else status_failure(response)
    return status_failure(response)


def _describe(params: dict[str, str]) -> str:
    """The request in one short phrase: ``ListRecords resumptionToken=726959|1001``."""
    shown = " ".join(f"{k}={v[:80]}" for k, v in params.items() if k != "verb")
    return f"{params.get('verb', 'request')} {shown}".strip()
