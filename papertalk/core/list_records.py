"""Records of reading lists (pure): a list, its sections (two levels) and items, and what a stale save missed."""

from __future__ import annotations

from dataclasses import dataclass, field

PRIVATE = "private"
UNLISTED = "unlisted"  # readable by whoever has its address; never listed, searched or counted
PUBLIC = "public"
VISIBILITIES = (PRIVATE, UNLISTED, PUBLIC)
READ = "read"
TO_READ = "to-read"
READ_STATES = (TO_READ, READ)


@dataclass(frozen=True, slots=True)
class ListRef:
    """A list's own fields (not its contents)."""

    id: int
    owner_user_id: int
    owner_name: str
    title: str
    description_source: str
    description_html: str
    visibility: str
    version: int
    created_at: int
    updated_at: int
    digest_day: str | None = None
    network_id: int | None = None
    published_at: int | None = None  # a curated digest's publication time (None: a draft)


@dataclass(frozen=True, slots=True)
class ListItem:
    id: int
    section_id: int | None
    position: int
    arxiv_id: str | None
    url: str | None
    title: str
    verdict_source: str
    verdict_html: str
    note_source: str
    note_html: str
    links: tuple[tuple[str, str], ...]
    tags: tuple[str, ...]
    read_state: str
    added_at: int
    author: str = ""  # a picked link's author, in a curated digest

    @property
    def href(self) -> str:
        """Where the item's title links: the paper's arXiv abstract, or its own link."""
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else (self.url or "")


@dataclass(frozen=True, slots=True)
class ListSection:
    id: int
    parent_id: int | None
    title: str
    position: int
    items: tuple[ListItem, ...] = ()
    children: tuple[ListSection, ...] = ()


@dataclass(frozen=True, slots=True)
class ListView:
    """A whole list as one reader sees it: the items outside any section first, then the section tree."""

    ref: ListRef
    items: tuple[ListItem, ...]
    sections: tuple[ListSection, ...]
    editors: tuple[str, ...] = ()
    may_edit: bool = False
    followers: int = 0
    followed: bool = False

    def all_items(self) -> list[ListItem]:
        found = list(self.items)
        for top in self.sections:
            found.extend(top.items)
            for child in top.children:
                found.extend(child.items)
        return found


@dataclass(frozen=True, slots=True)
class Change:
    """One change of a list (its version after the change), told to an editor who saved a stale copy."""

    version: int
    who: str
    at: int
    what: str


@dataclass(frozen=True, slots=True)
class PaperOnList:
    """A list that holds a paper, with that item's verdict (for the paper page)."""

    list_id: int
    title: str
    owner_name: str
    visibility: str
    verdict_html: str
    mine: bool = field(default=False)
