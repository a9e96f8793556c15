"""BibTeX of several papers at once (a list of ids, or a page of search results), one entry each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from papertalk.core.bibtex import bibtex
from papertalk.core.records import Paper
from papertalk.services.pages.page_request import PageRequestError
from papertalk.services.pages.paper_page import PaperNotFound, normalize_id
from papertalk.storage.catalogue.paper_rows import papers_by_arxiv_id
from papertalk.storage.engine import Engine

MAX_PAPERS = 200


@dataclass(frozen=True)
class BibtexFile:
    text: str
    unknown: list[str]  # ids asked for that papertalk does not hold


def bibtex_file(papers: Sequence[Paper]) -> str:
    return "\n".join(bibtex(paper) for paper in papers)


def bibtex_of_ids(engine: Engine, raw_ids: Sequence[str]) -> BibtexFile:
    """Entries for ``raw_ids`` (ids or arXiv URLs), in the order given, duplicates once."""
    if len(raw_ids) > MAX_PAPERS:
        raise PageRequestError(f"ids: at most {MAX_PAPERS} papers at once, not {len(raw_ids)}")
    ids: list[str] = []
    for raw in raw_ids:
        try:
            canonical = normalize_id(raw.strip())
        except PaperNotFound as error:
            raise PageRequestError(f"ids: {error}") from None
        if canonical not in ids:
            ids.append(canonical)
    with engine.connect() as conn:
        found = papers_by_arxiv_id(conn, ids)
    return BibtexFile(bibtex_file([found[i] for i in ids if i in found]), [i for i in ids if i not in found])
