"""Personal API tokens: made and revoked by their owner, shown once, stored as a SHA-256, scope read or write.

A token reads ``pt_`` and 43 random characters; the first 11 (``pt_`` and 8 more) are kept in clear so the
settings page can tell tokens apart. ``last_used_at`` is written at most once a minute per token, so an API
read stays a read.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from papertalk.core.people_records import ApiToken, User
from papertalk.services.people.form_problems import FormProblem, check
from papertalk.services.people.permissions import Actor, require_self
from papertalk.services.people.tokens import new_token, token_hash
from papertalk.storage.engine import Engine
from papertalk.storage.people import token_rows

PREFIX = "pt_"
SHOWN_CHARS = 11
SCOPES = ("read", "write")
LABEL_MAX = 64
USED_EVERY_SECONDS = 60


@dataclass(frozen=True, slots=True)
class NewToken:
    token: ApiToken
    secret: str  # shown to its owner once, never stored


@dataclass(frozen=True, slots=True)
class Bearer:
    """Who an API request's bearer token signs in, and what the token allows."""

    user: User
    token: ApiToken

    @property
    def may_write(self) -> bool:
        return self.token.scope == "write"


def label_problem(label: str) -> str | None:
    if not label.strip():
        return "label: give the token a name, such as the script that uses it"
    if len(label) > LABEL_MAX:
        return f"label: at most {LABEL_MAX} characters"
    if any(unicodedata.category(c) == "Cc" for c in label):
        return "label: must not contain control characters (NUL, tab, line breaks)"
    return None


def create_token(engine: Engine, actor: Actor, user_id: int, label: str, scope: str, now: int) -> NewToken:
    require_self(actor, user_id, "make an API token")
    check(label_problem(label), None if scope in SCOPES else "scope: choose read or write")
    secret = PREFIX + new_token()
    with engine.begin() as conn:
        made = token_rows.add_token(conn, user_id, token_hash(secret), secret[:SHOWN_CHARS], label.strip(), scope, now)
    return NewToken(made, secret)


def tokens_of(engine: Engine, actor: Actor, user_id: int) -> list[ApiToken]:
    require_self(actor, user_id, "list API tokens")
    with engine.connect() as conn:
        return token_rows.tokens_of(conn, user_id)


def revoke_token(engine: Engine, actor: Actor, user_id: int, token_id: int, now: int) -> None:
    """Revoke one of one's own live tokens; another person's token, or none, is a FormProblem (and untouched)."""
    require_self(actor, user_id, "revoke an API token")
    with engine.begin() as conn:
        if not token_rows.revoke(conn, token_id, user_id, now):
            raise FormProblem("token: no live token of yours has this number")


def bearer_of(engine: Engine, secret: str, now: int) -> Bearer | None:
    """The user and token behind an ``Authorization: Bearer`` secret, if it is live."""
    if not secret.startswith(PREFIX):
        return None
    with engine.connect() as conn:
        found = token_rows.live_token_user(conn, token_hash(secret))
    if found is None:
        return None
    token, user = found
    if token.last_used_at is None or now - token.last_used_at >= USED_EVERY_SECONDS:
        with engine.begin() as conn:
            token_rows.mark_used(conn, token.id, now)
    return Bearer(user, token)
