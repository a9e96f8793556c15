"""Resolving short links (t.co, bit.ly, doi.org, ...) by following their redirects, safely.

* Only the hosts in ``SHORTENER_HOSTS`` are resolved (``is_short``); each hop is requested without
  reading the body, with a short timeout, at most ``max_hops`` hops.
* SSRF guard: every hop's host is looked up first and refused when any of its addresses is private,
  loopback, link-local, multicast, reserved or unspecified, and only http/https is followed.
  ``allow_private=True`` is the explicit opt-in tests use to reach 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import httpx

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

AddressLookup = Callable[[str], list[str]]


class ShortLinkError(Exception):
    """A short link that could not be resolved; the message is one line naming the link and why."""


def is_short(url: str, extra_hosts: frozenset[str] = frozenset()) -> bool:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return host in SHORTENER_HOSTS or host in extra_hosts


def host_addresses(host: str) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)]


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", maxsplit=1)[0])
    return not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


class ShortLinkResolver:
    """``resolve(url)`` -> the final URL after the redirects; raises ``ShortLinkError``."""

    def __init__(
        self,
        http: httpx.Client | None = None,
        timeout: float = 5.0,
        max_hops: int = 5,
        allow_private: bool = False,
        lookup: AddressLookup = host_addresses,
        extra_hosts: frozenset[str] = frozenset(),
    ) -> None:
        self.http = http or httpx.Client()
        self.extra_hosts = extra_hosts
        self.timeout, self.max_hops, self.allow_private, self.lookup = timeout, max_hops, allow_private, lookup

    def handles(self, url: str) -> bool:
        """Whether ``url`` is a short link this resolver expands."""
        return is_short(url, self.extra_hosts)

    def resolve(self, url: str) -> str:
        current = url
        for _hop in range(self.max_hops + 1):
            self._check(url, current)
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

    def _check(self, url: str, current: str) -> None:
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ShortLinkError(f"{url}: refusing to follow {current[:200]!r} (only http and https)")
        if self.allow_private:
            return
        try:
            addresses = self.lookup(parts.hostname)
        except (OSError, UnicodeError) as exc:
            raise ShortLinkError(f"{url}: cannot look up {parts.hostname}: {one_line(exc)}") from None
        if not addresses or not all(is_public(a) for a in addresses):
            raise ShortLinkError(f"{url}: refusing {parts.hostname}: not a public address (SSRF guard)")
