"""HTTP details of the web app over real HTTP on 127.0.0.1 (issue 22 item 6): the security headers on every
answer, a 500 included; HEAD as GET without a body on every GET route of the route table; 405 with
``Allow``; one set of page and query limits for a page and its JSON twin; the people forms' POST routes
answer a GET with a 405 (nothing changes on GET)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.routing import iter_route_contexts

from papertalk.config import Settings
from papertalk.core.page_limits import MAX_PAGE_NUMBER, MAX_QUERY_CHARS
from papertalk.storage.engine import make_engine
from papertalk.web.app import create_app
from papertalk.web.http_cache import SECURITY_HEADERS
from tests.databases import migrate_fast
from tests.web_site import site
from tests.web_world import OLD_STYLE, served

__all__ = ["site"]

# A URL to try for each entry of the app's route table (a new route must be added here to be tested).
SAMPLES = {
    "/": "/",
    "/abs/{raw_id:path}": f"/abs/{OLD_STYLE}",
    "/posts": "/posts",
    "/search": "/search?q=learning",
    "/about": "/about",
    "/api/v1/trending": "/api/v1/trending",
    "/api/v1/papers/{arxiv_id:path}": f"/api/v1/papers/{OLD_STYLE}",
    "/api/v1/papers/{arxiv_id:path}/similar": f"/api/v1/papers/{OLD_STYLE}/similar",
    "/api/v1/posts": "/api/v1/posts",
    "/api/v1/search": "/api/v1/search?q=learning",
    "/api/v1/about": "/api/v1/about",
    "/api/v1/openapi.json": "/api/v1/openapi.json",
    "/feeds/trending.atom": "/feeds/trending.atom",
    "/feeds/posts.atom": "/feeds/posts.atom",
    "/feeds/papers/{raw_id:path}.atom": f"/feeds/papers/{OLD_STYLE}.atom",
    "/feeds/search.atom": "/feeds/search.atom?q=learning",
    "/static": "/static/style.css",
    "/signin": "/signin",
    "/signup": "/signup",
    "/account": "/account",  # signed out: a redirect to /signin
    "/settings": "/settings",  # signed out: a redirect to /signin
    "/networks": "/networks",
    "/networks/{network_id:int}": "/networks/1",
    "/for-you": "/for-you",  # signed out: a redirect to /signin
    "/account/data.zip": "/account/data.zip",  # signed out: a redirect to /signin
    "/trending.csv": "/trending.csv",
    "/posts.csv": "/posts.csv",
    "/search.csv": "/search.csv?q=learning",
    "/search.bib": "/search.bib?q=learning",
    "/papers.bib": f"/papers.bib?ids={OLD_STYLE}",
    "/api/v1/lists": "/api/v1/lists",
    "/api/v1/summaries": "/api/v1/summaries",
    "/api/v1/search/summaries": "/api/v1/search/summaries?q=learning",
    "/digest": "/digest",  # a redirect to yesterday's page
    "/digest/{name}": "/digest/2026-W49",
    "/digest/{day}/compose": "/digest/2026-12-06/compose",  # signed out: a redirect to /signin
    "/feeds/curated.atom": "/feeds/curated.atom",
    "/feeds/digest.atom": "/feeds/digest.atom",
    "/feeds/summaries.atom": "/feeds/summaries.atom",
    "/feeds/summaries/papers/{raw_id:path}.atom": f"/feeds/summaries/papers/{OLD_STYLE}.atom",
    "/lists": "/lists",
    "/lists/followed": "/lists/followed",  # signed out: a redirect to /signin
    "/lists/import": "/lists/import",  # signed out: a redirect to /signin
    "/notifications": "/notifications",  # signed out: a redirect to /signin
    "/summaries": "/summaries",
    "/summaries/new": f"/summaries/new?paper={OLD_STYLE}",  # signed out: a redirect to /signin
}
# GET routes that answer a signed-out reader with a refusal (tests/test_authorization.py signs in).
REFUSED_SIGNED_OUT = {
    "/admin": 403,
    "/api/v1/me": 401,
    "/api/v1/follows": 401,
    "/api/v1/settings": 401,
    "/api/v1/networks/mine": 401,
    "/join/{token}": 404,  # no invitation has this token
    "/api/v1/for-you": 401,
    "/admin/reports": 403,
    "/api/v1/notes": 401,
    "/api/v1/curated/{day}": 401,
    # No list, summary, comment or person of these ids or names exists on the test site.
    "/api/v1/lists/{list_id}": 404,
    "/api/v1/people/{name}/summaries": 404,
    "/api/v1/summaries/{summary_id}": 404,
    "/comments/{comment_id:int}": 404,
    "/feeds/digest/{token}.atom": 404,  # no digest feed has this token
    "/mail/confirm/{token}": 404,  # no pending digest email has this token
    "/mail/unsubscribe/{token}": 404,  # no digest email has this unsubscribe token
    "/feeds/people/{name}.atom": 404,
    "/lists/{list_id:int}": 404,
    "/lists/{list_id:int}/export.{kind}": 404,
    "/lists/{list_id:int}/feed.atom": 404,
    "/lists/{list_id:int}/print": 404,
    "/people/{name}": 404,
    "/summaries/{summary_id:int}": 404,
    "/summaries/{summary_id:int}/edit": 404,
    "/summaries/{summary_id:int}/history": 404,
}
# The routes that change something: POST forms with a CSRF token (tests/test_people_web.py), and the API's
# one DELETE (a bearer token).
POST_ROUTES = {
    "/signin", "/signout", "/signup", "/account/password", "/account/signout-everywhere", "/account/delete",
    "/account/tokens", "/account/tokens/revoke",
    "/admin/users", "/admin/invitations", "/admin/invitations/revoke", "/admin/registration",
    "/settings", "/settings/follow", "/settings/unfollow", "/settings/block", "/settings/unblock",
    "/settings/import", "/settings/import-x", "/networks", "/networks/accounts/add", "/networks/accounts/remove",
    "/networks/invite", "/networks/members", "/networks/members/remove", "/networks/leave", "/networks/delete",
    "/join/{token}", "/api/v1/follows", "/api/v1/blocks", "/api/v1/networks", "/api/v1/networks/{network_id}/accounts",
    "/account/digest-feed", "/settings/mail", "/settings/mail/stop", "/mail/confirm/{token}",
    "/mail/unsubscribe/{token}", "/admin/reports", "/reports", "/notifications/read", "/digest/{day}/compose",
    "/lists", "/lists/add", "/lists/import", "/lists/{list_id:int}/edit", "/lists/{list_id:int}/follow",
    "/summaries/new", "/summaries/{summary_id:int}/comments", "/summaries/{summary_id:int}/delete",
    "/summaries/{summary_id:int}/edit", "/summaries/{summary_id:int}/vote",
    "/comments/{comment_id:int}/delete", "/comments/{comment_id:int}/edit",
    "/api/v1/lists", "/api/v1/lists/{list_id}/items", "/api/v1/summaries", "/api/v1/summaries/{summary_id}/comments",
}  # fmt: skip
DELETE_ROUTES = {
    "/api/v1/tokens/{token_id}", "/api/v1/follows/{account:path}", "/api/v1/blocks/{account:path}",
    "/api/v1/networks/{network_id}/members/{user_name}", "/api/v1/networks/{network_id}/accounts/{account:path}",
    "/api/v1/comments/{comment_id}", "/api/v1/lists/{list_id}", "/api/v1/lists/{list_id}/items/{item_id}",
    "/api/v1/summaries/{summary_id}",
}  # fmt: skip
OTHER_WRITES = {
    "PUT": {"/api/v1/networks/{network_id}/members", "/api/v1/comments/{comment_id}", "/api/v1/summaries/{summary_id}",
            "/api/v1/summaries/{summary_id}/vote", "/api/v1/curated/{day}"},
    "PATCH": {"/api/v1/settings", "/api/v1/lists/{list_id}"},
}  # fmt: skip
# A page and its JSON twin, with the parameters both take.
TWINS = [("/", "/api/v1/trending", ""), ("/posts", "/api/v1/posts", ""), ("/search", "/api/v1/search", "q=learning")]


def empty_settings(directory: Path) -> Settings:
    url = f"sqlite:///{directory / 'web.sqlite3'}"
    engine = make_engine(migrate_fast(url))
    engine.dispose()
    return Settings.from_env({"PAPERTALK_DATABASE_URL": url})


@pytest.fixture(scope="module")
def route_table(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """The paths of the app's route table, with the methods of each."""
    app = create_app(empty_settings(tmp_path_factory.mktemp("routes")))
    paths: dict[str, set[str]] = {}
    for context in iter_route_contexts(app.routes):  # the included routers' routes, prefixes applied
        assert context.path is not None, context
        # a mount (static files) has none; FastAPI's own openapi.json route says GET and HEAD
        methods = (getattr(context.original_route, "methods", None) or {"GET"}) - {"HEAD"}
        assert methods in ({"GET"}, {"POST"}, {"DELETE"}, {"PUT"}, {"PATCH"}), (context.path, methods)
        paths.setdefault(context.path, set()).update(methods)
    return paths


