"""Discover on the web, over real HTTP on both backends: similar papers and papers discussed by the same
people on the paper page and at ``/api/v1/papers/{id}/similar`` (old-style ids too), and its errors."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.web_site import site
from tests.web_world import NO_METADATA, OLD_STYLE

__all__ = ["site"]


def get(base: str, path: str) -> httpx.Response:
    return httpx.get(base + path, timeout=60)


def hottest(base: str) -> str:
    return str(get(base, "/api/v1/trending?window=week").json()["items"][0]["arxiv_id"])


def test_similar_api_gives_papers_with_reasons_and_the_same_people_s_papers(site: str) -> None:
    arxiv_id = hottest(site)
    answer = get(site, f"/api/v1/papers/{arxiv_id}/similar?limit=5")
    assert answer.status_code == 200
    data = answer.json()
    assert data["arxiv_id"] == arxiv_id and len(data["similar"]) == 5
    for s in data["similar"]:
        assert s["paper"]["arxiv_id"] != arxiv_id and s["reason"].startswith("Shares ")
        assert s["shared_terms"] or s["shared_authors"] or s["shared_categories"]
    scores = [s["score"] for s in data["similar"]]
    assert scores == sorted(scores, reverse=True)
    co = data["discussed_by_same_people"]
    assert co and all(c["people"] >= 1 and "posted about this paper" in c["reason"] for c in co)
    assert data["links"] == {
        "self": f"/api/v1/papers/{arxiv_id}/similar",
        "html": f"/abs/{arxiv_id}#similar",
        "first": None,
        "prev": None,
        "next": None,
        "last": None,
    }


def test_similar_api_takes_old_style_ids_and_refuses_bad_ones(site: str) -> None:
    old = get(site, f"/api/v1/papers/{OLD_STYLE}/similar")
    assert old.status_code == 200 and old.json()["arxiv_id"] == OLD_STYLE
    untitled = get(site, f"/api/v1/papers/{NO_METADATA}/similar").json()
    assert untitled["similar"] == []
    missing = get(site, "/api/v1/papers/2409.00001/similar")
    assert missing.status_code == 404 and missing.json()["error"] == "arXiv:2409.00001 is not in the catalogue"
    bad = get(site, "/api/v1/papers/nonsense/similar")
    assert bad.status_code == 404 and "not an arXiv id" in bad.json()["error"]
    assert get(site, f"/api/v1/papers/{OLD_STYLE}/similar?limit=0").status_code == 400


def test_paper_page_shows_both_lists_with_links_and_reasons(site: str) -> None:
    arxiv_id = hottest(site)
    html = get(site, f"/abs/{arxiv_id}").text
    similar = html.split('<section class="similar" id="similar">')[1].split("</section>")[0]
    linked = re.findall(r'<a href="/abs/([^"]+)">', similar)
    api = [s["paper"]["arxiv_id"] for s in get(site, f"/api/v1/papers/{arxiv_id}/similar?limit=8").json()["similar"]]
    assert linked == api and arxiv_id not in linked
    assert similar.count('class="reason">Shares ') == len(linked)
    assert '<section class="co-discussed" id="co-discussed">' in html and "within 3 days" in html
    assert "Similar papers" not in get(site, f"/abs/{NO_METADATA}").text  # nothing to compare without a title


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
