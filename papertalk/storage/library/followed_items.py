"""The items added over a span of time to the public lists a person follows, for their digest: each with
its list's title and owner, read in one query."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, and_, select

from papertalk.core.list_records import PUBLIC, ListItem
from papertalk.storage.library.list_content_rows import ITEM_COLUMNS, item_of_row
from papertalk.storage.tables import list_follows, list_items, reading_lists, users


@dataclass(frozen=True, slots=True)
class FollowedItem:
    list_id: int
    list_title: str
    owner_name: str
    item: ListItem


def followed_items_added(conn: Connection, user_id: int, since: int, until: int, limit: int) -> list[FollowedItem]:
    """Items added in [since, until) to the lists ``user_id`` follows, oldest first: only lists public now
    (one made private or unlisted drops out of every day, past ones too), only items added once they followed
    it (following a list later does not change a past day), never a curated digest (it has its own place)."""
    L = reading_lists
    rows = conn.execute(
        select(L.c.id, L.c.title, users.c.name, *ITEM_COLUMNS)
        .select_from(list_follows)
        .join(L, and_(L.c.id == list_follows.c.list_id, L.c.visibility == PUBLIC, L.c.digest_day.is_(None)))
        .join(users, users.c.id == L.c.owner_user_id)
        .join(list_items, list_items.c.list_id == L.c.id)
        .where(
            list_follows.c.user_id == user_id,
            list_items.c.added_at >= since,
            list_items.c.added_at < until,
            list_items.c.added_at >= list_follows.c.followed_at,
        )
        .order_by(list_items.c.added_at, list_items.c.id)
        .limit(limit)
    )
    return [FollowedItem(int(r[0]), str(r[1]), str(r[2]), item_of_row(r[3:])) for r in rows]
