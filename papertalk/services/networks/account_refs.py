"""Turning ``PLATFORM:HANDLE`` into stored accounts for a person's network: looked up on the platform
when papertalk can (Bluesky, Mastodon, X), else found among the accounts already captured (Hacker News,
Reddit, RSS authors are known from the posts papertalk read)."""

from __future__ import annotations

from papertalk.core.records import Author
from papertalk.fetching.pages import FetcherRegistry, FetchError
from papertalk.services.capture.accounts import AccountError, parse_account
from papertalk.services.capture.following import capture_accounts
from papertalk.storage.capture import account_rows
from papertalk.storage.engine import Engine

PLATFORMS = ("bluesky", "mastodon", "x", "hackernews", "reddit", "rss")
MAX_REF = 600


def checked_ref(ref: str) -> tuple[str, str]:
    """(platform, handle) of a reference a person typed; AccountError saying what is wrong with it."""
    text = ref.strip()
    if len(text) > MAX_REF or "\x00" in text:
        raise AccountError(f"account: {text[:40]!r}… is not an account (at most {MAX_REF} characters, no NUL)")
    platform, handle = parse_account(text)
    if platform not in PLATFORMS:
        raise AccountError(f"account: unknown platform {platform[:20]!r}; write one of {', '.join(PLATFORMS)}:HANDLE")
    return platform, handle


def account_to_follow(engine: Engine, registry: FetcherRegistry, ref: str, now: int) -> tuple[int, Author | None]:
    """The account's row id, stored and captured from now on if it is new (Author is the looked-up one)."""
    platform, handle = checked_ref(ref)
    if platform in registry.directories:
        try:
            author = registry.directory(platform).lookup(handle)
        except FetchError as error:
            raise AccountError(f"account: {platform}:{handle[:80]}: {error}") from None
        ids, _new = capture_accounts(engine, [author], now)
        return ids[0], author
    try:
        return captured_account(engine, platform, handle), None
    except AccountError as unknown:
        raise AccountError(
            f"{unknown} (papertalk cannot look {platform} accounts up: it knows those whose posts it captured)"
        ) from None


def captured_account(engine: Engine, platform: str, handle: str) -> int:
    with engine.connect() as conn:
        try:
            return account_rows.find_account(conn, platform, handle)
        except account_rows.UnknownAccount:
            raise AccountError(f"account: no {platform} account {handle[:80]!r} has been captured yet") from None
