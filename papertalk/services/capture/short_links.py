"""Expanding the short links of captured posts before they are stored, through the ``short_links`` cache.

A post keeps its short link and gains the resolved one, so ``core.arxiv_ids`` sees where it really
points. The resolver connects through the SSRF guard (``resolver_for``). Answers (and failures) are
cached: a success for ``SUCCESS_TTL``, a failure for ``FAILURE_TTL``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from papertalk.config import NetworkSettings
from papertalk.core.records import Post
from papertalk.fetching.address_guard import AddressGuard, guarded_client
from papertalk.fetching.short_links import ShortLinkError, ShortLinkResolver
from papertalk.storage.capture.short_link_rows import cached_links, save_links
from papertalk.storage.engine import Engine

SUCCESS_TTL = 365 * 86400
FAILURE_TTL = 86400
MAX_NEW_PER_PAGE = 200  # at most this many network look-ups for one page; the rest wait for the cache


def resolver_for(net: NetworkSettings) -> ShortLinkResolver:
    """The resolver for these settings: guarded, reaching private addresses only with the opt-in."""
    return ShortLinkResolver(guarded_client(AddressGuard(allow_private=net.allow_private)))


def link_expander(
    engine: Engine, resolver: ShortLinkResolver, now: Callable[[], int], report: Callable[[str], None] | None = None
) -> Callable[[Sequence[Post]], list[Post]]:
    """A function that returns the posts with their short links' targets added to ``links``."""

    def expand(posts: Sequence[Post]) -> list[Post]:
        short = sorted({link for p in posts for link in p.links if resolver.handles(link)})
        if not short:
            return list(posts)
        moment = now()
        known = cached_links(engine, short, moment - SUCCESS_TTL)
        failed_recently = cached_links(engine, [u for u in short if known.get(u, "") is None], moment - FAILURE_TTL)
        answers: list[tuple[str, str | None, str | None]] = []
        for url in [u for u in short if u not in known or (known[u] is None and u not in failed_recently)][
            :MAX_NEW_PER_PAGE
        ]:
            try:
                target = resolver.resolve(url)
                answers.append((url, target, None))
                known[url] = target
            except ShortLinkError as exc:
                answers.append((url, None, str(exc)))
                if report is not None:
                    report(str(exc))
        save_links(engine, answers, moment)
        return [_with_targets(p, known) for p in posts]

    return expand


def _with_targets(post: Post, known: dict[str, str | None]) -> Post:
    targets = [t for link in post.links if (t := known.get(link)) and t not in post.links]
    return replace(post, links=(*post.links, *dict.fromkeys(targets))) if targets else post
