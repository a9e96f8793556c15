"""Invitations and sign-up: single-use links that expire, and who may sign up under each registration mode.

``closed`` (the default): only admins invite, and only with an invitation may one sign up. ``invite``: every
user may invite. ``open``: anyone may sign up, with or without an invitation.
"""

from __future__ import annotations

from papertalk.config import PeopleSettings
from papertalk.core.people_records import User
from papertalk.services.people import audit
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import Actor, NotAllowed, Operator, is_admin, require_admin
from papertalk.services.people.registration import in_force
from papertalk.services.people.tokens import new_token, token_hash
from papertalk.services.people.user_accounts import create_user, new_user_problem
from papertalk.storage.engine import Engine
from papertalk.storage.people import invitation_rows

INVITATION_DAYS = 7
BAD_INVITATION = "invite: this invitation link is unknown, used or expired; ask for a new one"


def invitation_link(people: PeopleSettings, token: str) -> str:
    return f"{people.public_base_url}/signup?invite={token}"


def invite(engine: Engine, people: PeopleSettings, actor: Actor, now: int) -> str:
    """A new invitation; returns its link (the token is shown once and stored hashed). An admin's is audited."""
    people = in_force(engine, people)
    if people.registration != "invite" or isinstance(actor, Operator):
        require_admin(actor, "invite someone")
    elif actor.disabled:
        raise NotAllowed("invite someone: this account is disabled")
    token = new_token()
    created_by = None if isinstance(actor, Operator) else actor.id
    with engine.begin() as conn:
        invitation_rows.add_invitation(conn, token_hash(token), created_by, now, now + INVITATION_DAYS * 86_400)
        if is_admin(actor):
            audit.record(conn, actor, "invite", "a new invitation", now)
    return invitation_link(people, token)


def invitation_is_open(engine: Engine, token: str, now: int) -> bool:
    with engine.connect() as conn:
        return invitation_rows.invitation_is_open(conn, token_hash(token), now)


def may_sign_up(people: PeopleSettings, invitation: str | None) -> bool:
    """Whether the sign-up form is offered at all (the invitation itself is checked on submit); ``people``
    with the registration in force (registration.in_force)."""
    return people.registration == "open" or bool(invitation)


def sign_up(engine: Engine, people: PeopleSettings, name: str, email: str, password: str, invitation: str | None,
            now: int) -> User:  # fmt: skip
    """A new user, using the invitation up when one is needed; nothing is saved when any field is refused."""
    people = in_force(engine, people)
    if not may_sign_up(people, invitation):
        raise FormProblem("invite: sign-up needs an invitation on this site; ask an admin for one")
    new_user_problem(name, email, password)  # before the invitation is used up
    with engine.begin() as conn:
        used = None
        if people.registration != "open" or invitation:
            used = invitation_rows.use_invitation(conn, token_hash(invitation or ""), now)
            if used is None:
                raise FormProblem(BAD_INVITATION)
        user = create_user(conn, name, email, password, is_admin=False, now=now)
        if used is not None:
            invitation_rows.mark_used_by(conn, used, user.id)
        return user
