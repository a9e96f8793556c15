"""The fast neutral-line reader gives exactly what the reference parser gives, for any line."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papertalk.sources.neutral import BadRecord, parse_line, parse_line_fast

NOW = 1_790_000_000


def outcome(parse: Any, line: bytes) -> object:
    try:
        return parse(line, NOW)
    except BadRecord as exc:
        return f"BadRecord: {exc}"


def assert_same(line: bytes) -> object:
    expected = outcome(parse_line, line)
    assert outcome(parse_line_fast, line) == expected
    return expected


# Records of the valid shape, with at most one field (top level, author or embedded original) replaced by a
# value of an unusual but allowed shape or of a wrong one: about half the lines are valid.
odd = st.sampled_from([None, True, False, 0, -1, 2.5, "", " ", [], {}, ["x"], 2**70, "x" * 600, "1e400"])
ids = st.sampled_from(["3mvunp23phwxj", "123", "at://did:plc:abc/app.bsky.feed.post/1"]) | st.integers(0, 10**12)
times = (
    st.sampled_from(["2026-09-19T12:11:17Z", "2026-09-19T12:11:17+02:00", "2026-09-19 12:11:17+00:00"])
    | st.integers(700_000_000, NOW)
    | st.floats(700_000_000, NOW, allow_nan=False)
)
odd_times = st.sampled_from(["2026-09-19T12:11:17", "1990-01-01T00:00:00Z", "2030-01-01T00:00:00Z", "yesterday"])
authors = st.fixed_dictionaries(
    {"id": ids}, optional={"handle": st.text(max_size=10) | st.none(), "name": st.text(max_size=10) | st.none()}
)
texts = st.text(max_size=40) | st.sampled_from(["see arXiv:2101.00001 and hep-th/9901001"]) | st.none()
link_lists = st.lists(st.sampled_from(["https://arxiv.org/abs/2101.00001", "https://example.org"]), max_size=3)
FIELDS = {
    "platform": st.sampled_from(["Bluesky", "has space", "a" * 40]),
    "post_id": st.sampled_from(["", "  ", "x" * 513, 2**63, 2**64 + 1]),
    "created_at": odd_times,
    "kind": st.sampled_from(["Post", "like"]),
    "text": st.just("x" * 100_001),
    "links": st.sampled_from([[], "", ["u"] * 1001, [1]]),
    "score": st.sampled_from([True, 1.5, "3", 2**64, -(2**63) - 1, 2**31, -(2**31) - 1]),
    "lang": st.sampled_from(["x" * 36, 5]),
}


def plain(embedded: bool) -> st.SearchStrategy[dict[str, Any]]:
    optional: dict[str, Any] = {
        "text": texts,
        "url": st.just("https://bsky.app/x") | st.none(),
        "links": link_lists | st.none(),
        "lang": st.just("en") | st.none(),
        "score": st.integers(-3, 10**6) | st.sampled_from([2**31 - 1, -(2**31)]) | st.none(),
        "unknown": odd,
    }
    required: dict[str, Any] = {"post_id": ids, "author": authors, "created_at": times}
    if embedded:
        optional["kind"] = st.sampled_from(["post", "reply"])
    else:
        required["platform"] = st.sampled_from(["bluesky", "x", "mastodon", "hacker_news"])
    return st.fixed_dictionaries(required, optional=optional)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    record = draw(plain(False))
    shape = draw(st.sampled_from(["post", "reply", "repost", "quote", "reply-to"]))
    if shape in ("repost", "quote", "reply-to"):
        record["kind"] = "reply" if shape == "reply-to" else shape
        record["original"] = draw(plain(True) | st.fixed_dictionaries({"post_id": ids}))
    else:
        record["kind"] = shape
    target = draw(st.sampled_from([record, record["author"], record.get("original") or record]))
    spoil = draw(st.sampled_from([None, None, None, *FIELDS, "author", "original", "id", "drop"]))
    if spoil == "drop":
        target.pop(draw(st.sampled_from(sorted(target))), None)
    elif spoil in FIELDS:
        target[spoil] = draw(FIELDS[spoil] | odd)
    elif spoil is not None:
        target[spoil] = draw(odd)
    return record


@settings(max_examples=800, deadline=None)
@given(record=records())
def test_fast_reader_agrees_with_the_reference_parser(record: dict[str, Any]) -> None:
    assert_same(json.dumps(record).encode())


@pytest.mark.parametrize(
    "line",
    [
        b'{"platform":"x","post_id":"1","author":{"id":"a"},"created_at":1e400}',
        b'{"platform":"x","post_id":"1","author":{"id":"a"},"created_at":1700000000,"text":"\\ud800"}',
        b'{"platform":"x","post_id":"1","post_id":"2","author":{"id":"a"},"created_at":1700000000}',
        b'{"platform":"x","post_id":"1","author":{"id":"a"},"created_at":1700000000,"links":""}',
        b"[1, 2]",
        b'{"platform":"x"',
        b"\xff\xfe",
        b'{"platform":"x","post_id":"1","author":{"id":"a"},"created_at":1700000000,"kind":"repost",'
        b'"original":{"post_id":"2","author":{"id":"b"},"created_at":1700000000,"kind":"repost"}}',
    ],
)
def test_fast_reader_agrees_on_awkward_lines(line: bytes) -> None:
    assert_same(line)


def test_a_well_formed_line_is_read_by_the_fast_path_and_kept_whole() -> None:
    line = (
        b'{"platform":"bluesky","post_id":"3k","author":{"id":"did:plc:a","handle":"a.bsky.social","name":"A"},'
        b'"created_at":"2026-09-19T12:11:17Z","kind":"quote","text":"good","links":["https://arxiv.org/abs/2609.1"],'
        b'"original":{"post_id":"3j","author":{"id":"did:plc:b"},"created_at":"2026-09-18T10:00:00Z",'
        b'"text":"new paper arXiv:2609.14791"}}'
    )
    post = assert_same(line)
    assert not isinstance(post, str)
    assert post.original is not None and post.original.post is not None
    assert post.original.post.text == "new paper arXiv:2609.14791"
    assert post.author.display_name == "A"
