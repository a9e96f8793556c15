"""The web pages, API and feed over real HTTP against the app on 127.0.0.1, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import httpx
import pytest
from markupsafe import escape

from tests.helpers import NOW
from tests.web_site import site
from tests.web_world import MATH_TITLE, NO_METADATA, OLD_STYLE

__all__ = ["site"]


def get(base: str, path: str, **kwargs: object) -> httpx.Response:
    return httpx.get(base + path, timeout=30, **kwargs)  # type: ignore[arg-type]


def paper_ids(html: str) -> list[str]:
    return re.findall(r'<a href="/abs/([^"]+)" class="details">', html)


def test_trending_page_shows_twenty_papers_with_counts_charts_and_page_links(site: str) -> None:
    page = get(site, "/")
    assert page.status_code == 200
    html = page.text
    assert len(paper_ids(html)) == 20
    assert html.count('class="chart"') == 20
    assert html.count("Captured posts and reposts:") == 20
    assert "DEMO DATA" in html
    assert '<link rel="canonical" href="' in html and "<title>Trending papers · papertalk</title>" in html
    assert 'aria-current="page" class="current" href="/">1</a>' in html  # page links, current marked
    assert 'rel="next" href="/?page=2"' in html
    assert "<blockquote" in html  # commentaries
    second = get(site, "/?page=2").text
    assert set(paper_ids(second)).isdisjoint(paper_ids(html))
    assert 'rel="prev" href="/"' in second


def test_window_audience_new_and_category_change_the_list(site: str) -> None:
    week = paper_ids(get(site, "/").text)
    today = paper_ids(get(site, "/?window=today").text)
    network = paper_ids(get(site, "/?audience=network").text)
    assert week not in (today, network)
    api = get(site, "/api/v1/trending?window=month&new=true").json()
    published = [i["paper"]["published_at"] for i in api["items"] if i["paper"]]
    month_ago = datetime.fromtimestamp(NOW - 30 * 86_400, UTC).date().isoformat()
    assert published and all(p[:10] >= month_ago for p in published)
    everyone = get(site, "/api/v1/trending?window=month").json()
    assert api["total"] < everyone["total"]
    category = everyone["items"][0]["paper"]["categories"][0]
    only = get(site, f"/api/v1/trending?window=month&category={category}").json()
    assert only["items"] and all(i["paper"]["categories"][0] == category for i in only["items"])


def test_bad_parameters_give_a_one_line_400_naming_the_parameter(site: str) -> None:
    for path, where in [("/?window=year", "window"), ("/?page=x", "page"), ("/?page=0", "page")]:
        page = get(site, path)
        assert page.status_code == 400
        assert f'<p class="error-message">{where}:' in page.text
    api = get(site, "/api/v1/trending?page=0")
    assert api.status_code == 400 and api.json()["error"].startswith("page")


def test_paper_page_shows_posts_breakdown_bibtex_and_math(site: str) -> None:
    top = get(site, "/api/v1/trending").json()["items"][0]["arxiv_id"]
    html = get(site, f"/abs/{top}").text
    assert "All captured posts" in html and "<blockquote" in html
    assert "@misc{" in html and f"eprint = {{{top}}}" in html
    assert "Why is this trending?" in html and '<table class="breakdown">' in html
    assert re.search(r"<title>[^<]+: \d+ posts?</title>", html)  # hover values on the chart
    api = get(site, f"/api/v1/papers/{top}").json()
    assert api["posts_total"] > 0 and api["breakdown"] and api["bibtex"].startswith("@misc{")
    ranked = get(site, "/api/v1/trending").json()["items"][0]
    assert api["score"] == pytest.approx(ranked["score"]) and api["people"] == ranked["people"]
    largest = [c["contribution"] for c in api["breakdown"]]
    assert largest == sorted(largest, reverse=True) and sum(largest) <= api["score"] + 1e-9
    math_paper = get(site, "/search?q=sparse+recovery").text
    assert "<math" in math_paper and MATH_TITLE.split("$")[0].strip() in math_paper


def test_old_style_ids_unknown_ids_and_papers_without_metadata(site: str) -> None:
    old = get(site, f"/abs/{OLD_STYLE}")
    assert old.status_code == 200 and "Old style: strings on branes" in old.text
    assert get(site, f"/abs/{OLD_STYLE}v2", follow_redirects=False).headers["location"] == f"/abs/{OLD_STYLE}"
    bare = get(site, f"/abs/{NO_METADATA}")
    assert bare.status_code == 200 and "No metadata from arXiv yet" in bare.text and "New today" in bare.text
    assert get(site, "/abs/2101.00001").status_code == 404
    missing = get(site, "/abs/not-an-id")
    assert missing.status_code == 404 and "not an arXiv id" in missing.text and "<title>Not found" in missing.text
    assert get(site, "/no/such/page").status_code == 404
    assert get(site, "/api/v1/papers/2101.00001").json()["status"] == 404


def test_posts_search_about_and_feed(site: str) -> None:
    posts = get(site, "/posts").text
    assert posts.count("<li><blockquote") == 50 and 'Cites: <a href="/abs/' in posts
    mastodon = get(site, "/api/v1/posts?platform=mastodon").json()
    assert mastodon["items"] and {i["post"]["platform"] for i in mastodon["items"]} == {"mastodon"}
    assert get(site, "/posts?platform=myspace").status_code == 400
    top = get(site, "/api/v1/trending").json()["items"][0]["paper"]
    found = get(site, "/api/v1/search", params={"q": f'title:"{top["title"]}"'}).json()
    assert found["hits"][0]["paper"]["arxiv_id"] == top["arxiv_id"]
    query = f'title:"{top["title"]}"'
    page = get(site, "/search", params={"q": query}).text
    assert re.search(r"\d+ papers? match|Many papers match", page) and "0 papers" not in page
    assert f"<code>{escape(query)}</code>" in page  # the query as typed, its quotes escaped, not nested in ours
    nothing = get(site, "/search", params={"q": "zzqxjv <b>"}).text
    assert "No paper matches <code>zzqxjv &lt;b&gt;</code>." in nothing and "<li><a href" not in nothing
    common = get(site, "/search", params={"q": top["title"].split()[-1]}).text
    assert common.count('<li><a href="/abs/') >= 1 and "0 papers" not in common
    jump = get(site, f"/search?q=arXiv:{OLD_STYLE}", follow_redirects=False)
    assert jump.status_code == 303 and jump.headers["location"] == f"/abs/{OLD_STYLE}"
    about = get(site, "/about").text
    assert "0.25" in about and "72.0 hours" in about  # repost weight, week half-life, from RankingSettings
    feed = get(site, "/feeds/trending.atom?window=week")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    entries = ET.fromstring(feed.content).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 20


def test_headers_csp_etag_and_no_inline_script_or_style(site: str) -> None:
    first = get(site, "/")
    csp = first.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "default-src 'none'" in csp
    assert first.headers["cache-control"].startswith("public, max-age=")
    again = get(site, "/", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    for path in ("/", "/posts", "/about", f"/abs/{OLD_STYLE}", "/search?q=learning"):
        html = get(site, path).text
        assert "<style" not in html and ' style="' not in html and "<script>" not in html
        assert re.search(r"https?://(?!arxiv\.org|doi\.org|127\.0\.0\.1)[^\"']+\.(js|css)", html) is None


def test_openapi_describes_every_api_endpoint(site: str) -> None:
    spec = get(site, "/api/v1/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/v1/trending",
        "/api/v1/papers/{arxiv_id}",
        "/api/v1/papers/{arxiv_id}/similar",
        "/api/v1/posts",
        "/api/v1/search",
        "/api/v1/search/summaries",
        "/api/v1/about",
        "/feeds/trending.atom",
        "/feeds/posts.atom",
        "/feeds/papers/{raw_id}.atom",
        "/feeds/search.atom",
        "/api/v1/me",
        "/api/v1/for-you",
        "/api/v1/tokens/{token_id}",
        "/api/v1/lists",
        "/api/v1/lists/{list_id}",
        "/api/v1/lists/{list_id}/items",
        "/api/v1/lists/{list_id}/items/{item_id}",
        "/api/v1/follows",
        "/api/v1/follows/{account}",
        "/api/v1/blocks",
        "/api/v1/blocks/{account}",
        "/api/v1/settings",
        "/api/v1/networks",
        "/api/v1/networks/mine",
        "/api/v1/networks/{network_id}/members",
        "/api/v1/networks/{network_id}/members/{user_name}",
        "/api/v1/networks/{network_id}/accounts",
        "/api/v1/networks/{network_id}/accounts/{account}",
        "/api/v1/notes",
        "/api/v1/summaries",
        "/api/v1/summaries/{summary_id}",
        "/api/v1/summaries/{summary_id}/comments",
        "/api/v1/summaries/{summary_id}/vote",
        "/api/v1/comments/{comment_id}",
        "/api/v1/people/{name}/summaries",
        "/feeds/summaries.atom",
        "/feeds/summaries/papers/{raw_id}.atom",
        "/feeds/people/{name}.atom",
        "/feeds/digest.atom",
        "/feeds/digest/{token}.atom",
        "/feeds/curated.atom",
        "/api/v1/curated/{day}",
    }
    assert spec["components"]["securitySchemes"]["personalToken"]["scheme"] == "bearer"
    writes = spec["paths"]["/api/v1/settings"]["patch"]
    assert writes["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/SettingsIn")
    assert {"personalToken": []} in writes["security"]
    feed = spec["paths"]["/feeds/search.atom"]["get"]
    assert list(feed["responses"]["200"]["content"]) == ["application/atom+xml"]
    links = get(site, "/api/v1/trending?window=week&page=2").json()["links"]
    assert links["prev"] == "/api/v1/trending?window=week&audience=everyone"
    assert links["next"] == "/api/v1/trending?window=week&audience=everyone&page=3"


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_every_internal_link_of_the_main_pages_answers(site: str) -> None:
    seen: set[str] = set()
    for start in ("/", "/?window=month&audience=network", "/posts", "/about", "/search?q=learning"):
        html = get(site, start).text
        for link in re.findall(r'(?:href|src)="(/[^"#]*)', html):
            seen.add(link.replace("&amp;", "&"))
    paper = next(link for link in seen if link.startswith("/abs/"))
    seen |= {link.replace("&amp;", "&") for link in re.findall(r'href="(/[^"#]*)', get(site, paper).text)}
    assert len(seen) > 40
    # A link may redirect (the header's Digest link goes to yesterday's page) to a page that answers.
    broken = {link: get(site, link, follow_redirects=True).status_code for link in sorted(seen)}
    assert {link: code for link, code in broken.items() if code != 200} == {}
