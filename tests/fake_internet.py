"""A public internet made of local servers, for the SSRF guard's tests: names answered by a table (the
guard's resolver hook, possibly differently on each call, as a rebinding DNS server does) and real TCP
sockets on which a public address is served by a server on loopback. Nothing leaves the machine: a
connection to any other non-loopback address fails at once."""

from __future__ import annotations

import ipaddress
import ssl
from typing import Any

import httpcore
import httpx

from papertalk.fetching.address_guard import AddressGuard, guarded_client

PUBLIC = "93.184.216.34"  # a globally routable address; here it is a server on 127.0.0.1


class Names:
    """The guard's resolver: each name answers its listed addresses, one list per call (the last repeats)."""

    def __init__(self, table: dict[str, list[list[str]]]) -> None:
        self.table = table
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host not in self.table:
            try:
                return [str(ipaddress.ip_address(host))]  # an IP literal answers itself
            except ValueError:
                raise OSError(f"no such name in the test table: {host}") from None
        answers = self.table[host]
        return answers.pop(0) if len(answers) > 1 else answers[0]


class LocalInternet(httpcore.SyncBackend):
    """Real sockets; ``PUBLIC`` is served on 127.0.0.1, loopback is itself, anything else is unreachable.
    Records every address a connection was opened to."""

    def __init__(self) -> None:
        self.connected: list[str] = []

    def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        self.connected.append(host)
        if host == PUBLIC:
            host = "127.0.0.1"
        elif not ipaddress.ip_address(host).is_loopback:
            raise httpcore.ConnectError(f"tests have no internet: {host}")
        return super().connect_tcp(host, port, *args, **kwargs)


def client(
    names: Names, internet: LocalInternet, allow_private: bool = False, trust: ssl.SSLContext | None = None
) -> httpx.Client:
    """A guarded httpx client on this fake internet (``trust``: the TLS context, for a test CA)."""
    return guarded_client(AddressGuard(allow_private=allow_private, resolver=names), internet, trust)
