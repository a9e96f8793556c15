"""The fast tweets.js reader (``sources.x.archive_fast``) gives exactly what the reference gives: the same
posts in the same order, the same reject lines, the same whole-file errors; and it really is the fast
path that reads the usual tweets (the reference is only asked about the unusual ones)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from papertalk.core.records import Author, Post
from papertalk.fetching.payload import BadItem
from papertalk.sources.x import archive_fast
from papertalk.sources.x.archive import NoteText, archive_tweets, note_texts, read_archive_file
from papertalk.sources.x.archive_fast import read_archive_tweets

OWNER = Author("x", "12", "owner", "The Owner")
WHEN = "Sun Sep 13 12:28:42 +0000 2020"
NOTES = {1600000122: [NoteText(1600000122, "the whole long text of the note", ("https://arxiv.org/abs/2101.00001",))]}
ODD = [None, True, 0, 5, 2.5, "", "x", [], {}, ["x"], {"a": 1}]


def outcome(read: Any, raw: bytes, notes: dict[int, list[NoteText]] | None) -> object:
    try:
        return list(read(raw, "data/tweets.js", OWNER, notes))
    except BadItem as exc:
        return f"BadItem: {exc}"


def reference(raw: bytes, name: str, owner: Author, notes: dict[int, list[NoteText]] | None) -> list[Post | str]:
    return list(archive_tweets(read_archive_file(raw, name).entries, owner, name, notes))


def assert_same(raw: bytes, notes: dict[int, list[NoteText]] | None = None) -> object:
    expected = outcome(reference, raw, notes)
    assert outcome(read_archive_tweets, raw, notes) == expected
    return expected


def js(entries: list[Any], pretty: bool = True) -> bytes:
    body = orjson.dumps(entries, option=orjson.OPT_INDENT_2 if pretty else 0)
    return b"window.YTD.tweets.part0 = " + body


url_entries = st.fixed_dictionaries(
    {},
    optional={
        "expanded_url": st.sampled_from(["https://arxiv.org/abs/2101.00001", "https://example.org/a", "", None, 3]),
        "url": st.sampled_from(["https://t.co/abc", "", None, 7]),
        "indices": st.just(["1", "20"]),
    },
)
entities = (
    st.none()
    | st.sampled_from(["bad", 1])
    | st.fixed_dictionaries(
        {},
        optional={
            "urls": st.none() | st.just("x") | st.lists(url_entries | st.just(5), max_size=3),
            "hashtags": st.just([]),
        },
    )
)
texts = st.sampled_from(
    [
        "a usual tweet",
        "RT @someone: see https://arxiv.org/abs/2101.00001",
        "RT @two words: not a retweet shape",
        "RT @x",
        "the whole long text of …",
        "",
    ]
)
nested = st.fixed_dictionaries(
    {"id_str": st.sampled_from(["99", ""]), "created_at": st.just(WHEN), "full_text": texts},
    optional={"user": st.sampled_from([{"id_str": "7", "screen_name": "o"}, None, "x"])},
)
tweets = st.fixed_dictionaries(
    {},
    optional={
        "id_str": st.sampled_from(["1300000000000000000", ""]) | st.sampled_from(ODD),
        "id": st.sampled_from(["1300000000000000001", 1300000000000000002]) | st.sampled_from(ODD),
        "created_at": st.sampled_from(
            [WHEN, "Mon, 14 Sep 2020 12:28:42 +0000", "Sep 13 2020", "Sun Sep 13 12:02:02 +0000 2020"]
        )
        | st.sampled_from(ODD),
        "full_text": texts | st.sampled_from(ODD),
        "text": texts | st.sampled_from(ODD),
        "entities": entities,
        "in_reply_to_status_id_str": st.sampled_from(["42", ""]) | st.sampled_from(ODD),
        "lang": st.sampled_from(["en", "und", ""]) | st.sampled_from(ODD),
        "extended_tweet": st.none() | st.fixed_dictionaries({"full_text": texts}, optional={"entities": entities}),
        "retweeted_status": st.none() | nested | st.sampled_from(ODD),
        "quoted_status": st.none() | nested,
        "favorite_count": st.just("15"),
        "edit_info": st.just({"initial": {"editTweetIds": ["1"], "editsRemaining": "5"}}),
    },
)
usual = st.fixed_dictionaries(
    {"id_str": st.just("1300000000000000000"), "created_at": st.just(WHEN), "full_text": texts},
    optional={"entities": entities, "lang": st.just("en"), "in_reply_to_status_id_str": st.just("42")},
)
entries = st.fixed_dictionaries({"tweet": tweets | usual}) | tweets | st.sampled_from(ODD) | st.just({"tweet": None})


@given(st.lists(entries, max_size=6), st.booleans(), st.booleans())
def test_any_entries_read_like_the_reference(found: list[Any], pretty: bool, with_notes: bool) -> None:
    assert_same(js(found, pretty), NOTES if with_notes else None)


@pytest.mark.parametrize(
    "raw",
    [
        b"not an archive file",
        b"window.YTD.tweets.part0 = {not json",
        b"window.YTD.tweets.part0 = {}",
        b"window.YTD.tweets.part0 = 5;",
        b"\xef\xbb\xbfwindow.YTD.tweet.part3 = [];\n",
        b'window.YTD.tweets.part0 = [{"tweet": {"id_str": "1", "created_at": "' + WHEN.encode() + b'", '
        b'"full_text": "caf\xe9 \xff"}}]',  # invalid UTF-8: the reference reads it with U+FFFD
        b'window.YTD.tweets.part0 = [{"tweet": {"id_str": "1", "created_at": "' + WHEN.encode() + b'", '
        b'"full_text": "x", "big": 123456789012345678901234567890}}]',
    ],
)
def test_whole_file_cases_read_like_the_reference(raw: bytes) -> None:
    assert_same(raw)


def test_usual_tweets_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    original = archive_fast._reference

    def counted(element: Any, position: int, *rest: Any) -> Post | str:
        asked.append(position)
        return original(element, position, *rest)

    monkeypatch.setattr(archive_fast, "_reference", counted)
    links = [{"url": "https://t.co/a", "expanded_url": "https://arxiv.org/abs/2101.00001v2"}]
    found = [
        {"tweet": {"id_str": "1", "created_at": WHEN, "full_text": "plain", "entities": {"urls": []}, "lang": "en"}},
        {"tweet": {"id_str": "2", "created_at": WHEN, "full_text": "RT @a: paper", "entities": {"urls": links}}},
        {"tweet": {"id_str": "3", "created_at": WHEN, "full_text": "x", "in_reply_to_status_id_str": "1"}},
        {"tweet": {"id_str": "4", "created_at": WHEN, "full_text": "y", "retweeted_status": {"id_str": "9"}}},
        {"tweet": {"id_str": "5", "created_at": 12, "full_text": "z"}},
    ]
    posts = assert_same(js(found))
    assert asked == [3, 4]  # only the retweet with an embedded original and the bad time
    assert isinstance(posts, list) and [p.kind.value for p in posts[:3] if isinstance(p, Post)] == [
        "post",
        "repost",
        "reply",
    ]
    assert isinstance(posts[4], str) and posts[4].startswith("data/tweets.js:5#4: created_at")


def test_real_archives_read_like_the_reference(shared_data: Path) -> None:
    folder = shared_data / "x_twitter" / "archive"
    files = sorted(folder.glob("*.js"))
    assert files, f"no archive samples in {folder}"
    for path in files:
        raw = path.read_bytes()
        got = assert_same(raw)
        assert isinstance(got, list) and len(got) > 1000
        assert all(isinstance(p, Post) for p in got), path.name


def test_note_texts_are_joined_on_the_fast_path() -> None:
    notes, _ = note_texts(
        [
            {
                "noteTweet": {
                    "core": {"text": "the whole long text of the note", "urls": []},
                    "createdAt": "2020-09-13T12:28:42.000Z",
                }
            }
        ],
        "data/note-tweet.js",
    )
    [post] = assert_same(
        js([{"tweet": {"id_str": "1", "created_at": WHEN, "full_text": "the whole long text of …"}}]), notes
    )
    assert isinstance(post, Post) and post.text == "the whole long text of the note"
