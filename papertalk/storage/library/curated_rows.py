"""Rows of curated digests: ``reading_lists`` rows with a ``digest_of`` and a ``digest_day`` (one a day per
stream, held by partial unique indexes), their items replaced whole on each save, and reads by stream
and day or by stream, newest first (the feeds)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, delete, false, insert, or_, select
from sqlalchemy.exc import IntegrityError

from papertalk.core.curated_records import EVERYONE, NETWORK, PERSON, CuratedDigest, CuratedKey, CuratedPick
from papertalk.core.list_records import PRIVATE
from papertalk.storage.library.list_content_rows import NewItem, insert_items, items_of
from papertalk.storage.tables import list_items, networks, reading_lists, users

_L = reading_lists


def _is(key: CuratedKey) -> ColumnElement[bool]:
    match key.kind:
        case "person":
            return and_(_L.c.digest_of == PERSON, _L.c.owner_user_id == key.scope)
        case "network":
            return and_(_L.c.digest_of == NETWORK, _L.c.network_id == key.scope)
        case _:
            return _L.c.digest_of == EVERYONE


def insert_curated(conn: Connection, key: CuratedKey, day: str, owner_user_id: int, title: str,
                   intro: tuple[str, str, int], published_at: int | None, now: int) -> int | None:  # fmt: skip
    """The new digest's id; None when the stream has one for the day already (another editor's, just made:
    the unique index refused this one, in a savepoint so the caller's transaction goes on)."""
    source, html, text_version = intro
    try:
        with conn.begin_nested():
            made = _insert(conn, key, day, owner_user_id, title, (source, html, text_version), published_at, now)
    except IntegrityError:
        return None
    return made


def _insert(conn: Connection, key: CuratedKey, day: str, owner_user_id: int, title: str,
            intro: tuple[str, str, int], published_at: int | None, now: int) -> int:  # fmt: skip
    source, html, text_version = intro
    made = conn.execute(
        insert(_L)
        .values(owner_user_id=owner_user_id, title=title, description_source=source, description_html=html,
                text_version=text_version, visibility=PRIVATE, version=1, created_at=now, updated_at=now,
                digest_day=day, digest_of=key.kind, published_at=published_at,
                network_id=key.scope if key.kind == NETWORK else None)
        .returning(_L.c.id)
    )  # fmt: skip
    return int(made.scalar_one())


def replace_items(conn: Connection, list_id: int, items: Sequence[NewItem], user_id: int, now: int) -> None:
    conn.execute(delete(list_items).where(list_items.c.list_id == list_id))
    insert_items(conn, list_id, items, user_id, now)


def _digests(conn: Connection, where: ColumnElement[bool], limit: int) -> list[CuratedDigest]:
    rows = conn.execute(
        select(_L.c.id, _L.c.digest_of, _L.c.owner_user_id, _L.c.network_id, _L.c.digest_day, _L.c.title,
               users.c.name, networks.c.name, _L.c.description_source, _L.c.description_html, _L.c.published_at,
               _L.c.version)
        .join(users, users.c.id == _L.c.owner_user_id)
        .outerjoin(networks, networks.c.id == _L.c.network_id)
        .where(where)
        .order_by(_L.c.digest_day.desc(), _L.c.id)
        .limit(limit)
    )  # fmt: skip
    return [_with_contents(conn, row) for row in rows]


def _with_contents(conn: Connection, row: Any) -> CuratedDigest:
    kind = str(row[1])
    scope = int(row[2]) if kind == PERSON else int(row[3] or 0) if kind == NETWORK else 0
    items = items_of(conn, int(row[0]))
    picks = tuple(CuratedPick(i, None) for i in items if i.arxiv_id)  # the service adds the catalogue's papers
    return CuratedDigest(
        int(row[0]), CuratedKey(kind, scope), str(row[4]), str(row[5]), str(row[6]), row[7], str(row[8]),
        str(row[9]), None if row[10] is None else int(row[10]), int(row[11]), picks,
        tuple(i for i in items if not i.arxiv_id),
    )  # fmt: skip


def curated_of_day(conn: Connection, keys: Sequence[CuratedKey], day: str) -> list[CuratedDigest]:
    """The curated digests of ``day`` of these streams, drafts too (the caller decides who sees what)."""
    if not keys:
        return []
    return _digests(conn, and_(_L.c.digest_day == day, or_(false(), *(_is(k) for k in keys))), len(keys))


def published_of(conn: Connection, key: CuratedKey, now: int, limit: int) -> list[CuratedDigest]:
    """The stream's curated digests published by ``now``, the newest day first."""
    where = and_(_is(key), _L.c.published_at.is_not(None), _L.c.published_at <= now)
    return _digests(conn, where, limit)
