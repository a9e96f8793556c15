"""The newest captured posts with the papers they cite: the posts page (optionally one platform) and the
``papertalk posts`` listing (by paper, account, network, platform)."""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.core.arxiv_ids import parse_arxiv_id
from papertalk.services.capture.accounts import AccountError, resolve_accounts
from papertalk.services.pages.page_views import PostView, post_view
from papertalk.storage.capture.account_rows import list_networks, network_id
from papertalk.storage.catalogue.paper_rows import paper_row_id
from papertalk.storage.engine import Connection, Engine
from papertalk.storage.pages.page_queries import PostFilter, newest_posts

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


def posts_page(engine: Engine, now: int, platform: str | None, page: int, viewer_id: int | None = None) -> PostsPage:
    """The newest posts (of one platform); for a signed-in reader, without those of accounts they blocked."""
    offset = (page - 1) * POSTS_PAGE_SIZE
    with engine.connect() as conn:
        only = PostFilter(platform=platform, hidden_by=viewer_id)
        rows, cited = newest_posts(conn, now, only, POSTS_PAGE_SIZE + 1, offset)
    items = tuple(PostWithPapers(post_view(r), tuple(cited.get(r.post_row, ()))) for r in rows[:POSTS_PAGE_SIZE])
    return PostsPage(platform, page, items, len(rows) > POSTS_PAGE_SIZE, now)


class PostFilterError(ValueError):
    """A ``papertalk posts`` filter naming no paper, account or network (the message says which)."""


@dataclass(frozen=True)
class PostQuery:
    paper: str | None = None  # an arXiv id or URL
    account: str | None = None  # PLATFORM:HANDLE or PLATFORM:ID
    network: str | None = None
    platform: str | None = None
    limit: int = 20


def recent_posts(engine: Engine, now: int, query: PostQuery) -> tuple[PostWithPapers, ...]:
    """The newest posts citing a paper, of those every given filter keeps, newest first."""
    account_row = None
    if query.account is not None:
        try:
            (account_row,) = resolve_accounts(engine, [query.account])
        except AccountError as exc:
            raise PostFilterError(f"--account: {exc}") from None
    with engine.connect() as conn:
        paper_row = None if query.paper is None else _paper_row(conn, query.paper)
        network_row = None
        if query.network is not None:
            network_row = network_id(conn, query.network)
            if network_row is None:
                known = ", ".join(name for name, _ in list_networks(conn)) or "none yet"
                raise PostFilterError(f"--network: no network {query.network!r} (networks: {known})")
        only = PostFilter(query.platform, paper_row, account_row, network_row)
        rows, cited = newest_posts(conn, now, only, query.limit, 0)
    return tuple(PostWithPapers(post_view(r), tuple(cited.get(r.post_row, ()))) for r in rows)


def _paper_row(conn: Connection, paper: str) -> int:
    ref = parse_arxiv_id(paper)
    if ref is None:
        raise PostFilterError(f"--paper: {paper!r} is not an arXiv id or URL (e.g. 2411.00001)")
    found = paper_row_id(conn, ref.arxiv_id)
    if found is None:
        raise PostFilterError(f"--paper: no post has cited {ref.arxiv_id} yet")
    return found
