"""The records of people who sign in: a user as the rest of papertalk sees it (never their password hash)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    email: str
    is_admin: bool
    disabled: bool
    created_at: int


@dataclass(frozen=True, slots=True)
class Credentials:
    """A user with their stored argon2id hash, read only to check a password."""

    user: User
    password_hash: str
