"""The papers a post cites, as the rows an import writes: the post and, before it, the original it
embeds (a repost or quote that carries its original's text), each with the arXiv ids found in it."""

from __future__ import annotations

from collections.abc import Iterator

from papertalk.core.arxiv_ids import find_in_post
from papertalk.core.records import CitingPost, Post


def citing(post: Post) -> Iterator[CitingPost]:
    """The post with the papers it cites, preceded by its embedded original when it carries one."""
    if post.original is not None and post.original.post is not None:
        original = post.original.post
        yield CitingPost(original, tuple(find_in_post(original.text, original.links)))
    yield CitingPost(post, tuple(find_in_post(post.text, post.links)))
