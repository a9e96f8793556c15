"""Which network a page counts, decided here for the pages, the API and the feeds: everyone, or one network
by name (``network=NAME``; ``audience=network`` is the reader's own, else the site's). A reader is offered
the site's public networks and, signed in, their own network and the shared ones they belong to
(``storage.networks.visible_networks``, the one place that decides); someone's public network is counted
when named. A network the reader may not see is answered exactly like one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.core.network_records import PERSONAL
from papertalk.services.pages.page_request import NetworkNotFound, PageRequestError
from papertalk.storage.engine import Connection
from papertalk.storage.networks.visible_networks import networks_of, readable_network

AUDIENCES = ("network", "everyone")
MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class CountedNetwork:
    """The network a page counts (None: everyone) and the networks a reader may pick instead."""

    name: str | None
    row_id: int | None
    offered: tuple[str, ...]
    personal: str | None = None  # the reader's own network among ``offered`` (shown as "My network")


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
    """The networks any reader may pick, by name: the site's public networks."""
    return tuple(n.name for n in networks_of(conn, None))


def counted_network(conn: Connection, name: str | None, viewer_id: int | None = None) -> CountedNetwork:
    """``name`` with its row id; NetworkNotFound (a 404), naming the networks the reader may pick, when they
    may not see it, the same whether it is private or does not exist."""
    offered = networks_of(conn, viewer_id)
    names = tuple(n.name for n in offered)
    personal = next((n.name for n in offered if n.kind == PERSONAL and n.owner_user_id == viewer_id), None)
    if name is None:
        return CountedNetwork(None, None, names, personal)
    # A NUL names no network, and PostgreSQL refuses it in a text parameter (a 500 the fuzzer found)
    found = None if "\x00" in name else readable_network(conn, name, viewer_id)
    if found is None:
        choices = ", ".join(names[:30]) if names else "none is defined (see `papertalk network add`)"
        raise NetworkNotFound(f"network: no public network named {name[:40]!r}; choose one of: {choices}")
    return CountedNetwork(name, found.id, names, personal)
