"""Resolving short links (t.co, bit.ly, doi.org, ...) by following their redirects, safely.

* Only the hosts in ``SHORTENER_HOSTS`` are resolved (``is_short``); each hop is requested without
  reading the body, with a short timeout, at most ``max_hops`` hops.
* SSRF guard: only http/https is followed, and every hop connects through ``fetching.address_guard``
  (the default client refuses any host with an address that is not globally routable, and connects to
  the address it checked). Pass a ``guarded_client`` with ``allow_private=True`` to reach 127.0.0.1.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import httpx

from papertalk.fetching.address_guard import AddressGuard, guarded_client
from papertalk.fetching.polite_http import one_line

SHORTENER_HOSTS = frozenset(
    {
        "t.co",
        "bit.ly",
        "buff.ly",
        "ow.ly",
        "tinyurl.com",
        "goo.gl",
        "dlvr.it",
        "lnkd.in",
        "is.gd",
        "j.mp",
        "trib.al",
        "doi.org",
        "dx.doi.org",
        "arxiv.link",
    }
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "papertalk/0.1 (short link resolver; https://github.com/papertalk/papertalk)"


class ShortLinkError(Exception):
    """A short link that could not be resolved; the message is one line naming the link and why."""


def is_short(url: str, extra_hosts: frozenset[str] = frozenset()) -> bool:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return host in SHORTENER_HOSTS or host in extra_hosts


class ShortLinkResolver:
    """``resolve(url)`` -> the final URL after the redirects; raises ``ShortLinkError``."""

    def __init__(
        self,
        http: httpx.Client | None = None,
        timeout: float = 5.0,
        max_hops: int = 5,
        extra_hosts: frozenset[str] = frozenset(),
    ) -> None:
        self.http = http or guarded_client(AddressGuard())
        self.extra_hosts = extra_hosts
        self.timeout, self.max_hops = timeout, max_hops

    def handles(self, url: str) -> bool:
        """Whether ``url`` is a short link this resolver expands."""
        return is_short(url, self.extra_hosts)

    def resolve(self, url: str) -> str:
        current = url
        for _hop in range(self.max_hops + 1):
            self._check_scheme(url, current)
            try:
                with self.http.stream(
                    "GET", current, headers={"User-Agent": USER_AGENT}, timeout=self.timeout, follow_redirects=False
                ) as response:
                    status, location = response.status_code, response.headers.get("Location")
            except httpx.HTTPError as exc:
                raise ShortLinkError(f"{url}: {type(exc).__name__}: {one_line(exc)}") from None
            if status not in REDIRECTS:
                if status >= 400:
                    raise ShortLinkError(f"{url}: HTTP {status} at {current}")
                return current
            if not location:
                raise ShortLinkError(f"{url}: HTTP {status} without a Location at {current}")
            current = urljoin(current, location)
        raise ShortLinkError(f"{url}: more than {self.max_hops} redirects")

    def _check_scheme(self, url: str, current: str) -> None:
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ShortLinkError(f"{url}: refusing to follow {current[:200]!r} (only http and https)")
