"""What an admin does on the admin page and at the command line, each action checked here and audited.

Users: disable (their sessions and API tokens end at once), enable, make or unmake admin; the last
enabled admin can be neither disabled nor unmade, so an instance always keeps someone who can administer
it. Invitations: make, list and revoke. The registration setting.
"""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.config import REGISTRATION_MODES, PeopleSettings
from papertalk.core.people_records import AuditEntry, Invitation, User
from papertalk.services.people import audit, invitations
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import Actor, require_admin
from papertalk.services.people.registration import registration_mode, store_mode
from papertalk.services.people.user_accounts import find_user
from papertalk.storage.engine import Connection, Engine
from papertalk.storage.people import invitation_rows, session_rows, token_rows, user_rows

SHOWN_INVITATIONS = 100
LAST_ADMIN = "user: the last admin cannot be disabled or unmade; make someone else admin first"


@dataclass(frozen=True, slots=True)
class AdminOverview:
    users: list[User]
    invitations: list[Invitation]
    registration: str  # in force
    registration_default: str  # PAPERTALK_REGISTRATION, what applies until an admin sets one
    audit: list[AuditEntry]


def overview(engine: Engine, people: PeopleSettings, actor: Actor) -> AdminOverview:
    require_admin(actor, "open the admin page")
    with engine.connect() as conn:
        return AdminOverview(
            user_rows.list_users(conn),
            invitation_rows.list_invitations(conn, SHOWN_INVITATIONS),
            registration_mode(conn, people),
            people.registration,
            audit.entries(conn),
        )


def _keeps_an_admin(conn: Connection, user: User) -> None:
    if user.is_admin and not user.disabled and user_rows.count_admins(conn) <= 1:
        raise FormProblem(LAST_ADMIN)


def set_disabled(engine: Engine, actor: Actor, name: str, disabled: bool, now: int) -> User:
    """Disable (or enable) a user; a disabled user's sessions and API tokens end at once."""
    require_admin(actor, "disable a user")
    with engine.begin() as conn:
        user = find_user(conn, name)
        if disabled:
            _keeps_an_admin(conn, user)
            session_rows.revoke_all(conn, user.id, now)
            token_rows.revoke_all(conn, user.id, now)
        user_rows.set_disabled(conn, user.id, disabled)
        audit.record(conn, actor, "disable" if disabled else "enable", user.name, now)
        return user


def set_admin(engine: Engine, actor: Actor, name: str, make_admin: bool, now: int) -> User:
    require_admin(actor, "make someone admin")
    with engine.begin() as conn:
        user = find_user(conn, name)
        if not make_admin:
            _keeps_an_admin(conn, user)
        user_rows.set_admin(conn, user.id, make_admin)
        audit.record(conn, actor, "make admin" if make_admin else "unmake admin", user.name, now)
        return user


def invite(engine: Engine, people: PeopleSettings, actor: Actor, now: int) -> str:
    """An invitation made on the admin page (admins only, whatever the registration mode); its link."""
    require_admin(actor, "invite from the admin page")
    return invitations.invite(engine, people, actor, now)


def revoke_invitation(engine: Engine, actor: Actor, invitation_id: int, now: int) -> None:
    require_admin(actor, "revoke an invitation")
    with engine.begin() as conn:
        if not invitation_rows.revoke_invitation(conn, invitation_id, now):
            raise FormProblem("invitation: no unused invitation has this number")
        audit.record(conn, actor, "revoke invitation", f"invitation {invitation_id}", now)


def set_registration(engine: Engine, actor: Actor, mode: str, now: int) -> None:
    require_admin(actor, "change the registration setting")
    if mode not in REGISTRATION_MODES:
        raise FormProblem(f"registration: choose one of {', '.join(REGISTRATION_MODES)}")
    with engine.begin() as conn:
        store_mode(conn, mode)
        audit.record(conn, actor, "registration", mode, now)
