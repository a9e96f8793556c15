"""The newest captured posts with the papers they cite, optionally on one platform."""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.services.pages.page_views import PostView, post_view
from papertalk.storage.engine import Engine
from papertalk.storage.pages.page_queries import newest_posts

POSTS_PAGE_SIZE = 50


@dataclass(frozen=True)
class PostWithPapers:
    post: PostView
    arxiv_ids: tuple[str, ...]


@dataclass(frozen=True)
class PostsPage:
    platform: str | None
    page: int
    items: tuple[PostWithPapers, ...]
    has_next: bool
    now: int


def posts_page(engine: Engine, now: int, platform: str | None, page: int) -> PostsPage:
    offset = (page - 1) * POSTS_PAGE_SIZE
    with engine.connect() as conn:
        rows, cited = newest_posts(conn, now, platform, POSTS_PAGE_SIZE + 1, offset)
    items = tuple(PostWithPapers(post_view(r), tuple(cited.get(r.post_row, ()))) for r in rows[:POSTS_PAGE_SIZE])
    return PostsPage(platform, page, items, len(rows) > POSTS_PAGE_SIZE, now)
