"""Rows of ``users``: add, find by name key or id, list, disable, change the password hash, delete."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from papertalk.core.people_records import Credentials, User
from papertalk.storage.tables import users

USER_COLUMNS = (users.c.id, users.c.name, users.c.email, users.c.is_admin, users.c.disabled, users.c.created_at)


class NameTaken(ValueError):
    """Another user has a name with the same key."""


def user_of_row(row: Any) -> User:
    return User(int(row.id), row.name, row.email, bool(row.is_admin), bool(row.disabled), int(row.created_at))


def add_user(conn: Connection, name: str, key: str, email: str, password_hash: str, is_admin: bool, now: int) -> User:
    """Insert a user; NameTaken when the key is someone's already (the unique index decides, across processes)."""
    values = {"name": name, "name_key": key, "email": email, "password_hash": password_hash}
    try:
        with conn.begin_nested():
            new_id = conn.execute(
                insert(users).values(**values, is_admin=is_admin, disabled=False, created_at=now).returning(users.c.id)
            ).scalar_one()
    except IntegrityError:
        raise NameTaken(f"name: {name!r} is taken") from None
    return User(int(new_id), name, email, is_admin, False, now)


def credentials_by_key(conn: Connection, key: str) -> Credentials | None:
    row = conn.execute(select(*USER_COLUMNS, users.c.password_hash).where(users.c.name_key == key)).first()
    return None if row is None else Credentials(user_of_row(row), row.password_hash)


def credentials_by_id(conn: Connection, user_id: int) -> Credentials | None:
    row = conn.execute(select(*USER_COLUMNS, users.c.password_hash).where(users.c.id == user_id)).first()
    return None if row is None else Credentials(user_of_row(row), row.password_hash)


def user_by_key(conn: Connection, key: str) -> User | None:
    row = conn.execute(select(*USER_COLUMNS).where(users.c.name_key == key)).first()
    return None if row is None else user_of_row(row)


def list_users(conn: Connection) -> list[User]:
    return [user_of_row(r) for r in conn.execute(select(*USER_COLUMNS).order_by(users.c.name_key))]


def count_admins(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).where(users.c.is_admin, ~users.c.disabled)).scalar_one())


def set_disabled(conn: Connection, user_id: int, disabled: bool) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(disabled=disabled))


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def delete_user(conn: Connection, user_id: int) -> None:
    """Delete a user; their sessions go with them (ON DELETE CASCADE), invitations keep no link to them."""
    conn.execute(delete(users).where(users.c.id == user_id))


def set_admin(conn: Connection, user_id: int, is_admin: bool) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(is_admin=is_admin))
