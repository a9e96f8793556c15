"""Rows of a list's contents: ``list_sections`` (two levels) and ``list_items``, read in a fixed number of
queries whatever the list's size (the list page must not ask once per item)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, delete, func, insert, select, update

from papertalk.core.list_records import ListItem, ListSection, PaperOnList
from papertalk.storage.tables import list_editors, list_items, list_sections, reading_lists, users

_S = list_sections
_I = list_items


@dataclass(frozen=True, slots=True)
class NewItem:
    """An item to store; texts come rendered (source, html) by the one pipeline."""

    section_id: int | None
    arxiv_id: str | None
    url: str | None
    title: str
    verdict: tuple[str, str]
    note: tuple[str, str]
    text_version: int
    links: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = ()
    read_state: str = "to-read"
    author: str = ""  # a picked link's author (curated digests)


ITEM_COLUMNS = (
    _I.c.id,
    _I.c.section_id,
    _I.c.position,
    _I.c.arxiv_id,
    _I.c.url,
    _I.c.title,
    _I.c.verdict_source,
    _I.c.verdict_html,
    _I.c.note_source,
    _I.c.note_html,
    _I.c.links,
    _I.c.tags,
    _I.c.read_state,
    _I.c.added_at,
    _I.c.author,
)


def item_of_row(row: Any) -> ListItem:
    links: tuple[tuple[str, str], ...] = ()
    if row[10] != "[]":  # nearly every item: no extra links, no decoding
        try:
            links = tuple((str(a), str(b)) for a, b in orjson.loads(row[10]))
        except (ValueError, TypeError):
            links = ()
    return ListItem(
        int(row[0]),
        None if row[1] is None else int(row[1]),
        int(row[2]),
        row[3],
        row[4],
        str(row[5]),
        str(row[6]),
        str(row[7]),
        str(row[8]),
        str(row[9]),
        links,
        tuple(str(row[11]).split()),
        str(row[12]),
        int(row[13]),
        str(row[14]),
    )


def insert_section(conn: Connection, list_id: int, parent_id: int | None, title: str) -> int:
    last = conn.execute(
        select(func.coalesce(func.max(_S.c.position), 0)).where(
            _S.c.list_id == list_id, _S.c.parent_id.is_(None) if parent_id is None else _S.c.parent_id == parent_id
        )
    ).scalar_one()
    made = conn.execute(
        insert(_S).values(list_id=list_id, parent_id=parent_id, title=title, position=int(last) + 1).returning(_S.c.id)
    )
    return int(made.scalar_one())


def sections_of(conn: Connection, list_id: int) -> list[tuple[int, int | None, str, int]]:
    """(id, parent id, title, position) of every section, in order."""
    rows = conn.execute(
        select(_S.c.id, _S.c.parent_id, _S.c.title, _S.c.position)
        .where(_S.c.list_id == list_id)
        .order_by(_S.c.position, _S.c.id)
    )
    return [(int(r[0]), None if r[1] is None else int(r[1]), str(r[2]), int(r[3])) for r in rows]


def set_section(conn: Connection, section_id: int, **values: object) -> None:
    conn.execute(update(_S).where(_S.c.id == section_id).values(**values))


def delete_section(conn: Connection, section_id: int) -> None:
    """The section, its subsections and every item in them (the foreign keys cascade)."""
    conn.execute(delete(_I).where(_I.c.section_id.in_(select(_S.c.id).where(_S.c.parent_id == section_id))))
    conn.execute(delete(_I).where(_I.c.section_id == section_id))
    conn.execute(delete(_S).where(_S.c.parent_id == section_id))
    conn.execute(delete(_S).where(_S.c.id == section_id))


def move_items_to(conn: Connection, list_id: int, from_sections: Sequence[int], to_section: int | None) -> None:
    """Move every item of ``from_sections`` to the end of ``to_section``, keeping their order."""
    if not from_sections:
        return
    start = last_position(conn, list_id, to_section)
    rows = conn.execute(
        select(_I.c.id).where(_I.c.section_id.in_(list(from_sections))).order_by(_I.c.section_id, _I.c.position)
    ).all()
    for offset, (item_id,) in enumerate(rows, start=1):
        conn.execute(update(_I).where(_I.c.id == item_id).values(section_id=to_section, position=start + offset))


def last_position(conn: Connection, list_id: int, section_id: int | None) -> int:
    where = _I.c.section_id.is_(None) if section_id is None else _I.c.section_id == section_id
    return int(
        conn.execute(
            select(func.coalesce(func.max(_I.c.position), 0)).where(_I.c.list_id == list_id, where)
        ).scalar_one()
    )


def insert_items(conn: Connection, list_id: int, items: Sequence[NewItem], user_id: int | None, now: int) -> list[int]:
    """Append items at the end of their sections, in one batched INSERT (an import saves hundreds); their
    new ids, in the order given."""
    ends: dict[int | None, int] = {}
    rows = []
    for item in items:
        if item.section_id not in ends:
            ends[item.section_id] = last_position(conn, list_id, item.section_id)
        ends[item.section_id] += 1
        rows.append({
            "list_id": list_id, "section_id": item.section_id, "position": ends[item.section_id],
            "arxiv_id": item.arxiv_id, "url": item.url, "title": item.title, "verdict_source": item.verdict[0],
            "verdict_html": item.verdict[1], "note_source": item.note[0], "note_html": item.note[1],
            "text_version": item.text_version, "links": json.dumps([list(pair) for pair in item.links]),
            "tags": " ".join(item.tags), "read_state": item.read_state, "added_by": user_id, "added_at": now,
            "author": item.author,
        })  # fmt: skip
    if not rows:
        return []
    made = conn.execute(insert(_I).returning(_I.c.id, sort_by_parameter_order=True), rows)
    return [int(r[0]) for r in made]


def items_of(conn: Connection, list_id: int) -> list[ListItem]:
    """Every item of the list in one query, by section then position."""
    rows = conn.execute(select(*ITEM_COLUMNS).where(_I.c.list_id == list_id).order_by(_I.c.position, _I.c.id))
    return [item_of_row(r) for r in rows]


def item_in_list(conn: Connection, list_id: int, item_id: int) -> ListItem | None:
    row = conn.execute(select(*ITEM_COLUMNS).where(_I.c.list_id == list_id, _I.c.id == item_id)).first()
    return None if row is None else item_of_row(row)


def set_item(conn: Connection, item_id: int, **values: object) -> None:
    if "links" in values:
        values["links"] = json.dumps([list(pair) for pair in values["links"]])  # type: ignore[attr-defined]
    if "tags" in values:
        values["tags"] = " ".join(values["tags"])  # type: ignore[arg-type]
    conn.execute(update(_I).where(_I.c.id == item_id).values(**values))


def delete_item(conn: Connection, item_id: int) -> None:
    conn.execute(delete(_I).where(_I.c.id == item_id))


def items_added_between(
    conn: Connection, list_ids: Sequence[int], since: int, until: int
) -> list[tuple[int, ListItem]]:
    """(list id, item) of the items added to these lists in [since, until), oldest first."""
    if not list_ids:
        return []
    rows = conn.execute(
        select(_I.c.list_id, *ITEM_COLUMNS)
        .where(_I.c.list_id.in_(list(list_ids)), _I.c.added_at >= since, _I.c.added_at < until)
        .order_by(_I.c.added_at, _I.c.id)
    )
    return [(int(r[0]), item_of_row(r[1:])) for r in rows]


def lists_holding(conn: Connection, arxiv_id: str) -> list[tuple[PaperOnList, int]]:
    """Every list holding the paper, with the item's verdict, and the list's owner id (the caller filters
    what its reader may see)."""
    L = reading_lists
    rows = conn.execute(
        select(L.c.id, L.c.title, users.c.name, L.c.visibility, _I.c.verdict_html, L.c.owner_user_id)
        .join(L, L.c.id == _I.c.list_id)
        .join(users, users.c.id == L.c.owner_user_id)
        .where(_I.c.arxiv_id == arxiv_id, L.c.digest_of.is_(None))  # a curated digest's picks are not a list's
        .order_by(L.c.updated_at.desc())
        .limit(500)
    )
    return [(PaperOnList(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])), int(r[5])) for r in rows]


def tree(
    sections: list[tuple[int, int | None, str, int]], items: list[ListItem]
) -> tuple[tuple[ListItem, ...], tuple[ListSection, ...]]:
    """The items outside any section, and the section tree with each section's items (pure)."""
    by_section: dict[int | None, list[ListItem]] = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(item)
    children: dict[int, list[ListSection]] = {}
    for sid, parent, title, position in sections:
        if parent is not None:
            children.setdefault(parent, []).append(
                ListSection(sid, parent, title, position, tuple(by_section.get(sid, ())))
            )
    tops = tuple(
        ListSection(sid, None, title, position, tuple(by_section.get(sid, ())), tuple(children.get(sid, ())))
        for sid, parent, title, position in sections
        if parent is None
    )
    return tuple(by_section.get(None, ())), tops


