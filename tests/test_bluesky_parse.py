"""Bluesky parsers on real AppView payloads (../shared/data) and on malformed ones."""

from __future__ import annotations

import json
from pathlib import Path

from papertalk.core.records import Author, PostKind
from papertalk.sources.bluesky.post_views import (
    author_of,
    parse_feed_item,
    parse_items,
    parse_post_view,
    post_from_record,
)
from tests.fake_bluesky import post_view, repost_item


def test_real_author_feed_sample(shared_data: Path) -> None:
    feed = json.loads((shared_data / "bluesky/bsky_mcp_server/feed_example.json").read_text())
    posts, rejects = parse_items(feed["feed"], "sample feed", parse_feed_item)
    assert rejects == [] and len(posts) == 30
    kinds = [p.kind for p in posts]
    assert kinds.count(PostKind.REPOST) == 6
    reposts = [p for p in posts if p.kind is PostKind.REPOST]
    assert all(p.original is not None and p.original.post is not None for p in reposts)
    # The post whose text is a bare truncated link: the facet carries the full URL.
    bare = [p for p in posts + [r.original.post for r in reposts if r.original and r.original.post]]
    assert any("https://arxiv.org/abs/2503.23674" in p.links for p in bare)
    assert all(p.url and p.url.startswith("https://bsky.app/profile/did:") for p in posts)


def test_real_quote_and_external_embed(shared_data: Path) -> None:
    base = shared_data / "bluesky/bsky_mcp_server"
    quote = parse_post_view(json.loads((base / "post_embed_post.json").read_text())["post"], "quote")
    assert quote.kind is PostKind.QUOTE and quote.original is not None and quote.original.post is not None
    external = parse_post_view(json.loads((base / "post_embed_external.json").read_text())["post"], "ext")
    record = json.loads((base / "post_embed_external.json").read_text())["post"]["record"]
    assert record["embed"]["external"]["uri"] in external.links


def test_malformed_items_are_rejected_one_line_and_the_rest_kept() -> None:
    good = post_view(1, 1, 0, arxiv="2401.00001")
    missing = post_view(2, 1, 1)
    del missing["record"]["createdAt"]
    wrong = post_view(3, 1, 2)
    wrong["record"]["text"] = 42
    no_author = post_view(4, 1, 3)
    no_author["author"] = "nobody"
    unknown_embed = post_view(5, 1, 4)
    unknown_embed["record"]["embed"] = {"$type": "app.bsky.embed.hologram", "beam": True}
    bad_time = post_view(6, 1, 5)
    bad_time["record"]["createdAt"] = "yesterday\udcff"
    items = [{"post": v} for v in (good, missing, wrong, no_author, unknown_embed, bad_time)] + ["junk"]
    posts, rejects = parse_items(items, "bluesky:feed:did:plc:x feed", parse_feed_item)
    assert [p.post_id for p in posts] == [good["uri"], unknown_embed["uri"]]
    assert posts[0].links == ("https://arxiv.org/abs/2401.00001",)
    assert len(rejects) == 5
    assert all("\n" not in r and r.startswith("bluesky:feed:did:plc:x feed[") for r in rejects)
    assert "record.createdAt" in rejects[0] and missing["uri"] in rejects[0]
    assert "record.text: expected text, got int" in rejects[1]


def test_repost_points_to_full_original() -> None:
    original = post_view(7, 2, 0, arxiv="2401.00007")
    repost = parse_feed_item(repost_item(original, by=3, t=100), "feed[0]")
    assert repost.kind is PostKind.REPOST and repost.author.platform_id == "did:plc:user0003"
    assert repost.original is not None and repost.original.post is not None
    assert repost.original.post.links == ("https://arxiv.org/abs/2401.00007",)


def test_real_get_follows_sample(shared_data: Path) -> None:
    follows = json.loads((shared_data / "bluesky/marshalx_atproto/get_follows.json").read_text())["follows"]
    authors = [author_of(f, f"follows[{n}]") for n, f in enumerate(follows)]
    assert len(authors) == 6 and all(a.platform_id.startswith("did:") and a.handle for a in authors)


def test_real_post_record_sample(shared_data: Path) -> None:
    record = json.loads((shared_data / "bluesky/marshalx_atproto/post_record.json").read_text())
    record = record.get("value", record)
    post = post_from_record("at://did:plc:x/app.bsky.feed.post/1", Author("bluesky", "did:plc:x"), record, "sample")
    assert post.created_at > 0 and isinstance(post.text, str)
