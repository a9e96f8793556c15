"""Users as use cases: add one, list them, disable one, change a password, delete an account."""

from __future__ import annotations

from papertalk.core.people_records import User
from papertalk.core.people_rules import (
    display_name,
    email_problem,
    name_key,
    name_problem,
    normalize_email,
    password_problem,
)
from papertalk.services.people.form_problems import FormProblem, check
from papertalk.services.people.passwords import hash_password, verify_password
from papertalk.services.people.permissions import Actor, require_admin, require_self
from papertalk.storage.engine import Connection, Engine
from papertalk.storage.people import session_rows, user_rows


class UnknownUser(LookupError):
    """No user has this name."""


def new_user_problem(name: str, email: str, password: str) -> None:
    """Raise the first FormProblem of a would-be user's fields."""
    check(name_problem(name), email_problem(email), password_problem(password, name, email))


def create_user(conn: Connection, name: str, email: str, password: str, is_admin: bool, now: int) -> User:
    """Insert a user whose fields were checked, in the caller's transaction."""
    new_user_problem(name, email, password)
    try:
        key, hashed = name_key(name.strip()), hash_password(password)
        return user_rows.add_user(conn, display_name(name), key, normalize_email(email), hashed, is_admin, now)
    except user_rows.NameTaken as taken:
        raise FormProblem(str(taken)) from None


def add_user(engine: Engine, actor: Actor, name: str, email: str, password: str, is_admin: bool, now: int) -> User:
    require_admin(actor, "add a user")
    with engine.begin() as conn:
        return create_user(conn, name, email, password, is_admin, now)


def list_users(engine: Engine, actor: Actor) -> list[User]:
    require_admin(actor, "list users")
    with engine.connect() as conn:
        return user_rows.list_users(conn)


def find_user(conn: Connection, name: str) -> User:
    # A NUL names nobody, and PostgreSQL refuses it in a text parameter (a 500 the fuzzer found on a feed)
    found = None if "\x00" in name else user_rows.user_by_key(conn, name_key(name.strip()))
    if found is None:
        raise UnknownUser(f"no user named {name[:64]!r}")
    return found


def change_password(engine: Engine, actor: Actor, user_id: int, current: str, new: str, keep_session_hash: str | None,
                    now: int) -> None:  # fmt: skip
    """Change one's own password, knowing the current one; every other session of the user ends."""
    require_self(actor, user_id, "change the password")
    assert isinstance(actor, User)
    with engine.connect() as conn:
        found = user_rows.credentials_by_id(conn, user_id)
    if found is None or not verify_password(found.password_hash, current)[0]:
        raise FormProblem("current_password: not your current password")
    check(password_problem(new, actor.name, actor.email))
    if new == current:
        raise FormProblem("new_password: the same as the current one")
    with engine.begin() as conn:
        user_rows.set_password_hash(conn, user_id, hash_password(new))
        session_rows.revoke_all(conn, user_id, now, keep_session_hash)


def delete_account(engine: Engine, actor: Actor, user_id: int, typed_name: str) -> None:
    """Delete one's own account and what belongs to it, once its name is typed as confirmation."""
    require_self(actor, user_id, "delete the account")
    assert isinstance(actor, User)
    if name_key(typed_name.strip()) != name_key(actor.name):
        raise FormProblem("confirm_name: type your user name exactly to delete your account")
    with engine.begin() as conn:
        user_rows.delete_user(conn, user_id)
