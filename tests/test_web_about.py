"""The about page's JSON twin (issue 14 item 6): /api/v1/about gives the ranking settings in force as data,
the same the page explains, over real HTTP against a site with its own ranking settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from papertalk.config import Settings
from papertalk.services.capture.accounts import add_ids_to_network
from papertalk.storage.engine import Engine
from tests.web_site import loaded_database
from tests.web_world import served

RANKING = {"PAPERTALK_RANKING_WEIGHT_REPLY": "0.4", "PAPERTALK_RANKING_HALF_LIFE_WEEK": "2d"}


def two_networks(engine: Engine, _directory: Path) -> None:
    add_ids_to_network(engine, "lab-b", [])
    add_ids_to_network(engine, "lab-a", [])


@pytest.fixture(scope="module")
def tuned_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with (
        loaded_database("sqlite", tmp_path_factory.mktemp("about"), two_networks) as url,
        served(Settings.from_env({"PAPERTALK_DATABASE_URL": url, **RANKING})) as base,
    ):
        yield base


def test_the_about_twin_gives_the_ranking_settings_in_force(tuned_site: str) -> None:
    about = httpx.get(f"{tuned_site}/api/v1/about", timeout=30)
    assert about.status_code == 200 and about.headers["etag"]
    data = about.json()
    assert data["weights"] == {"post": 1.0, "quote": 1.0, "reply": 0.4, "repost": 0.25}
    windows = {w["name"]: (w["length_seconds"], w["half_life_seconds"]) for w in data["windows"]}
    assert windows == {"today": (86_400, 86_400), "week": (7 * 86_400, 2 * 86_400),
                       "month": (30 * 86_400, 10 * 86_400), "all": (None, None)}  # fmt: skip
    assert (data["network"], data["networks"]) == ("lab-a", ["lab-a", "lab-b"])
    assert data["links"] == {"self": "/api/v1/about", "html": "/about", "first": None, "prev": None,
                             "next": None, "last": None}  # fmt: skip
    page = httpx.get(f"{tuned_site}/about", timeout=30).text
    assert "<td>reply</td><td>0.4</td>" in page and "48.0 hours" in page  # the page says the same
    assert '<a href="/?network=lab-b">lab-b</a>' in page and 'href="/api/v1/about"' in page
