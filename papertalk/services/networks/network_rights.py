"""Who may see and change a network, decided once here for every page, API route and command.

A personal network: its owner changes it; others see it only when it is public. A shared network: members
see it, editors also add and remove its accounts, the owner also invites, gives rights and deletes it.
The ``OPERATOR`` (the server's command line) may do everything. The site's own networks are changed only
from the command line.
"""

from __future__ import annotations

from papertalk.core.network_records import EDITOR, OWNER, PERSONAL, SHARED, NetworkRef
from papertalk.core.people_records import User
from papertalk.services.people.permissions import Actor, NotAllowed, Operator


def active_user(actor: Actor, action: str) -> User | None:
    """The acting user (None for the operator); NotAllowed for a disabled one."""
    if isinstance(actor, Operator):
        return None
    if actor.disabled:
        raise NotAllowed(f"{action}: this account is disabled")
    return actor


def require_edit(actor: Actor, network: NetworkRef, role: str | None, action: str) -> None:
    """Change the accounts of ``network``: its owner, or an editor of a shared one."""
    user = active_user(actor, action)
    if user is None:
        return
    if network.kind == PERSONAL and network.owner_user_id == user.id:
        return
    if network.kind == SHARED and role in (EDITOR, OWNER):
        return
    who = "its owner" if network.kind == PERSONAL else "its editors"
    raise NotAllowed(f"{action}: only {who} may change network {network.name!r}")


def require_owner(actor: Actor, network: NetworkRef, role: str | None, action: str) -> None:
    """Invite, give rights, delete: the owner of a shared network only."""
    user = active_user(actor, action)
    if user is None:
        return
    if network.kind == SHARED and role == OWNER:
        return
    raise NotAllowed(f"{action}: only the owner of network {network.name!r} may do this")
