"""A person's private digest feed: an address with a random token (only its SHA-256 is stored), made or
replaced by its owner; the old address stops working the moment a new one is made."""

from __future__ import annotations

from papertalk.core.people_records import User
from papertalk.services.people.permissions import Actor, require_self
from papertalk.services.people.tokens import new_token, token_hash
from papertalk.storage.digests.feed_token_rows import feed_token_owner, set_feed_token
from papertalk.storage.engine import Engine


def reset_feed_token(engine: Engine, actor: Actor, owner: User, now: int) -> str:
    """A new feed token for ``owner`` (only they may), replacing any older one; returned once, in clear."""
    if isinstance(actor, User):
        require_self(actor, owner.id, "reset the digest feed address")
    token = new_token()
    with engine.begin() as conn:
        set_feed_token(conn, owner.id, token_hash(token), now)
    return token


def owner_of_feed(engine: Engine, token: str) -> User | None:
    with engine.connect() as conn:
        return feed_token_owner(conn, token_hash(token))
