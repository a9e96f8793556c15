"""Downloads of the list pages: trending, search results and the newest posts as CSV (the API's fields,
flattened), and BibTeX of search results or of several papers at once.

Each CSV is made from the API's own answer for the same parameters (``web.api``), so it carries the same
fields and the same rules; the JSON is the API itself (``/api/v1/...``), linked from the pages beside it.
Cells that a spreadsheet would run as a formula get a leading ``'`` (``core.csv_cells``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from papertalk.core.csv_cells import cell, csv_text
from papertalk.core.page_limits import MAX_PAGE_NUMBER, MAX_QUERY_CHARS
from papertalk.services.pages.network_choice import MAX_NAME_CHARS
from papertalk.services.portability.paper_bibtex import bibtex_file, bibtex_of_ids
from papertalk.services.search.paper_search import search_papers
from papertalk.web import api
from papertalk.web.http_cache import etagged
from papertalk.web.state import state_of

router = APIRouter(include_in_schema=False)
Page = Annotated[int, Query(ge=1, le=MAX_PAGE_NUMBER)]
CSV = "text/csv; charset=utf-8"
BIBTEX = "application/x-bibtex; charset=utf-8"
PAPER_COLUMNS = ("title", "authors", "categories", "published_at", "doi", "journal_ref", "abs_url")


def _paper_cells(paper: dict[str, Any] | None) -> list[str]:
    return [cell((paper or {}).get(name)) for name in PAPER_COLUMNS]


def _csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    return csv_text(header, rows).encode()


def _download(request: Request, body: bytes, media_type: str, filename: str) -> Response:
    answer = etagged(request, body, media_type, state_of(request).web.cache_seconds)
    answer.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer


def _api_answer(request: Request, path: str, call: Callable[[Request], Response]) -> dict[str, Any]:
    """The API's JSON for this request's parameters, asked as the API's own URL (so the render cache keeps it
    under that URL, where it belongs) and without the client's validators (its ETag is the CSV's)."""
    headers = [(k, v) for k, v in request.scope["headers"] if k.lower() not in (b"if-none-match", b"if-modified-since")]
    scope = {**request.scope, "path": path, "raw_path": path.encode(), "headers": headers}
    answer = call(Request(scope, request.receive))
    return dict(orjson.loads(bytes(answer.body)))


@router.get("/trending.csv")
def trending_csv(
    request: Request,
    window: Literal["today", "week", "month", "all"] = "week",
    audience: Literal["network", "everyone"] | None = None,
    network: Annotated[str | None, Query(max_length=MAX_NAME_CHARS)] = None,
    new: bool = False,
    category: Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z][A-Za-z.-]*$")] = None,
    page: Page = 1,
) -> Response:
    found = _api_answer(
        request, "/api/v1/trending", lambda r: api.trending(r, window, audience, network, new, category, page)
    )
    header = ["rank", "arxiv_id", "score", "people", "posts", "reposts", *PAPER_COLUMNS]
    rows = [
        [cell(i[k]) for k in ("rank", "arxiv_id", "score", "people", "posts", "reposts")] + _paper_cells(i["paper"])
        for i in found["items"]
    ]
    return _download(request, _csv(header, rows), CSV, f"trending-{window}-page{page}.csv")


@router.get("/posts.csv")
def posts_csv(
    request: Request, platform: Annotated[str | None, Query(max_length=32)] = None, page: Page = 1
) -> Response:
    found = _api_answer(request, "/api/v1/posts", lambda r: api.posts(r, platform, page))
    fields = ("created_at", "platform", "kind", "author", "display_name", "url", "text")
    rows = [[cell(i["post"][k]) for k in fields] + [cell(" ".join(i["arxiv_ids"]))] for i in found["items"]]
    return _download(request, _csv([*fields, "arxiv_ids"], rows), CSV, f"posts-page{page}.csv")


@router.get("/search.csv")
def search_csv(
    request: Request, q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)], page: Page = 1
) -> Response:
    found = _api_answer(request, "/api/v1/search", lambda r: api.search(r, q, page))
    rows = [[cell(h["paper"]["arxiv_id"]), cell(h["score"]), cell(h["posts"]), *_paper_cells(h["paper"])]
            for h in found["hits"]]  # fmt: skip
    return _download(request, _csv(["arxiv_id", "score", "posts", *PAPER_COLUMNS], rows), CSV, f"search-page{page}.csv")


@router.get("/search.bib")
def search_bibtex(
    request: Request, q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)], page: Page = 1
) -> Response:
    size = 20
    results = search_papers(state_of(request).engine, q, limit=size, offset=(page - 1) * size)
    body = bibtex_file([hit.paper for hit in results.hits]).encode()
    return _download(request, body, BIBTEX, f"search-page{page}.bib")


@router.get("/papers.bib")
def papers_bibtex(request: Request, ids: Annotated[str, Query(min_length=1, max_length=8000)]) -> Response:
    """BibTeX of several papers: ``ids`` separated by commas or spaces (arXiv ids or URLs), at most 200."""
    made = bibtex_of_ids(state_of(request).engine, [i for i in ids.replace(",", " ").split() if i])
    body = made.text
    if made.unknown:
        body = "".join(f"% not in papertalk: {i}\n" for i in made.unknown) + body
    return _download(request, body.encode(), BIBTEX, "papers.bib")
