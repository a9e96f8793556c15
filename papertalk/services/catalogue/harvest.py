"""Bulk harvesting of arXiv metadata through OAI-PMH, resumable page by page.

Each page's papers commit together with the resumption token that follows them (storage.catalogue.harvest_rows),
so an interrupted harvest continues with the next page; a harvest that finished starts over when run
again (re-harvesting updates papers, never duplicates them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from papertalk.arxiv.oai_pmh import OaiPage
from papertalk.storage.catalogue.harvest_rows import load_state, save_state
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine

PageHandler = Callable[[int, int | None], None]  # (records so far, complete list size if known)


class PageSource(Protocol):
    def harvest(
        self,
        from_date: str | None,
        until: str | None = None,
        set_spec: str | None = None,
        resumption_token: str | None = None,
    ) -> Iterator[OaiPage]: ...


@dataclass
class HarvestSummary:
    name: str
    pages: int = 0
    papers: int = 0
    deleted: int = 0
    record_errors: int = 0
    resumed: bool = False


def harvest_name(from_date: str | None, set_spec: str | None, until: str | None) -> str:
    return f"set={set_spec or 'all'} from={from_date or 'start'} until={until or 'now'}"


def harvest(
    engine: Engine,
    source: PageSource,
    now: int,
    from_date: str | None,
    set_spec: str | None = None,
    until: str | None = None,
    restart: bool = False,
    on_page: PageHandler | None = None,
) -> HarvestSummary:
    name = harvest_name(from_date, set_spec, until)
    with engine.connect() as conn:
        state = load_state(conn, name)
    token = None
    records = 0
    if state is not None and state.finished_at is None and state.resumption_token and not restart:
        token, records = state.resumption_token, state.records
    summary = HarvestSummary(name=name, resumed=token is not None)
    for page in source.harvest(from_date, until, set_spec, resumption_token=token):
        records += len(page.papers)
        with engine.begin() as conn:
            upsert_papers(conn, page.papers, now)
            save_state(conn, name, from_date, set_spec, page.resumption_token, records, now, not page.resumption_token)
        summary.pages += 1
        summary.papers += len(page.papers)
        summary.deleted += len(page.deleted)
        summary.record_errors += len(page.errors)
        if on_page:
            on_page(records, page.complete_list_size)
    return summary
