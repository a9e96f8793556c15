"""Rows of ``reading_lists`` and what hangs off a list as a whole: its editors, its version and change log,
its followers, and which lists a reader may see."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, delete, exists, func, insert, or_, select, update

from papertalk.core.list_records import PUBLIC, Change, ListRef
from papertalk.storage.tables import list_changes, list_editors, list_follows, reading_lists, users

_L = reading_lists
_COLUMNS = (
    _L.c.id,
    _L.c.owner_user_id,
    users.c.name,
    _L.c.title,
    _L.c.description_source,
    _L.c.description_html,
    _L.c.visibility,
    _L.c.version,
    _L.c.created_at,
    _L.c.updated_at,
    _L.c.digest_day,
    _L.c.network_id,
    _L.c.published_at,
)


def _ref(row: Any) -> ListRef:
    return ListRef(
        int(row[0]),
        int(row[1]),
        str(row[2]),
        str(row[3]),
        str(row[4]),
        str(row[5]),
        str(row[6]),
        int(row[7]),
        int(row[8]),
        int(row[9]),
        row[10],
        None if row[11] is None else int(row[11]),
        None if row[12] is None else int(row[12]),
    )


def _select() -> Any:
    return select(*_COLUMNS).join(users, users.c.id == _L.c.owner_user_id)


def insert_list(
    conn: Connection,
    owner_user_id: int,
    title: str,
    description: tuple[str, str, int],
    visibility: str,
    now: int,
    digest_day: str | None = None,
    network_id: int | None = None,
) -> int:
    source, html, version = description
    made = conn.execute(
        insert(_L)
        .values(
            owner_user_id=owner_user_id,
            title=title,
            description_source=source,
            description_html=html,
            text_version=version,
            visibility=visibility,
            version=1,
            created_at=now,
            updated_at=now,
            digest_day=digest_day,
            network_id=network_id,
        )
        .returning(_L.c.id)
    )
    return int(made.scalar_one())


def list_ref(conn: Connection, list_id: int) -> ListRef | None:
    """The list; None for a curated digest too (a list with a date, changed only through its own pages)."""
    row = conn.execute(_select().where(_L.c.id == list_id, _L.c.digest_of.is_(None))).first()
    return None if row is None else _ref(row)


def set_fields(conn: Connection, list_id: int, **values: object) -> None:
    conn.execute(update(_L).where(_L.c.id == list_id).values(**values))


def delete_list(conn: Connection, list_id: int) -> None:
    conn.execute(delete(_L).where(_L.c.id == list_id))


def bump_version(conn: Connection, list_id: int, expected: int, user_id: int | None, now: int, what: str) -> bool:
    """Move the list from version ``expected`` to the next one and log ``what``; False when the list is no
    longer at ``expected`` (another save came first). The conditional UPDATE is atomic on both backends, and
    its row lock makes a second concurrent save wait, then find the version changed."""
    moved = conn.execute(
        update(_L).where(_L.c.id == list_id, _L.c.version == expected).values(version=expected + 1, updated_at=now)
    )
    if moved.rowcount != 1:
        return False
    conn.execute(
        insert(list_changes).values(list_id=list_id, version=expected + 1, user_id=user_id, at=now, what=what[:300])
    )
    return True


def bump_any(conn: Connection, list_id: int, user_id: int | None, now: int, what: str) -> int:
    """Move the list to its next version whatever it was (an append, which loses nothing of anyone's);
    the new version."""
    conn.execute(update(_L).where(_L.c.id == list_id).values(version=_L.c.version + 1, updated_at=now))
    version = int(conn.execute(select(_L.c.version).where(_L.c.id == list_id)).scalar_one())
    conn.execute(
        insert(list_changes).values(list_id=list_id, version=version, user_id=user_id, at=now, what=what[:300])
    )
    return version


def changes_since(conn: Connection, list_id: int, version: int) -> list[Change]:
    rows = conn.execute(
        select(list_changes.c.version, func.coalesce(users.c.name, "someone"), list_changes.c.at, list_changes.c.what)
        .outerjoin(users, users.c.id == list_changes.c.user_id)
        .where(list_changes.c.list_id == list_id, list_changes.c.version > version)
        .order_by(list_changes.c.version)
        .limit(50)
    )
    return [Change(int(r[0]), str(r[1]), int(r[2]), str(r[3])) for r in rows]


def editor_names(conn: Connection, list_id: int) -> list[str]:
    rows = conn.execute(
        select(users.c.name)
        .join(list_editors, list_editors.c.user_id == users.c.id)
        .where(list_editors.c.list_id == list_id)
        .order_by(users.c.name)
    )
    return [str(r[0]) for r in rows]


def is_editor(conn: Connection, list_id: int, user_id: int) -> bool:
    found = conn.execute(
        select(list_editors.c.user_id).where(list_editors.c.list_id == list_id, list_editors.c.user_id == user_id)
    ).first()
    return found is not None


def add_editor(conn: Connection, list_id: int, user_id: int) -> bool:
    if is_editor(conn, list_id, user_id):
        return False
    conn.execute(insert(list_editors).values(list_id=list_id, user_id=user_id))
    return True


def remove_editor(conn: Connection, list_id: int, user_id: int) -> bool:
    gone = conn.execute(
        delete(list_editors).where(list_editors.c.list_id == list_id, list_editors.c.user_id == user_id)
    )
    return bool(gone.rowcount)


def lists_of_user(conn: Connection, user_id: int) -> list[ListRef]:
    """Lists the person owns or edits, newest change first."""
    edits = exists().where(list_editors.c.list_id == _L.c.id, list_editors.c.user_id == user_id)
    mine = and_(or_(_L.c.owner_user_id == user_id, edits), _L.c.digest_of.is_(None))  # not the curated digests
    rows = conn.execute(_select().where(mine).order_by(_L.c.updated_at.desc()))
    return [_ref(r) for r in rows]


def public_lists(conn: Connection, limit: int) -> list[ListRef]:
    rows = conn.execute(_select().where(_L.c.visibility == PUBLIC).order_by(_L.c.updated_at.desc()).limit(limit))
    return [_ref(r) for r in rows]


def follow(conn: Connection, user_id: int, list_id: int, now: int) -> bool:
    if is_following(conn, user_id, list_id):
        return False
    conn.execute(insert(list_follows).values(user_id=user_id, list_id=list_id, followed_at=now))
    return True


def unfollow(conn: Connection, user_id: int, list_id: int) -> bool:
    gone = conn.execute(
        delete(list_follows).where(list_follows.c.user_id == user_id, list_follows.c.list_id == list_id)
    )
    return bool(gone.rowcount)


def is_following(conn: Connection, user_id: int, list_id: int) -> bool:
    found = conn.execute(
        select(list_follows.c.list_id).where(list_follows.c.user_id == user_id, list_follows.c.list_id == list_id)
    ).first()
    return found is not None


def follower_count(conn: Connection, list_id: int) -> int:
    return int(conn.execute(select(func.count()).where(list_follows.c.list_id == list_id)).scalar_one())


def followed_lists(conn: Connection, user_id: int) -> list[ListRef]:
    """The lists the person follows that are still readable to them: public or unlisted (a list made
    private after being followed drops out, unless they own or edit it)."""
    edits = exists().where(list_editors.c.list_id == _L.c.id, list_editors.c.user_id == user_id)
    rows = conn.execute(
        _select()
        .join(list_follows, and_(list_follows.c.list_id == _L.c.id, list_follows.c.user_id == user_id))
        .where(or_(_L.c.visibility != "private", _L.c.owner_user_id == user_id, edits))
        .order_by(_L.c.updated_at.desc())
    )
    return [_ref(r) for r in rows]