def assert_security_headers(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS:
        assert response.headers.get(name.decode()) == value.decode(), (response.request.url, name)


def with_probe(url: str) -> str:
    """``url`` with a query parameter no route reads, so the render cache has not seen it yet."""
    return url + ("&" if "?" in url else "?") + f"probe={uuid.uuid4().hex}"


def test_the_samples_cover_the_route_table(route_table: dict[str, set[str]]) -> None:
    assert sorted(p for p, methods in route_table.items() if "GET" in methods) == sorted(
        set(SAMPLES) | set(REFUSED_SIGNED_OUT)
    )
    assert sorted(p for p, methods in route_table.items() if "POST" in methods) == sorted(POST_ROUTES)
    assert sorted(p for p, methods in route_table.items() if "DELETE" in methods) == sorted(DELETE_ROUTES)
    for method, paths in OTHER_WRITES.items():
        assert sorted(p for p, methods in route_table.items() if method in methods) == sorted(paths)


def test_a_get_never_reaches_a_route_that_changes_something(site: str) -> None:
    for route in POST_ROUTES - set(SAMPLES) - set(REFUSED_SIGNED_OUT):
        path = re.sub(r"\{\w+:int\}", "1", route)  # an int parameter matches digits only
        for method in ("GET", "HEAD"):
            answer = httpx.request(method, site + path, timeout=30)
            assert answer.status_code == 405, (method, path)
            assert answer.headers["allow"] == "POST", (method, path)


def test_head_is_get_without_a_body_on_every_route_fresh_and_cached(site: str) -> None:
    for sample in SAMPLES.values():
        url = site + with_probe(sample)
        fresh = httpx.head(url, timeout=30, follow_redirects=True)  # rendered by the route
        full = httpx.get(url, timeout=30, follow_redirects=True)
        cached = httpx.head(url, timeout=30, follow_redirects=True)  # answered by the render cache
        assert (fresh.status_code, full.status_code, cached.status_code) == (200, 200, 200), sample
        for head in (fresh, cached):
            assert head.content == b"", sample
            assert head.headers["content-type"] == full.headers["content-type"], sample
            assert head.headers["content-length"] == str(len(full.content)), sample
            assert_security_headers(head)
    for route, status in REFUSED_SIGNED_OUT.items():
        path = re.sub(r"\{\w+(:\w+)?\}", "1", route)  # "1": no token, name or id of the test site
        head, full = httpx.head(site + path, timeout=30), httpx.get(site + path, timeout=30)
        assert (head.status_code, full.status_code, head.content) == (status, status, b""), path
        assert_security_headers(head)


def test_a_method_no_route_takes_is_a_405_naming_get_and_head(site: str) -> None:
    for path, sample in SAMPLES.items():
        for method in ("DELETE", "PUT") if path in POST_ROUTES else ("POST", "DELETE", "PUT"):
            answer = httpx.request(method, site + sample, timeout=30)
            assert answer.status_code == 405, (method, sample)
            assert {m.strip() for m in answer.headers["allow"].split(",")} == {"GET", "HEAD"}, (method, sample)
            assert_security_headers(answer)


def test_404_and_400_answers_carry_the_security_headers(site: str) -> None:
    for path, status in [
        ("/nowhere", 404),
        ("/api/v1/nowhere", 404),
        ("/?page=abc", 400),
        ("/api/v1/posts?page=0", 400),
    ]:
        answer = httpx.get(site + path, timeout=30)
        assert answer.status_code == status, path
        assert_security_headers(answer)


def failing_clock() -> float:
    raise RuntimeError("the clock is broken")


@pytest.fixture
def broken_site(tmp_path: Path) -> Iterator[str]:
    """The app over an empty database with a clock that raises: every page fails on the server's side."""
    with served(empty_settings(tmp_path), clock=failing_clock) as base:
        yield base


def test_a_500_carries_the_security_headers_and_says_what_happened(broken_site: str) -> None:
    page = httpx.get(broken_site + "/about", timeout=30)
    assert page.status_code == 500
    assert "something went wrong on our side" in page.text and "Traceback" not in page.text
    assert_security_headers(page)
    api = httpx.get(broken_site + "/api/v1/trending", timeout=30)
    assert api.status_code == 500
    assert api.json() == {"error": "something went wrong on our side; the error is logged", "status": 500}
    assert_security_headers(api)
    head = httpx.head(broken_site + "/about", timeout=30)
    assert head.status_code == 500 and head.content == b""
    assert_security_headers(head)


def test_a_page_and_its_json_twin_take_the_same_page_and_query_limits(site: str) -> None:
    for html, api, params in TWINS:
        for page, status in [(MAX_PAGE_NUMBER, 200), (MAX_PAGE_NUMBER + 1, 400), (0, 400)]:
            query = "&".join(p for p in (params, f"page={page}") if p)
            answers = [httpx.get(f"{site}{path}?{query}", timeout=30).status_code for path in (html, api)]
            assert answers == [status, status], (html, api, page)
    for length, status in [(MAX_QUERY_CHARS, 200), (MAX_QUERY_CHARS + 1, 400)]:
        q = "a" * length
        answers = [httpx.get(f"{site}{path}", params={"q": q}, timeout=30).status_code for path in TWINS[2][:2]]
        assert answers == [status, status], length
