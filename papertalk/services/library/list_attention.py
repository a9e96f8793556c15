"""A paper on a public list counts as attention: each paper item of a public list is a post of platform
``papertalk`` by the person who added it (services.library.attention, the path summaries take), keyed
``list:<list id>:item:<item id>``. The ingest keeps one vote per person and paper, so the same person's
summary and list item of one paper, or one paper on two of their lists, still make one vote.

Private and unlisted lists never count; making a list private or unlisted, removing an item or a section,
or deleting the list withdraws its posts, and making it public counts them again. The instance turns this
off with ``PAPERTALK_LIBRARY_LISTS_COUNT=0`` (docs/settings.md). Everything runs inside the caller's
transaction: a list and its posts change together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from papertalk.config import Settings
from papertalk.core.list_records import PUBLIC
from papertalk.services.library.attention import OwnPost, count_as_posts, withdraw_many
from papertalk.storage.engine import Connection
from papertalk.storage.library import list_content_rows, list_rows


def post_key(list_id: int, item_id: int) -> str:
    return f"list:{list_id}:item:{item_id}"


def counts(settings: Settings, visibility: str) -> bool:
    return settings.library.lists_count and visibility == PUBLIC


def count_items(conn: Connection, settings: Settings, list_id: int, item_ids: Sequence[int] | None, now: int) -> None:
    """Make the posts of these items (every item of the list when None) count, if the list is public."""
    ref = list_rows.list_ref(conn, list_id)
    if ref is None or not counts(settings, ref.visibility) or (item_ids is not None and not item_ids):
        return
    base = settings.people.public_base_url.rstrip("/")
    made = [
        OwnPost(name, arxiv_id, post_key(list_id, item_id), f"{base}/lists/{list_id}#item-{item_id}",
                f"On the list “{ref.title}”: {title}" + (f" — {verdict}" if verdict else ""), added_at)
        for item_id, arxiv_id, title, verdict, added_at, name
        in list_content_rows.paper_items_by_person(conn, list_id, item_ids)
    ]  # fmt: skip
    if made:
        count_as_posts(conn, settings.ranking, made, now)


def withdraw_items(
    conn: Connection, settings: Settings, list_id: int, item_ids: Sequence[int] | None, now: int
) -> None:
    """These items' posts (every item's of the list when None) stop counting; call before deleting them."""
    ids = list_content_rows.item_ids_of(conn, list_id) if item_ids is None else list(item_ids)
    withdraw_many(conn, settings.ranking, [post_key(list_id, i) for i in ids], now)


def sync_list(conn: Connection, settings: Settings, list_id: int, now: int) -> None:
    """The whole list's posts count exactly while it should (after its visibility changed)."""
    ref = list_rows.list_ref(conn, list_id)
    if ref is not None and counts(settings, ref.visibility):
        count_items(conn, settings, list_id, None, now)
    else:
        withdraw_items(conn, settings, list_id, None, now)
