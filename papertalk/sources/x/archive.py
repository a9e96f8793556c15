"""The files of an X data archive (``data/*.js``): JavaScript assignments of JSON arrays.

``window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]`` (older archives: ``window.YTD.tweet.part0``;
big archives add ``part1``...). Tweets carry no author: it is the archive's owner, from ``account.js``.
``note-tweet.js`` holds the full text of long tweets, whose ``tweets.js`` copy is cut short; a note is
matched to its tweet by creation second and text prefix (the archive links them no other way).
``following.js`` lists the accounts the owner follows, by id only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import orjson

from papertalk.core.records import Author, Post
from papertalk.fetching.html_links import merged_links
from papertalk.fetching.payload import BadItem, NestedTooDeep, clipped, iso_time, item_label, loads_json, reject_line
from papertalk.sources.x.tweet_v1 import PLATFORM, parse_v1_tweet

_ASSIGNMENT = re.compile(rb"^\s*window\.YTD\.(\w+)\.part(\d+)\s*=\s*")
_TCO = re.compile(r"\s*https://t\.co/\w+\s*$")


@dataclass(frozen=True)
class ArchiveFile:
    """One data file: which table it holds (``tweets``, ``tweet``, ``note_tweet``, ``following``...)."""

    table: str
    part: int
    entries: list[Any]


def archive_body(raw: bytes, name: str) -> tuple[str, int, bytes]:
    """The table, part and JSON text of one ``data/*.js`` file; ``BadItem`` when it is not one."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    match = _ASSIGNMENT.match(raw[:200])
    if match is None:
        raise BadItem(f"{name}: not an X archive data file (no 'window.YTD.<table>.partN =' prefix)")
    return match.group(1).decode(), int(match.group(2)), raw[match.end() :].rstrip().rstrip(b";")


def read_archive_file(raw: bytes, name: str) -> ArchiveFile:
    """Parse one ``data/*.js`` file; raises ``BadItem`` naming the file when it is not one."""
    table, part, body = archive_body(raw, name)
    try:
        entries = loads_json(body)
    except NestedTooDeep as exc:
        raise BadItem(f"{name}: {exc}") from None
    except orjson.JSONDecodeError as exc:
        raise BadItem(f"{name}: unreadable JSON ({exc})") from None
    if not isinstance(entries, list):
        raise BadItem(f"{name}: expected an array after the prefix, got {type(entries).__name__}")
    return ArchiveFile(table, part, entries)


def archive_owner(entries: list[Any]) -> Author:
    """The owner from ``account.js``: ``[{"account": {"accountId", "username", "accountDisplayName"}}]``."""
    for entry in entries:
        account = entry.get("account") if isinstance(entry, dict) else None
        if isinstance(account, dict) and account.get("accountId"):
            return Author(
                PLATFORM, str(account["accountId"]), account.get("username"), account.get("accountDisplayName")
            )
    raise BadItem("account.js: no account with an accountId")


@dataclass(frozen=True)
class NoteText:
    """The full text and links of one long tweet."""

    created_at: int
    text: str
    links: tuple[str, ...]


def note_texts(entries: list[Any], source: str) -> tuple[dict[int, list[NoteText]], list[str]]:
    """Notes by creation second (several may share one), and reject lines for unreadable ones."""
    notes: dict[int, list[NoteText]] = {}
    rejects: list[str] = []
    for position, entry in enumerate(entries):
        note = entry.get("noteTweet") if isinstance(entry, dict) else None
        try:
            if not isinstance(note, dict):
                raise BadItem("expected {'noteTweet': {...}}")
            core = note.get("core")
            if not isinstance(core, dict) or not isinstance(core.get("text"), str):
                raise BadItem("core.text: missing")
            urls = [u.get("expandedUrl") or u.get("shortUrl") for u in core.get("urls") or [] if isinstance(u, dict)]
            links = [u for u in urls if isinstance(u, str)]
            created = iso_time(note.get("createdAt"), "createdAt")
            notes.setdefault(created, []).append(NoteText(created, core["text"], merged_links(links)))
        except BadItem as exc:
            rejects.append(reject_line(source, item_label(note, "noteTweetId") + f"#{position}", exc))
    return notes, rejects


def with_note(post: Post, notes: dict[int, list[NoteText]]) -> Post:
    """The post with its note's full text and links when a note of the same second starts like it."""
    candidates = notes.get(post.created_at)
    if not candidates:
        return post
    prefix = _TCO.sub("", post.text.rstrip().rstrip("…")).rstrip()[:60]
    for note in candidates:
        if note.text.startswith(prefix):
            return replace(post, text=clipped(note.text), links=merged_links(post.links, note.links))
    return post


def archive_tweets(
    entries: list[Any], owner: Author, source: str, notes: dict[int, list[NoteText]] | None = None
) -> Iterator[Post | str]:
    """Posts of a tweets.js table, or a reject line for each unreadable entry."""
    for position, entry in enumerate(entries):
        yield archive_tweet(entry, position, owner, source, notes)


def archive_tweet(
    entry: object, position: int, owner: Author, source: str, notes: dict[int, list[NoteText]] | None
) -> Post | str:
    """The post of one tweets.js entry (``{"tweet": {...}}`` or the bare tweet), or its reject line."""
    tweet = entry.get("tweet", entry) if isinstance(entry, dict) else entry
    try:
        post = parse_v1_tweet(tweet, author=owner)
    except BadItem as exc:
        return reject_line(source, item_label(tweet, "id_str", "id") + f"#{position}", exc)
    return with_note(post, notes) if notes else post


def followed_accounts(entries: list[Any]) -> tuple[list[Author], list[str]]:
    """Accounts of ``following.js`` (``[{"following": {"accountId", "userLink"}}]``) and unreadable entries."""
    found: list[Author] = []
    bad: list[str] = []
    for position, entry in enumerate(entries):
        follow = entry.get("following") if isinstance(entry, dict) else None
        account = follow.get("accountId") if isinstance(follow, dict) else None
        if isinstance(account, str | int) and not isinstance(account, bool) and str(account):
            found.append(Author(PLATFORM, str(account)))
        else:
            bad.append(f"#{position}: expected {{'following': {{'accountId': ...}}}}")
    return found, bad
