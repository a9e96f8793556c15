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


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A personal API token as its owner sees it: never the token itself, only its first characters."""

    id: int
    user_id: int
    prefix: str
    label: str
    scope: str  # "read" or "write"
    created_at: int
    last_used_at: int | None
    revoked_at: int | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One admin action: when, who did it, what, and to whom or what."""

    at: int
    actor: str
    action: str
    target: str


@dataclass(frozen=True, slots=True)
class Invitation:
    """An invitation as the admin page lists it (never its token)."""

    id: int
    created_by: str | None
    created_at: int
    expires_at: int
    used_at: int | None
    used_by: str | None
    revoked_at: int | None
