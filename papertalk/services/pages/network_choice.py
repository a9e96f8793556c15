"""Which network a page counts, decided here for the pages, the API and the feeds: everyone, or one public
network by name (``network=NAME``; ``audience=network`` is the site's own). The people issue will add each
person's own networks to what ``public_networks`` offers; nothing else needs to change."""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.services.pages.page_request import PageRequestError
from papertalk.storage.capture.account_rows import list_networks, network_id
from papertalk.storage.engine import Connection

AUDIENCES = ("network", "everyone")
MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class CountedNetwork:
    """The network a page counts (None: everyone) and the networks a reader may pick instead."""

    name: str | None
    row_id: int | None
    offered: tuple[str, ...]


def requested_network(audience: str | None, network: str | None, home: str | None) -> str | None:
    """The network named by a request's ``audience`` and ``network`` parameters (None: everyone)."""
    if audience not in (None, "", *AUDIENCES):
        raise PageRequestError(f"audience: unknown audience {audience[:40]!r}, choose network or everyone")
    if network:
        if audience == "everyone":
            raise PageRequestError(f"network: audience=everyone counts no network, drop one of them ({network[:40]!r})")
        if len(network) > MAX_NAME_CHARS:
            raise PageRequestError(f"network: a name is at most {MAX_NAME_CHARS} characters")
        return network
    if audience == "network":
        if home is None:
            raise PageRequestError("audience: this site has no network defined (see `papertalk network add`)")
        return home
    return None


def public_networks(conn: Connection) -> tuple[str, ...]:
    """The networks any reader may pick, by name (today every network: they are the site's)."""
    return tuple(name for name, _size in list_networks(conn))


def counted_network(conn: Connection, name: str | None) -> CountedNetwork:
    """``name`` with its row id, or a 400 naming the networks there are when there is no such public one."""
    offered = public_networks(conn)
    if name is None:
        return CountedNetwork(None, None, offered)
    row = network_id(conn, name) if name in offered else None
    if row is None:
        choices = ", ".join(offered[:30]) if offered else "none is defined (see `papertalk network add`)"
        raise PageRequestError(f"network: no public network named {name[:40]!r}; choose one of: {choices}")
    return CountedNetwork(name, row, offered)
