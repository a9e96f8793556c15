"""Which digest a reader asks for: everyone, one network they may see, or (signed in, by default) their own
— their network, less the accounts they blocked, in their categories. Each stream is named by a key that
also holds the timezone its days are drawn in, so a frozen day is only ever reused for the same stream."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from papertalk.core.people_records import User
from papertalk.services.networks.my_network import network_of
from papertalk.services.pages.network_choice import counted_network, requested_network
from papertalk.services.people.person_settings import settings_of
from papertalk.storage.engine import Engine

UTC = "UTC"


@dataclass(frozen=True)
class Stream:
    key: str
    label: str  # "Everyone", "My network" or the network's name
    network: str | None  # the network counted (None: everyone)
    network_row: int | None
    hidden_by: int | None  # the reader whose blocks apply
    categories: tuple[str, ...]
    timezone: str
    offered: tuple[str, ...] = ()  # the networks this reader may pick instead
    personal: str | None = None  # the reader's own network among them
    owner_id: int | None = None  # set for a person's own digest

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def stream_for(
    engine: Engine, reader: User | None, audience: str | None, network: str | None, timezone: str = UTC
) -> Stream:
    """The stream a request names (days drawn in the reader's timezone, else ``timezone``); PageRequestError
    for a network the reader may not see."""
    timezone = settings_of(engine, reader).timezone if reader else timezone
    chosen = requested_network(audience, network, None)
    with engine.connect() as conn:
        counted = counted_network(conn, chosen, reader.id if reader else None)
    if reader is not None and chosen is None and audience != "everyone":
        return own_stream(engine, reader, counted.offered, counted.personal)
    if counted.row_id is None:
        return Stream(f"everyone|{timezone}", "Everyone", None, None, None, (), timezone, counted.offered,
                      counted.personal)  # fmt: skip
    hidden = reader.id if reader else None
    label = "My network" if counted.name == counted.personal else str(counted.name)
    key = f"network:{counted.row_id}|{timezone}|{hidden or ''}"
    return Stream(key, label, counted.name, counted.row_id, hidden, (), timezone, counted.offered, counted.personal)


def own_stream(engine: Engine, reader: User, offered: tuple[str, ...] = (), personal: str | None = None) -> Stream:
    """A person's own digest: their network (everyone until they have one) in their categories."""
    chosen = settings_of(engine, reader)
    mine = network_of(engine, reader)
    # The categories take part in the key: a person who changes them gets a new stream, not an old day's.
    digest = hashlib.sha256(" ".join(chosen.categories).encode()).hexdigest()[:16]
    key = f"person:{reader.id}|{chosen.timezone}|{digest}"
    return Stream(
        key, "My network", mine.name if mine else None, mine.id if mine else None, reader.id, chosen.categories,
        chosen.timezone, offered, personal if personal else (mine.name if mine else None), reader.id,
    )  # fmt: skip
