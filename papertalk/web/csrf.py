"""CSRF tokens for every form: an HMAC, under the instance's secret, of what ties the form to its reader.

Signed in, the binding is the session (its token's hash): a token is good only for that session. Signed
out (sign in, sign up), it is a random nonce kept in its own cookie, the signed double-submit pattern: a
forged page can neither read the cookie nor make the signature. Every POST checks one or the other.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

NONCE_COOKIE = "papertalk_form"
FIELD = "csrf"


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def form_token(secret: str, binding: str) -> str:
    return hmac.new(secret.encode(), binding.encode(), hashlib.sha256).hexdigest()


def token_matches(secret: str, binding: str, sent: str) -> bool:
    """Constant-time comparison of the form's token with the one the binding gives."""
    return bool(binding) and hmac.compare_digest(form_token(secret, binding), sent)
