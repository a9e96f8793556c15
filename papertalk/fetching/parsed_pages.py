"""Building a ``FetchedPage`` from what a platform parser yields: posts and one-line reject strings."""

from __future__ import annotations

from collections.abc import Iterable

from papertalk.core.records import Post
from papertalk.fetching.pages import FetchedPage


def page_of(parsed: Iterable[Post | str], cursor: str | None) -> FetchedPage:
    posts: list[Post] = []
    rejects: list[str] = []
    for item in parsed:
        if isinstance(item, str):
            rejects.append(item)
        else:
            posts.append(item)
    return FetchedPage(tuple(posts), tuple(rejects), cursor)
