"""Who may do what: every people write names its actor, and these checks run in the service, not a template.

The actor is a signed-in ``User`` or the ``OPERATOR``: someone at the server's command line, who can read
the database anyway and so may do what an admin may.
"""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.core.people_records import User


@dataclass(frozen=True, slots=True)
class Operator:
    """The person running ``papertalk`` commands on the server."""


OPERATOR = Operator()
Actor = User | Operator


class NotAllowed(PermissionError):
    """The actor may not do this; the message says what was refused."""


def is_admin(actor: Actor) -> bool:
    return isinstance(actor, Operator) or (actor.is_admin and not actor.disabled)


def require_admin(actor: Actor, action: str) -> None:
    if not is_admin(actor):
        raise NotAllowed(f"{action}: only an admin may do this")


def require_self(actor: Actor, user_id: int, action: str) -> None:
    """Only the person themselves (an admin acts on others through admin actions, not as them)."""
    if not isinstance(actor, User) or actor.id != user_id or actor.disabled:
        raise NotAllowed(f"{action}: only the account's owner may do this")
