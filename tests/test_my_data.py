"""A person's own data from their account page: a zip of JSON with everything of theirs, nothing private of
anyone else's, no secrets; signed out, the download sends to sign-in."""

from __future__ import annotations

import io
import zipfile

import httpx
import orjson
from sqlalchemy import text

from papertalk.services.people import api_tokens, user_accounts
from papertalk.storage.engine import make_engine
from tests.databases import migrate_fast
from tests.test_people_web import OPERATOR, PASSWORD, settings_for, signed_in
from tests.web_world import NOW, served

T = int(NOW)


def world(db_url: str) -> tuple[str, str]:
    """Ada and Bob, each with settings, a network, a block and a token; Bob a member of Ada's shared network."""
    engine = make_engine(migrate_fast(db_url))
    ada = user_accounts.add_user(engine, OPERATOR, "Ada", "ada@example.org", PASSWORD, False, T)
    bob = user_accounts.add_user(engine, OPERATOR, "Bob", "bob-private@example.org", PASSWORD, False, T)
    ada_token = api_tokens.create_token(engine, ada, ada.id, "ada-laptop", "read", T)
    api_tokens.create_token(engine, bob, bob.id, "bob-secret-label", "read", T)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO accounts (id, platform, platform_id, handle, blocked) VALUES "
            "(901, 'bluesky', 'did:a', 'ada-follows.bsky.social', false), "
            "(902, 'bluesky', 'did:b', 'bob-follows-quietly.bsky.social', false), "
            "(903, 'bluesky', 'did:c', 'bob-blocks-this.bsky.social', false)"
        ))  # fmt: skip
        conn.execute(text(
            "INSERT INTO networks (id, name, owner_user_id, kind, visibility) VALUES "
            "(801, '@ada', :a, 'personal', 'public'), (802, '@bob', :b, 'personal', 'private'), "
            "(803, 'ada-reading-group', :a, 'shared', 'private')"
        ), {"a": ada.id, "b": bob.id})  # fmt: skip
        conn.execute(text("INSERT INTO network_accounts VALUES (801, 901), (802, 902), (803, 901)"))
        conn.execute(text("INSERT INTO network_members VALUES (803, :a, 'owner', :t), (803, :b, 'member', :t)"),
                     {"a": ada.id, "b": bob.id, "t": T})  # fmt: skip
        conn.execute(text("INSERT INTO user_blocks VALUES (:b, 903)"), {"b": bob.id})
        zones = "INSERT INTO user_settings (user_id, timezone) VALUES (:a, 'Europe/Paris'), (:b, 'Asia/Tokyo')"
        conn.execute(text(zones), {"a": ada.id, "b": bob.id})
        hashes = conn.execute(text("SELECT token_hash FROM api_tokens")).scalars().all()
        password_hash = conn.execute(text("SELECT password_hash FROM users WHERE id = :a"), {"a": ada.id}).scalar_one()
    engine.dispose()
    assert ada_token.secret
    return password_hash, ",".join(hashes)


def unzipped(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


def test_my_data_has_everything_of_mine_and_nothing_private_of_others(db_url: str) -> None:
    password_hash, token_hashes = world(db_url)
    with served(settings_for(db_url)) as base:
        ada = signed_in(base, "ada")
        assert 'href="/account/data.zip"' in ada.get("/account").text
        answer = ada.get("/account/data.zip")
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
        assert answer.headers["cache-control"] == "private, no-store"
        files = unzipped(answer.content)
        everything = b"".join(files.values())
        for mine in (
            b"ada@example.org",
            b"ada-laptop",
            b"Europe/Paris",
            b"ada-reading-group",
            b"ada-follows.bsky.social",
        ):
            assert mine in everything, mine
        for theirs in (b"bob-private@example.org", b"bob-secret-label", b"Asia/Tokyo", b"@bob",
                       b"bob-follows-quietly", b"bob-blocks-this"):  # fmt: skip
            assert theirs not in everything, theirs
        for secret in [password_hash, *token_hashes.split(",")]:
            assert secret.encode() not in everything
        users = orjson.loads(files["users.json"])
        assert len(users["rows"]) == 1 and "password_hash" not in users["columns"]
        members = orjson.loads(files["network_members.json"])
        assert len(members["rows"]) == 1  # her own membership, not Bob's in her network
        assert "sessions.json" not in files and "README.txt" in files
        # Bob's own download has his, not hers
        bob_files = unzipped(signed_in(base, "bob").get("/account/data.zip").content)
        bob_all = b"".join(bob_files.values())
        assert b"bob-blocks-this" in bob_all and b"ada@example.org" not in bob_all and b"ada-laptop" not in bob_all
        signed_out = httpx.get(f"{base}/account/data.zip", follow_redirects=False)
        assert signed_out.status_code == 303 and signed_out.headers["location"] == "/signin"
