"""The tweets of a ``tweets.js`` file read fast: msgspec decodes each entry straight into typed records.

An archive holds 100,000s of tweets of one usual shape: ``id_str``, ``created_at``, ``full_text``,
``entities.urls``, ``in_reply_to_status_id_str``, ``lang``, and no ``extended_tweet``,
``retweeted_status`` or ``quoted_status``. For those, msgspec skips every other field in C and checks
the types while it decodes, so a tweet costs a fraction of ``orjson``'s dicts plus the reference
parser's checks (``tweet_v1.parse_v1_tweet``). Any entry that does not fit that shape exactly is read by
the reference (``archive.archive_tweet`` on ``orjson``'s dict), so its post or its error line is the
reference's; a body that msgspec cannot cut into array elements (bad JSON, bad UTF-8, not an array) is
read whole by the reference, with the reference's error. An entry nested deeper than
``core.json_depth`` allows is rejected on its own; when one is so deep that msgspec cannot even cut the
body into elements (it recurses), the elements are cut out by ``json_depth.array_elements`` instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import msgspec
import orjson

from papertalk.core.json_depth import TOO_DEEP, array_elements, nested_too_deep
from papertalk.core.records import Author, Post, PostKind
from papertalk.fetching.html_links import merged_links
from papertalk.fetching.payload import BadItem, http_time, loads_json, reject_line
from papertalk.sources.x.archive import (
    NoteText,
    archive_body,
    archive_tweet,
    archive_tweets,
    read_archive_file,
    with_note,
)
from papertalk.sources.x.tweet_v1 import v1_post


class _Url(msgspec.Struct, gc=False):
    expanded_url: str | None = None
    url: str | None = None


class _Entities(msgspec.Struct, gc=False):
    urls: list[_Url] | None = None


class _Tweet(msgspec.Struct, gc=False):
    id_str: str
    created_at: str
    full_text: str
    entities: _Entities | None = None
    in_reply_to_status_id_str: str | None = None
    lang: str | None = None
    # Present (not null) means an unusual tweet: the reference reads it.
    extended_tweet: msgspec.Raw | None = None
    retweeted_status: msgspec.Raw | None = None
    quoted_status: msgspec.Raw | None = None


class _Entry(msgspec.Struct, gc=False):
    tweet: _Tweet


_ELEMENTS = msgspec.json.Decoder(list[msgspec.Raw])
_ENTRY = msgspec.json.Decoder(_Entry)


class _Unusual(Exception):
    """This entry is read by the reference parser."""


def read_archive_tweets(
    raw: bytes, name: str, owner: Author, notes: dict[int, list[NoteText]] | None = None
) -> Iterator[Post | str]:
    """The posts (and reject lines) of the tweets file ``raw`` named ``name``, in file order; raises
    ``BadItem`` for a file that is not an archive data file or not JSON, as the reference does."""
    _, _, body = archive_body(raw, name)
    try:
        elements = _ELEMENTS.decode(body)
    except RecursionError:  # an entry nests deeper than msgspec can go: cut the entries out without it
        elements = [msgspec.Raw(element) for element in array_elements(body)]
    except (msgspec.DecodeError, msgspec.ValidationError):  # the reference's error, or its result
        return archive_tweets(read_archive_file(raw, name).entries, owner, name, notes)
    return _tweets(elements, owner, name, notes)


def _tweets(
    elements: list[msgspec.Raw], owner: Author, name: str, notes: dict[int, list[NoteText]] | None
) -> Iterator[Post | str]:
    decode = _ENTRY.decode
    for position, element in enumerate(elements):
        if nested_too_deep(bytes(element)):
            yield reject_line(name, f"?#{position}", TOO_DEEP)
            continue
        try:
            post = _post(decode(element).tweet, owner)
        except (msgspec.DecodeError, msgspec.ValidationError, _Unusual):
            yield _reference(element, position, owner, name, notes)
            continue
        yield with_note(post, notes) if notes else post


def _post(tweet: _Tweet, owner: Author) -> Post:
    if (
        not tweet.id_str
        or tweet.extended_tweet is not None
        or tweet.retweeted_status is not None
        or tweet.quoted_status is not None
    ):
        raise _Unusual
    try:
        created = http_time(tweet.created_at, "created_at")
    except BadItem:
        raise _Unusual from None
    found: list[str] = []
    if tweet.entities is not None and tweet.entities.urls:
        for entry in tweet.entities.urls:
            url = entry.expanded_url or entry.url
            if url:
                found.append(url)
    links = merged_links(found) if len(found) > 1 else tuple(found)
    replying = bool(tweet.in_reply_to_status_id_str)
    text = tweet.full_text
    return v1_post(tweet.id_str, owner, created, text, links, PostKind.POST, None, replying, tweet.lang or None)


def _reference(
    element: msgspec.Raw, position: int, owner: Author, name: str, notes: dict[int, list[NoteText]] | None
) -> Post | str:
    try:
        entry = loads_json(bytes(element))  # bad UTF-8 read as U+FFFD, as the reference reads the file
    except orjson.JSONDecodeError as exc:  # msgspec cut it out and orjson does not read it
        return reject_line(name, f"?#{position}", BadItem(f"unreadable JSON ({exc})"))
    return archive_tweet(entry, position, owner, name, notes)
