"""The SSRF guard that every fetcher of user- or remote-origin URLs connects through.

A URL typed by a user (a feed, a Mastodon handle) or found in a remote answer (a redirect, a short link,
a ``Link: rel=next``, an acct in a following list) must never make papertalk open a connection to a
machine that is not on the public internet: loopback, the private ranges, link-local (cloud metadata at
169.254.169.254), carrier-grade NAT (100.64.0.0/10), documentation and reserved ranges, multicast, and
IPv6 forms that carry such an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``, 6to4 ``2002::/16``, NAT64
``64:ff9b::/96``, Teredo).

The guard works at connect time, inside httpx's connection pool (``GuardedTransport``): the host of each
connection (so of every redirect hop) is resolved once, every address is checked, and the socket is
opened to a checked address, never to a name resolved again later. A name that answers a public
address to the check and a private one to the connect (DNS rebinding) therefore cannot redirect the
connection. TLS still verifies the certificate against, and sends SNI for, the URL's host name; the
Host header stays the URL's host.

``allow_private=True`` (setting ``PAPERTALK_FETCH_ALLOW_PRIVATE``) is the explicit opt-in tests and local
mirrors use to reach loopback; the product default refuses.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
import typing
from collections.abc import Callable
from dataclasses import dataclass, field

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]  # (host, port) -> the addresses to connect to

_6TO4 = ipaddress.ip_network("2002::/16")
_DNS_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_OPT_IN = "PAPERTALK_FETCH_ALLOW_PRIVATE"


class AddressRefused(httpx.TransportError):
    """A connection the guard refused; the message is one line naming the host, the address and why.

    Not worth retrying: the same host would be refused again.
    """


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives ``host`` for a TCP connection."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refusal(address: str) -> str | None:
    """Why ``address`` is not a globally routable unicast address, or None when it is."""
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", maxsplit=1)[0].strip("[]"))
    except ValueError:
        return f"{address!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # the socket reaches the IPv4 address it carries
    # 6to4 is deprecated (RFC 7526) and Python 3.11 counts all of it as global, whatever IPv4 it embeds.
    if isinstance(ip, ipaddress.IPv6Address) and ip in _6TO4:
        return f"{ip} is a 6to4 address (2002::/16)"
    # ``is_global`` alone is not enough on Python 3.11: it says True for multicast, site-local and the
    # reserved ::/8, which holds the IPv4-compatible ::a.b.c.d and NAT64 64:ff9b::/96 (Teredo, 2001::/32,
    # is already not global).
    site_local = isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local
    if not ip.is_global or ip.is_multicast or ip.is_reserved or site_local:
        return f"{ip} is not a globally routable address"
    return None


def host_name_problem(host: str) -> str | None:
    """Why ``host`` is not a plain public DNS name (no port, no IP literal, at least two labels), or None.

    For hosts named by remote data, such as the instance of a Mastodon acct: a real instance has a
    domain name; ``127.0.0.2:8202`` or ``localhost`` is someone pointing papertalk at a private machine.
    """
    name = host.lower().rstrip(".")
    labels = name.split(".")
    if len(labels) < 2 or not all(_DNS_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        return f"{host[:100]!r} is not a domain name"
    return None


@dataclass(frozen=True)
class AddressGuard:
    """Resolves a host and returns the addresses it may be connected to, or raises ``AddressRefused``.

    ``resolver`` is the hook tests use to answer names (for instance differently on each call).
    """

    allow_private: bool = False
    resolver: Resolver = field(default=system_resolver)

    def addresses(self, host: str, port: int) -> list[str]:
        try:
            found = self.resolver(host.strip("[]"), port)
        except (OSError, UnicodeError) as exc:
            raise AddressRefused(f"cannot resolve {host}: {' '.join(str(exc).split())}") from None
        if not found:
            raise AddressRefused(f"cannot resolve {host}: no address")
        if not self.allow_private:
            for address in found:
                why = refusal(address)
                if why is not None:
                    raise AddressRefused(f"refusing {host}: {why} (SSRF guard; {_OPT_IN}=1 allows it)")
        return found


class GuardedNetwork(httpcore.NetworkBackend):
    """httpcore's network backend with the guard between the name and the socket: each TCP connection
    is opened to an address the guard checked (in the resolver's order, the next one if it fails)."""

    def __init__(self, guard: AddressGuard, network: httpcore.NetworkBackend | None = None) -> None:
        self.guard = guard
        self.network = network or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        options = list(socket_options or ())
        failure: httpcore.ConnectError | None = None
        for address in self.guard.addresses(host, port):
            try:
                return self.network.connect_tcp(address, port, timeout, local_address, options)
            except httpcore.ConnectError as exc:
                failure = exc
        assert failure is not None  # addresses() never answers an empty list
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise AddressRefused(f"refusing the Unix socket {path} (SSRF guard)")

    def sleep(self, seconds: float) -> None:
        self.network.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport, with its connection pool built on ``GuardedNetwork``.

    httpx 0.28 has no parameter for the network backend, so the pool it built is replaced by an
    identical one (httpx's default limits and TLS context) that connects through the guard.
    ``ssl_context`` replaces the default one (the system's CAs), e.g. to trust a mirror's own CA.
    """

    def __init__(
        self,
        guard: AddressGuard,
        network: httpcore.NetworkBackend | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__()
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedNetwork(guard, network),
        )


def guarded_client(
    guard: AddressGuard,
    network: httpcore.NetworkBackend | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.Client:
    """An ``httpx.Client`` whose every connection, redirects included, passes ``guard``.

    A custom transport also keeps httpx from using proxies from the environment, which would resolve
    names where the guard cannot see.
    """
    return httpx.Client(transport=GuardedTransport(guard, network, ssl_context))
