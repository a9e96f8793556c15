"""What a person's own digest adds to the day's papers: the items added that day to the public lists they
follow, and the public summaries first published that day on papers their network cited (everyone's papers
until they have a network). Both are dated by when they happened (an item's ``added_at``, a summary's
``published_at``), so a later addition never changes a past day; a removal does (an item taken off its
list, a list made private or unlisted, a summary made private or hidden is gone from every day): what is
no longer public is shown nowhere."""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.services.digests.digest_streams import Stream
from papertalk.storage.engine import Engine
from papertalk.storage.library.followed_items import followed_items_added
from papertalk.storage.library.summary_rows import published_between

SHOWN = 50  # of each kind in one digest (a month's can be long)


@dataclass(frozen=True, slots=True)
class NewsLink:
    title: str
    url: str  # a site path: the paper, the list or the summary
    byline: str
    arxiv_id: str | None = None
    note_html: str = ""  # the item's verdict, already sanitized by the one pipeline


@dataclass(frozen=True, slots=True)
class FollowedNews:
    list_items: tuple[NewsLink, ...] = ()
    summaries: tuple[NewsLink, ...] = ()

    def sections(self) -> list[tuple[str, str, tuple[NewsLink, ...]]]:
        """(kind, title, links) of the sections with something in them, as the page, mail and feed title them."""
        sections = [("lists", "New on the lists you follow", self.list_items),
                    ("summaries", "New public summaries on your network's papers", self.summaries)]  # fmt: skip
        return [section for section in sections if section[2]]


def followed_news(engine: Engine, stream: Stream, start: int, end: int) -> FollowedNews:
    """The news of [start, end) for the owner of ``stream`` (nothing for a stream that is nobody's own)."""
    if stream.owner_id is None:
        return FollowedNews()
    with engine.connect() as conn:
        added = followed_items_added(conn, stream.owner_id, start, end, SHOWN)
        published = published_between(conn, start, end, stream.network_row, stream.hidden_by, SHOWN)
    items = tuple(
        NewsLink(
            f.item.title or (f"arXiv:{f.item.arxiv_id}" if f.item.arxiv_id else f.item.url or "an item"),
            f"/abs/{f.item.arxiv_id}" if f.item.arxiv_id else f"/lists/{f.list_id}",
            f"on {f.list_title} by {f.owner_name}",
            f.item.arxiv_id,
            f.item.verdict_html,
        )
        for f in added
    )
    summaries = tuple(
        NewsLink(
            s.title or s.paper_title or f"arXiv:{s.arxiv_id}",
            f"/summaries/{s.id}",
            f"a summary of arXiv:{s.arxiv_id} by {s.shown_author}",
            s.arxiv_id,
        )
        for s in published
    )
    return FollowedNews(items, summaries)
