"""Records of curated digests (pure): a day's digest an editor composed — an intro, picked papers with a
one-line comment each, and picked links (articles, blog posts) with their author — for one stream: a
person's own digest, a shared network's, or everyone's (composed by the site's admins)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from papertalk.core.list_records import ListItem
from papertalk.core.records import Paper

PERSON = "person"
NETWORK = "network"
EVERYONE = "everyone"
KINDS = (PERSON, NETWORK, EVERYONE)


class CuratedKey(NamedTuple):
    """Which stream a curated digest belongs to: ``scope`` is the person's or the network's id (0 for everyone)."""

    kind: str
    scope: int


@dataclass(frozen=True, slots=True)
class CuratedPick:
    item: ListItem  # its verdict is the editor's comment
    paper: Paper | None  # from the catalogue, when papertalk knows it


@dataclass(frozen=True, slots=True)
class CuratedDigest:
    id: int
    key: CuratedKey
    day: str  # ISO date
    title: str
    owner_name: str  # who made it
    network_name: str | None
    intro_source: str
    intro_html: str
    published_at: int | None  # None: a draft
    version: int
    picks: tuple[CuratedPick, ...] = ()
    links: tuple[ListItem, ...] = ()

    def published(self, now: int) -> bool:
        return self.published_at is not None and self.published_at <= now

    @property
    def stream(self) -> str:
        """How a compose form names its stream: ``own`` (its owner's), a network's name, or ``everyone``."""
        if self.key.kind == NETWORK:
            return str(self.network_name)
        return "everyone" if self.key.kind == EVERYONE else "own"

    @property
    def byline(self) -> str:
        if self.key.kind == NETWORK:
            return f"the editors of {self.network_name}"
        return "papertalk's editors" if self.key.kind == EVERYONE else self.owner_name
