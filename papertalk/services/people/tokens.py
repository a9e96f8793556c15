"""Random tokens for cookies and links, and the SHA-256 form that alone is stored."""

from __future__ import annotations

import hashlib
import secrets

MAX_TOKEN = 128  # token_urlsafe(32) is 43 characters; anything much longer is not ours


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token[:MAX_TOKEN].encode("utf-8", "replace")).hexdigest()
