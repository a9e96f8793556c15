"""Downloads of the list pages: CSV with the API's fields, BibTeX of search results and of several papers,
linked from the pages; bad parameters answer 400 with one line, never a 500."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest

from papertalk.config import Settings
from papertalk.storage.engine import Engine
from tests.web_world import load_world, served


@pytest.fixture
def site(engine: Engine, db_url: str, tmp_path: Path) -> str:
    load_world(engine, tmp_path)
    return db_url


def rows_of(answer: httpx.Response) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(answer.text)))


def test_trending_csv_has_the_api_items_in_order(site: str) -> None:
    with served(Settings.from_env({"PAPERTALK_DATABASE_URL": site})) as base:
        api = httpx.get(f"{base}/api/v1/trending?window=month").json()
        rows = rows_of(httpx.get(f"{base}/trending.csv?window=month"))
        assert [r["arxiv_id"] for r in rows] == [i["arxiv_id"] for i in api["items"]] and rows
        first = api["items"][0]
        assert rows[0]["score"] == str(first["score"]) and rows[0]["people"] == str(first["people"])
        titled = next(i for i in api["items"] if i["paper"])
        row = next(r for r in rows if r["arxiv_id"] == titled["arxiv_id"])
        assert row["title"] == titled["paper"]["title"]
        assert row["authors"] == "; ".join(titled["paper"]["authors"])
        # the API answer still sits under its own URL: the JSON there is JSON
        assert httpx.get(f"{base}/api/v1/trending?window=month").json() == api
        page = httpx.get(f"{base}/?window=month").text
        assert 'href="/trending.csv?window=month"' in page and 'href="/api/v1/trending?window=month"' in page
        bad = httpx.get(f"{base}/trending.csv?window=year")
        assert bad.status_code == 400 and "window" in bad.text  # the site's error page, naming the parameter


def test_posts_and_search_csv(site: str) -> None:
    with served(Settings.from_env({"PAPERTALK_DATABASE_URL": site})) as base:
        api = httpx.get(f"{base}/api/v1/posts").json()
        rows = rows_of(httpx.get(f"{base}/posts.csv"))
        assert [r["url"] for r in rows] == [i["post"]["url"] or "" for i in api["items"]] and rows
        assert rows[0]["arxiv_ids"] == " ".join(api["items"][0]["arxiv_ids"])
        hits = httpx.get(f"{base}/api/v1/search?q=learning").json()["hits"]
        found = rows_of(httpx.get(f"{base}/search.csv?q=learning"))
        assert [r["arxiv_id"] for r in found] == [h["paper"]["arxiv_id"] for h in hits] and found
        assert 'href="/search.bib?q=learning"' in httpx.get(f"{base}/search?q=learning").text


def test_bibtex_of_search_results_and_of_several_papers(site: str) -> None:
    with served(Settings.from_env({"PAPERTALK_DATABASE_URL": site})) as base:
        hits = httpx.get(f"{base}/api/v1/search?q=learning").json()["hits"]
        bib = httpx.get(f"{base}/search.bib?q=learning")
        assert bib.status_code == 200 and bib.headers["content-type"].startswith("application/x-bibtex")
        assert bib.text.count("@misc{") + bib.text.count("@article{") == len(hits) > 0
        ids = [h["paper"]["arxiv_id"] for h in hits[:3]]
        several = httpx.get(f"{base}/papers.bib", params={"ids": ",".join([*ids, ids[0], "2701.99999"])})
        assert several.status_code == 200
        assert several.text.startswith("% not in papertalk: 2701.99999\n")
        for arxiv_id in ids:
            assert several.text.count(arxiv_id) >= 1
        assert several.text.count("eprint") == len(ids)  # the repeated id once
        bad = httpx.get(f"{base}/papers.bib", params={"ids": "not-an-id"})
        assert bad.status_code == 400 and "not an arXiv id" in bad.text


def test_a_formula_in_a_cell_is_not_run_by_a_spreadsheet(site: str) -> None:
    from papertalk.core.csv_cells import cell as _cell

    assert _cell('=HYPERLINK("http://evil")').startswith("'=")
    assert _cell("-1") == "'-1" and _cell("plain") == "plain" and _cell(["a", "b"]) == "a; b"
