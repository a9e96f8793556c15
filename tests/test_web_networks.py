"""Networks on the web (issue 14 item 1), over real HTTP on SQLite and PostgreSQL: the trending page, its
JSON twin and its feed count any public network by name (``network=``), the page offers each in a picker
of plain links, an unknown name is a 404 saying which names there are, and the render cache keeps each
network's page apart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import httpx
from markupsafe import escape

from tests.web_site import site
from tests.web_world import NETWORK, OTHER_NETWORK

__all__ = ["site"]
ATOM_ENTRY = "{http://www.w3.org/2005/Atom}entry"


def get(base: str, path: str) -> httpx.Response:
    return httpx.get(base + path, timeout=30)


def paper_ids(html: str) -> list[str]:
    return re.findall(r'<a href="/abs/([^"]+)" class="details">', html)


def test_each_public_network_by_name_on_the_page_the_api_and_the_feed(site: str) -> None:
    everyone = paper_ids(get(site, "/?window=month").text)
    mine = paper_ids(get(site, f"/?window=month&network={NETWORK}").text)
    other = paper_ids(get(site, f"/?window=month&network={OTHER_NETWORK}").text)
    assert len({tuple(everyone), tuple(mine), tuple(other)}) == 3
    assert paper_ids(get(site, "/?window=month&audience=network").text) == mine  # the site's own network
    api = get(site, f"/api/v1/trending?window=month&network={OTHER_NETWORK}").json()
    assert (api["audience"], api["network"], api["networks"]) == ("network", OTHER_NETWORK, [NETWORK, OTHER_NETWORK])
    assert [i["arxiv_id"] for i in api["items"]] == other
    assert api["links"]["next"] == f"/api/v1/trending?window=month&audience=network&network={OTHER_NETWORK}&page=2"
    second = get(site, api["links"]["next"]).json()
    assert [i["arxiv_id"] for i in second["items"]] == paper_ids(get(site, second["links"]["html"]).text)
    assert get(site, "/api/v1/trending").json()["network"] is None  # everyone counts no network
    feed = ET.fromstring(get(site, f"/feeds/trending.atom?window=month&network={OTHER_NETWORK}").content)
    assert [e.findtext("{http://www.w3.org/2005/Atom}id", "").rsplit(":", 1)[1] for e in feed.iter(ATOM_ENTRY)] == other


def test_the_picker_is_plain_links_to_every_network_and_marks_the_current_one(site: str) -> None:
    html = get(site, f"/?window=today&network={OTHER_NETWORK}").text
    picker = html[html.index('aria-label="Whose posts count"') :].split("</nav>")[0]
    links = {href: name.strip() for href, name in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)', picker)}
    assert links == {"/?window=today": "Everyone", f"/?window=today&amp;network={NETWORK}": NETWORK,
                     f"/?window=today&amp;network={OTHER_NETWORK}": OTHER_NETWORK}  # fmt: skip
    assert f'aria-current="page">{OTHER_NETWORK}</a>' in picker and "(my network)" in picker
    assert f'<input type="hidden" name="network" value="{OTHER_NETWORK}">' in html  # the filters keep it
    for href in links:
        assert get(site, href.replace("&amp;", "&")).status_code == 200


def test_an_unknown_network_is_a_404_naming_the_networks_there_are(site: str) -> None:
    expected = f"network: no public network named 'following'; choose one of: {NETWORK}, {OTHER_NETWORK}"
    page = get(site, "/?network=following")
    assert page.status_code == 404 and f'<p class="error-message">{escape(expected)}</p>' in page.text
    api = get(site, "/api/v1/trending?network=following")
    assert api.status_code == 404 and api.json() == {"error": expected, "status": 404}
    feed = get(site, "/feeds/trending.atom?network=following")
    assert feed.status_code == 404 and escape(expected) in feed.text
    both = get(site, f"/api/v1/trending?audience=everyone&network={NETWORK}")
    assert both.status_code == 400 and both.json()["error"].startswith("network: audience=everyone counts no network")


def test_the_render_cache_keeps_each_network_apart(site: str) -> None:
    first = get(site, f"/?window=week&network={NETWORK}")
    other = get(site, f"/?window=week&network={OTHER_NETWORK}")
    again = get(site, f"/?window=week&network={NETWORK}")
    assert first.headers["etag"] != other.headers["etag"] and again.headers["etag"] == first.headers["etag"]
    assert paper_ids(first.text) == paper_ids(again.text) != paper_ids(other.text)
    assert get(site, f"/api/v1/trending?network={OTHER_NETWORK}").json()["network"] == OTHER_NETWORK
    assert get(site, f"/api/v1/trending?network={NETWORK}").json()["network"] == NETWORK
