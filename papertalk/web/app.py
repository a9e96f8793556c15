"""The web app factory: pages, JSON API, Atom feeds and static files over one database."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response
from starlette.staticfiles import StaticFiles

from papertalk.config import Settings
from papertalk.services.database import open_database
from papertalk.services.library.summary_rights import SummaryNotFound
from papertalk.services.pages.page_request import NetworkNotFound, PageRequestError
from papertalk.services.pages.paper_page import PaperNotFound
from papertalk.services.pages.trending_page import default_network
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import NotAllowed
from papertalk.services.search.paper_search import SearchQueryError
from papertalk.web import (
    admin_pages,
    api,
    api_curated,
    api_lists,
    api_network,
    api_notes,
    api_people,
    curated_pages,
    digest_feeds,
    digest_pages,
    discover_api,
    feeds,
    for_you_pages,
    list_import_pages,
    list_pages,
    mail_pages,
    my_data_download,
    network_pages,
    notes_browse,
    notes_feeds,
    notes_pages,
    pages,
    people_pages,
    settings_pages,
    table_exports,
)
from papertalk.web.bearer import ApiAuthError
from papertalk.web.head_requests import HeadAsGet
from papertalk.web.http_cache import SecurityHeaders
from papertalk.web.personal_cache import KeptPersonalPages
from papertalk.web.render_cache import CachedPages
from papertalk.web.server_errors import ServerErrors
from papertalk.web.state import HERE, WebSettings, WebState, state_of


def create_app(settings: Settings, web: WebSettings | None = None, clock: Callable[[], float] = time.time) -> FastAPI:
    """A FastAPI app over the database of ``settings`` (its schema must be current)."""
    web = web or WebSettings()
    engine = open_database(settings)
    app = FastAPI(
        title="papertalk API",
        version="1",
        description="Trending arXiv papers and the posts that cite them. Every HTML page has a JSON twin here.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # the hosted docs UIs load scripts from a CDN: not on this site
        redoc_url=None,
    )
    state = WebState(settings, web, engine, default_network(engine, web.network), clock)
    app.state.web = state
    # Outermost last: every answer, a 500 or a cached page included, gets the security headers, and a HEAD
    # is a GET for everything inside (the cache included).
    app.add_middleware(KeptPersonalPages, state=state)  # inside ServerErrors: a failing query is a 500 page
    app.add_middleware(ServerErrors, error_page=_server_error)
    app.add_middleware(CachedPages, cache=state.cache, max_age=web.cache_seconds)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    app.include_router(pages.router)
    app.include_router(people_pages.router)
    app.include_router(admin_pages.router)
    app.include_router(list_import_pages.router)
    app.include_router(list_pages.router)
    app.include_router(discover_api.router)  # before api's /papers/{id:path}, which would take …/similar
    app.include_router(api.router)
    app.include_router(api_people.router)
    app.include_router(api_lists.router)
    app.include_router(api_curated.router)
    app.include_router(settings_pages.router)
    app.include_router(mail_pages.router)
    app.include_router(network_pages.router)
    app.include_router(api_network.router)
    app.include_router(for_you_pages.router)
    app.include_router(for_you_pages.api_router)
    app.include_router(notes_pages.router)
    app.include_router(notes_browse.router)
    app.include_router(api_notes.router)
    app.include_router(notes_feeds.router)
    app.include_router(feeds.router)
    app.include_router(table_exports.router)
    app.include_router(my_data_download.router)
    app.include_router(curated_pages.router)
    app.include_router(digest_pages.router)
    app.include_router(digest_feeds.router)
    app.include_router(curated_pages.feeds)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _add_error_pages(app)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
    titles = {
        400: "Bad request",
        401: "Not signed in",
        403: "Not allowed",
        404: "Not found",
        405: "Method not allowed",
        500: "Server error",
    }
    page = state_of(request).render(
        request, "error.html", status_code=status, status=status, message=message, title=titles.get(status, "Error")
    )
    page.headers.update(headers or {})
    return page


def _server_error(request: Request) -> Response:
    return _error(request, 500, "something went wrong on our side; the error is logged")


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(PaperNotFound)
    @app.exception_handler(SummaryNotFound)
    async def not_found(request: Request, error: Exception) -> Response:
        return _error(request, 404, str(error))

    @app.exception_handler(network_pages.PageNotFound)
    async def network_not_found(request: Request, error: network_pages.PageNotFound) -> Response:
        return _error(request, 404, str(error))

    @app.exception_handler(people_pages.FormRefused)
    async def form_refused(request: Request, error: people_pages.FormRefused) -> Response:
        return _error(request, error.status, str(error))

    @app.exception_handler(ApiAuthError)
    async def api_refused(request: Request, error: ApiAuthError) -> Response:
        challenge = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        return _error(request, error.status, str(error), challenge)

    @app.exception_handler(NotAllowed)
    async def not_allowed(request: Request, error: NotAllowed) -> Response:
        return _error(request, 403, str(error))

    @app.exception_handler(NetworkNotFound)
    async def unseen_network(request: Request, error: NetworkNotFound) -> Response:
        return _error(request, 404, str(error))

    @app.exception_handler(PageRequestError)
    @app.exception_handler(SearchQueryError)
    @app.exception_handler(FormProblem)
    async def bad_request(request: Request, error: Exception) -> Response:
        return _error(request, 400, str(error))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {}
        place = tuple(first.get("loc", ()))
        where = ".".join(str(p) for p in place[1:]) or "request"
        # A path whose parameter is out of its range (an id beyond its column, a 0) names nothing: not found.
        status = 404 if place[:1] == ("path",) else 400
        return _error(request, status, f"{where}: {first.get('msg', 'invalid value')}")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if error.status_code == 404:
            return _error(request, 404, f"no page at {request.url.path[:200]}")
        headers = dict(error.headers or {})
        if error.status_code == 405:  # the router names the route's methods; StaticFiles names none
            headers.setdefault("Allow", "GET")  # the router names a route's own methods; HeadAsGet adds HEAD
        return _error(request, error.status_code, str(error.detail), headers)
