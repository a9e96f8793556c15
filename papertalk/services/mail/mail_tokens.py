"""The tokens in digest mail links. The confirmation token is random and sent once. The unsubscribe token
is in every message, so the worker must be able to make it again without storing it: it is an HMAC of the
person and their subscription's start under the instance's secret, and only its SHA-256 is stored (a copy
of the database unsubscribes nobody; a new opt-in makes a new token)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from papertalk.services.people.sessions import form_secret
from papertalk.services.people.tokens import new_token, token_hash
from papertalk.storage.engine import Engine

__all__ = ["new_token", "token_hash", "unsubscribe_token"]


def unsubscribe_token(secret: str, user_id: int, subscribed_at: int) -> str:
    digest = hmac.new(secret.encode(), f"mail-unsubscribe:{user_id}:{subscribed_at}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def instance_secret(engine: Engine) -> str:
    return form_secret(engine)
