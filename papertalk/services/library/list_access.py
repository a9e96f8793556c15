"""Who may read and who may change a list, checked here (the service), never in a template.

A private list is its owner's and editors' only: to anyone else it does not exist (the same "no such
list" as an unknown id, so its existence does not leak). Unlisted: readable by its address. Public: also
listed, followed, fed and counted. Editors change contents and the description; only the owner changes
visibility and editors, or deletes the list.
"""

from __future__ import annotations

from papertalk.core.list_records import PRIVATE, ListRef
from papertalk.core.people_records import User
from papertalk.services.people.permissions import Actor, NotAllowed, Operator
from papertalk.storage.engine import Connection
from papertalk.storage.library import list_rows


class ListNotFound(LookupError):
    """No list with this id that the reader may see."""


def _active(actor: Actor | None) -> User | None:
    return actor if isinstance(actor, User) and not actor.disabled else None


def readable(conn: Connection, actor: Actor | None, list_id: int) -> ListRef:
    found = list_rows.list_ref(conn, list_id)
    if found is None or (found.visibility == PRIVATE and not _may_edit(conn, actor, found)):
        raise ListNotFound(f"list: no list {list_id} that you may see")
    return found


def _may_edit(conn: Connection, actor: Actor | None, ref: ListRef) -> bool:
    if isinstance(actor, Operator):
        return True
    user = _active(actor)
    return user is not None and (user.id == ref.owner_user_id or list_rows.is_editor(conn, ref.id, user.id))


def may_edit(conn: Connection, actor: Actor | None, ref: ListRef) -> bool:
    return _may_edit(conn, actor, ref)


def editable(conn: Connection, actor: Actor | None, list_id: int) -> ListRef:
    """The list, when the actor may change its contents; NotAllowed when they may only read it."""
    ref = readable(conn, actor, list_id)
    if not _may_edit(conn, actor, ref):
        raise NotAllowed("list: only its owner and editors may change this list")
    return ref


def owned(conn: Connection, actor: Actor | None, list_id: int) -> ListRef:
    ref = editable(conn, actor, list_id)
    user = _active(actor)
    if not isinstance(actor, Operator) and (user is None or user.id != ref.owner_user_id):
        raise NotAllowed("list: only its owner may change who edits it, its visibility, or delete it")
    return ref


def signed_in(actor: Actor | None, action: str) -> User:
    user = _active(actor)
    if user is None:
        raise NotAllowed(f"{action}: sign in first")
    return user
