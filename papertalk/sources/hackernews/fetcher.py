"""Thin Algolia fetcher: ``search_by_date`` for stories and comments matching a query (``arxiv.org``).

Results come newest first. A run asks for ``created_at_i > cursor`` (the newest time committed), then
walks older with ``created_at_i <= oldest seen`` (skipping ids already seen at that second), so it
never depends on Algolia's page limit; the cursor moves to the newest time with the run's last page.
"""

from __future__ import annotations

from collections.abc import Iterator

from papertalk.fetching.json_get import get_json
from papertalk.fetching.pages import FetchedPage, SourceSpec
from papertalk.fetching.parsed_pages import page_of
from papertalk.fetching.polite_http import PoliteGetter
from papertalk.sources.hackernews.algolia import hit_times, parse_hits

HITS_PER_PAGE = 100


class AlgoliaSearch:
    def __init__(self, getter: PoliteGetter, base_url: str = "https://hn.algolia.com/api/v1") -> None:
        self.getter = getter
        self.base_url = base_url.rstrip("/")

    def pages(self, source: SourceSpec, cursor: str | None, max_pages: int | None = None) -> Iterator[FetchedPage]:
        since = int(cursor) if cursor and cursor.isdigit() else 0
        newest = since
        oldest: int | None = None
        seen: set[str] = set()
        done = 0
        while True:
            filters = f"created_at_i>{since}" + (f",created_at_i<={oldest}" if oldest is not None else "")
            params = {
                "query": source.target,
                "tags": "(story,comment)",
                "numericFilters": filters,
                "hitsPerPage": str(HITS_PER_PAGE),
            }
            reply = get_json(self.getter, f"{self.base_url}/search_by_date", params, source.name)
            times = hit_times(reply.body)
            fresh = [(i, t) for i, t in times if i not in seen]
            seen.update(i for i, _ in fresh)
            newest = max([newest, *(t for _, t in fresh)])
            done += 1
            last = len(times) < HITS_PER_PAGE or not fresh or (max_pages is not None and done >= max_pages)
            yield page_of(parse_hits(reply.body, source.name), str(newest) if last else None)
            if last:
                return
            oldest = min(t for _, t in fresh)
