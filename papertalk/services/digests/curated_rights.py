"""Who may compose which curated digest, decided here for every page, API route and command: a person
their own; the owner and editors of a shared network its digest; the site's admins everyone's. A draft
(or one published later) is seen by exactly those who may compose it; a network that the actor may not
edit is refused in the same words whether it exists or not."""

from __future__ import annotations

from papertalk.core.curated_records import EVERYONE, NETWORK, PERSON, CuratedKey
from papertalk.core.network_records import EDITOR, OWNER, SHARED
from papertalk.core.people_records import User
from papertalk.services.people.permissions import Actor, NotAllowed
from papertalk.storage.engine import Connection
from papertalk.storage.networks import member_rows, network_rows
from papertalk.storage.networks.visible_networks import networks_of

OWN = "own"


def composer(actor: Actor | None) -> User:
    if not isinstance(actor, User) or actor.disabled:
        raise NotAllowed("compose a digest: sign in first")
    return actor


def key_for(conn: Connection, actor: Actor | None, stream: str) -> CuratedKey:
    """The stream a composer names (``own``, ``everyone`` or a shared network's name), if they may compose it."""
    user = composer(actor)
    stream = stream.strip()
    if stream in ("", OWN):
        return CuratedKey(PERSON, user.id)
    if stream == EVERYONE:
        if not user.is_admin:
            raise NotAllowed("stream: only the site's admins compose everyone's digest")
        return CuratedKey(EVERYONE, 0)
    network = network_rows.network_by_name(conn, stream)
    if network is None or not _edits(conn, user, network.id):
        raise NotAllowed(f"stream: no shared network named {stream[:80]!r} that you edit")
    return CuratedKey(NETWORK, network.id)


def _edits(conn: Connection, user: User, network_id: int) -> bool:
    network = network_rows.network_by_id(conn, network_id)
    role = member_rows.role_of(conn, network_id, user.id)
    return network is not None and network.kind == SHARED and role in (EDITOR, OWNER)


def may_compose(conn: Connection, actor: Actor | None, key: CuratedKey) -> bool:
    if not isinstance(actor, User) or actor.disabled:
        return False
    if key.kind == PERSON:
        return key.scope == actor.id
    if key.kind == NETWORK:
        return _edits(conn, actor, key.scope)
    return actor.is_admin


def streams_composed_by(conn: Connection, user: User) -> list[tuple[str, str]]:
    """(value, label) of the streams ``user`` may compose: their own, the shared networks they edit, everyone's."""
    choices = [(OWN, "My digest")]
    for network in networks_of(conn, user.id):
        if network.kind == SHARED and network.role in (EDITOR, OWNER):
            choices.append((network.name, f"Network {network.name}"))
    if user.is_admin:
        choices.append((EVERYONE, "Everyone's digest (admins)"))
    return choices
