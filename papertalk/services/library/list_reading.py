"""Reading lists as a reader may see them: one list whole (in a fixed number of queries), a person's lists,
the public ones, the followed ones, the lists a paper is on, and the new items of followed lists (which the
digests read)."""

from __future__ import annotations

from papertalk.core.list_records import PUBLIC, ListItem, ListRef, ListView, PaperOnList
from papertalk.core.people_records import User
from papertalk.core.records import Paper
from papertalk.services.library.list_access import may_edit, readable, signed_in
from papertalk.services.people.permissions import Actor
from papertalk.storage.catalogue.paper_rows import papers_by_arxiv_id
from papertalk.storage.engine import Engine
from papertalk.storage.library import list_content_rows, list_rows

PUBLIC_SHOWN = 100


def list_view(engine: Engine, reader: Actor | None, list_id: int) -> ListView:
    """The whole list; ListNotFound when the reader may not see it."""
    with engine.connect() as conn:
        ref = readable(conn, reader, list_id)
        loose, sections = list_content_rows.tree(
            list_content_rows.sections_of(conn, list_id), list_content_rows.items_of(conn, list_id)
        )
        user_id = reader.id if isinstance(reader, User) else None
        return ListView(
            ref,
            loose,
            sections,
            tuple(list_rows.editor_names(conn, list_id)),
            may_edit(conn, reader, ref),
            list_rows.follower_count(conn, list_id),
            user_id is not None and list_rows.is_following(conn, user_id, list_id),
        )


def my_lists(engine: Engine, reader: User | None) -> list[ListRef]:
    if reader is None:
        return []
    with engine.connect() as conn:
        return list_rows.lists_of_user(conn, reader.id)


def public_lists(engine: Engine) -> list[ListRef]:
    with engine.connect() as conn:
        return list_rows.public_lists(conn, PUBLIC_SHOWN)


def followed(engine: Engine, reader: User | None) -> list[ListRef]:
    if reader is None:
        return []
    with engine.connect() as conn:
        return list_rows.followed_lists(conn, reader.id)


def set_follow(engine: Engine, actor: Actor, list_id: int, follow: bool, now: int) -> bool:
    """Follow (or stop following) a list the person may read; a private list can only be followed by its
    own people. True when something changed."""
    user = signed_in(actor, "follow a list")
    with engine.begin() as conn:
        readable(conn, user, list_id)
        return list_rows.follow(conn, user.id, list_id, now) if follow else list_rows.unfollow(conn, user.id, list_id)


def lists_holding_paper(engine: Engine, reader: User | None, arxiv_id: str) -> list[PaperOnList]:
    """The public lists holding the paper, and the reader's own (or edited) lists of any visibility; an
    unlisted list of someone else's is not named (its address is its secret)."""
    with engine.connect() as conn:
        mine = {ref.id for ref in list_rows.lists_of_user(conn, reader.id)} if reader is not None else set()
        found: dict[int, PaperOnList] = {}
        for entry, _owner in list_content_rows.lists_holding(conn, arxiv_id):
            if entry.list_id in found:
                continue
            if entry.list_id in mine:
                found[entry.list_id] = PaperOnList(
                    entry.list_id, entry.title, entry.owner_name, entry.visibility, entry.verdict_html, True
                )
            elif entry.visibility == PUBLIC:
                found[entry.list_id] = entry
        return list(found.values())


def new_items_of_followed_lists(engine: Engine, user_id: int, since: int, until: int) -> list[tuple[ListRef, ListItem]]:
    """Items added in [since, until) to the lists the person follows and may still read (for the digest)."""
    with engine.connect() as conn:
        refs = {ref.id: ref for ref in list_rows.followed_lists(conn, user_id)}
        return [
            (refs[lid], item) for lid, item in list_content_rows.items_added_between(conn, list(refs), since, until)
        ]


def papers_of(engine: Engine, arxiv_ids: list[str]) -> dict[str, Paper]:
    """The catalogue's papers of a list's items (for its BibTeX export)."""
    with engine.connect() as conn:
        return papers_by_arxiv_id(conn, list(dict.fromkeys(arxiv_ids)))


def papers_on_my_lists(engine: Engine, reader: User, limit: int) -> list[tuple[str, str]]:
    """(arXiv id, list title) of the papers on the person's own and edited lists, newest first (For you's seeds)."""
    with engine.connect() as conn:
        return list_content_rows.papers_on_lists_of(conn, reader.id, limit)