def paper_items_by_person(
    conn: Connection, list_id: int, item_ids: Sequence[int] | None = None
) -> list[tuple[int, str, str, str, int, str]]:
    """(item id, arXiv id, title, verdict source, added at, name of who added it) of the list's paper items
    (of ``item_ids`` only, when given); an item whose adder is gone counts for the list's owner."""
    L = reading_lists
    person = func.coalesce(_I.c.added_by, L.c.owner_user_id)
    query = (
        select(_I.c.id, _I.c.arxiv_id, _I.c.title, _I.c.verdict_source, _I.c.added_at, users.c.name)
        .join(L, L.c.id == _I.c.list_id)
        .join(users, users.c.id == person)
        .where(_I.c.list_id == list_id, _I.c.arxiv_id.is_not(None))
        .order_by(_I.c.id)
    )
    if item_ids is not None:
        query = query.where(_I.c.id.in_(list(item_ids)))
    return [(int(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]), str(r[5])) for r in conn.execute(query)]


def item_ids_of(conn: Connection, list_id: int, section_ids: Sequence[int] | None = None) -> list[int]:
    """The ids of the list's items (of these sections only, when given)."""
    query = select(_I.c.id).where(_I.c.list_id == list_id)
    if section_ids is not None:
        query = query.where(_I.c.section_id.in_(list(section_ids)))
    return [int(r[0]) for r in conn.execute(query)]


def papers_on_lists_of(conn: Connection, user_id: int, limit: int) -> list[tuple[str, str]]:
    """(arXiv id, list title) of the papers on the lists the person owns or edits, newest added first,
    each paper once (its newest list)."""
    L = reading_lists
    edits = select(list_editors.c.list_id).where(list_editors.c.user_id == user_id)
    rows = conn.execute(
        select(_I.c.arxiv_id, L.c.title)
        .join(L, L.c.id == _I.c.list_id)
        .where(_I.c.arxiv_id.is_not(None), (L.c.owner_user_id == user_id) | L.c.id.in_(edits))
        .order_by(_I.c.added_at.desc(), _I.c.id.desc())
        .limit(limit * 4)
    )
    found: dict[str, str] = {}
    for arxiv_id, title in rows:
        found.setdefault(str(arxiv_id), str(title))
    return list(found.items())[:limit]
