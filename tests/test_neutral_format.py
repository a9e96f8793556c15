"""sources.neutral: every good form parses; every bad line gets a reason naming the field."""

from __future__ import annotations

import orjson
import pytest

from papertalk.core.records import PostKind
from papertalk.sources.neutral import MAX_LINE_BYTES, BadRecord, parse_line

NOW = 1_795_176_000


def line(**fields: object) -> bytes:
    base: dict[str, object] = {
        "platform": "bluesky",
        "post_id": "3k1",
        "author": {"id": "did:plc:abc", "handle": "ada.bsky.social", "name": "Ada"},
        "created_at": "2026-11-20T10:00:00Z",
    }
    base.update(fields)
    return orjson.dumps({k: v for k, v in base.items() if v is not ...})


def test_full_record() -> None:
    post = parse_line(
        line(
            kind="quote",
            original={"post_id": "o1"},
            text="great",
            links=["https://arxiv.org/abs/2101.00001"],
            url="https://bsky.app/x",
            lang="en",
            score=3,
        ),
        NOW,
    )
    assert post.kind is PostKind.QUOTE
    assert post.original is not None and post.original.post_id == "o1" and post.original.post is None
    assert post.author.handle == "ada.bsky.social"
    assert post.created_at == 1_795_168_800
    assert post.links == ("https://arxiv.org/abs/2101.00001",)
    assert post.platform_score == 3


def test_numbers_and_offsets_and_epoch_seconds() -> None:
    post = parse_line(line(post_id=1234567890123, created_at="2026-11-20T11:00:00+01:00"), NOW)
    assert post.post_id == "1234567890123"
    assert post.created_at == 1_795_168_800
    assert parse_line(line(created_at=1_795_168_800), NOW).created_at == 1_795_168_800


def test_embedded_original_is_parsed_too() -> None:
    original = {
        "post_id": "o1",
        "author": {"id": "x"},
        "created_at": "2026-11-19T00:00:00Z",
        "text": "arXiv:2101.00001",
    }
    post = parse_line(line(kind="repost", original=original), NOW)
    assert post.original is not None and post.original.post is not None
    assert post.original.post.platform == "bluesky"
    assert post.original.post.text == "arXiv:2101.00001"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "invalid JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (line(platform=...), "platform"),
        (line(platform="Blue Sky!"), "platform"),
        (line(post_id=...), "post_id"),
        (line(post_id=""), "post_id"),
        (line(post_id="x" * 600), "post_id"),
        (line(author=...), "author"),
        (line(author={"handle": "no id"}), "author.id"),
        (line(author={"id": "a", "handle": 5}), "author.handle"),
        (line(created_at=...), "created_at"),
        (line(created_at="yesterday"), "not an ISO 8601 date"),
        (line(created_at="2026-11-20T10:00:00"), "no timezone"),
        (line(created_at="1970-01-01T00:00:00Z"), "out of range"),
        (line(created_at="2031-01-01T00:00:00Z"), "out of range"),
        (line(created_at=True), "created_at"),
        (line(kind="like"), "kind"),
        (line(kind="repost"), "original"),
        (line(kind="post", original={"post_id": "o"}), "original"),
        (line(kind="quote", original="o1"), "original"),
        (line(text=5), "text"),
        (line(text="x" * 100_001), "text"),
        (line(links="https://arxiv.org/abs/2101.00001"), "links"),
        (line(links=[1, 2]), "links"),
        (line(links=["u"] * 1001), "links"),
        (line(score="many"), "score"),
        (line(score=2**31), "score: 2147483648 is out of range"),  # stored as a 32-bit integer
        (line(lang="x" * 36), "lang: expected a language tag of at most 35 characters"),
        (line(score=-(2**31) - 1), "score: -2147483649 is out of range"),
        (
            line(kind="quote", original={"post_id": "o", "author": {"id": "a"}, "created_at": "bad"}),
            "original.created_at",
        ),
        (b"{" + b" " * MAX_LINE_BYTES + b"}", "bytes"),
    ],
)
def test_bad_lines_say_which_field_and_what(raw: bytes, reason: str) -> None:
    with pytest.raises(BadRecord, match=reason.replace(".", r"\.")):
        parse_line(raw, NOW)


def test_a_long_bad_value_is_cut_short_in_the_message() -> None:
    with pytest.raises(BadRecord) as caught:
        parse_line(line(platform="x" * 5000), NOW)
    message = str(caught.value)
    assert message.startswith("platform: expected a short lowercase name") and message.endswith("xxx...")
    assert len(message) < 200


def test_scores_at_the_limits_are_kept() -> None:
    assert parse_line(line(score=2**31 - 1), NOW).platform_score == 2**31 - 1
    assert parse_line(line(score=-(2**31)), NOW).platform_score == -(2**31)
