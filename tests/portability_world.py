"""A filled database for the portability tests: the web tests' world plus people, sessions, tokens,
invitations and the site's form secret (the secrets an export must leave out unless asked)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from papertalk.storage.engine import Engine
from papertalk.storage.people.site_secret import site_secret
from tests.web_world import load_world

PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$ZmFrZWhhc2hmb3J0ZXN0aW5nb25seQ"
SESSION_HASH = "5e55105e55105e55105e55105e55105e55105e55105e55105e55105e55105e55"
TOKEN_HASH = "70ce070ce070ce070ce070ce070ce070ce070ce070ce070ce070ce070ce070ce"
INVITATION_HASH = "1a71a71a71a71a71a71a71a71a71a71a71a71a71a71a71a71a71a71a71a71a7"


def fill(engine: Engine, directory: Path) -> str:
    """Fill ``engine``; returns the site's form secret."""
    load_world(engine, directory)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (name, name_key, email, password_hash, is_admin, disabled, created_at) "
                "VALUES ('Ada', 'ada', 'ada@example.org', :h, true, false, 1700000000), "
                "('bob', 'bob', 'bob@example.org', :h, false, true, 1700000100)"
            ),
            {"h": PASSWORD_HASH},
        )
        conn.execute(
            text(
                "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) "
                "VALUES (:h, 1, 1700000000, 1700000000, 1900000000)"
            ),
            {"h": SESSION_HASH},
        )
        conn.execute(
            text(
                "INSERT INTO api_tokens (user_id, token_hash, prefix, label, scope, created_at) "
                "VALUES (1, :h, 'pt_abcd', 'laptop', 'read', 1700000000)"
            ),
            {"h": TOKEN_HASH},
        )
        conn.execute(
            text(
                "INSERT INTO invitations (token_hash, created_by, created_at, expires_at) "
                "VALUES (:h, 1, 1700000000, 1900000000)"
            ),
            {"h": INVITATION_HASH},
        )
        conn.execute(
            text(
                "INSERT INTO user_settings (user_id, timezone, categories, language) "
                "VALUES (1, 'Europe/Paris', 'cs.LG', 'fr')"
            )
        )
        return site_secret(conn)
