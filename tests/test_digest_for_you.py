"""For you as a part of a person's own digest, on both backends: the period's discussed papers as of its
end ranked by closeness to the person's papers, with reasons, on the page and in its JSON twin; nothing
of it for anyone else's digest; posts dated after the period never change it; the section in a real
headless Chromium at desktop and phone widths, light and dark."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from papertalk.config import Settings
from papertalk.services.digests.digest_dates import day_period
from papertalk.services.digests.digest_for_you import digest_for_you
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.schema import upgrade
from tests.browser import DESKTOP, PHONE, chromium_path
from tests.helpers import NOW, post, run_import, write_lines
from tests.test_for_you import PASSWORD, signed_in, world
from tests.test_people_browser import browser, new_page
from tests.web_world import served

__all__ = ["browser"]

DAY = datetime.fromtimestamp(NOW - 12 * 3600, UTC).date()  # the day of the week's posts in world()


def test_the_day_s_for_you_is_its_papers_closest_to_the_person_s(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    ada = world(engine, tmp_path)
    start, end = day_period(DAY).bounds(UTC)
    found = digest_for_you(engine, settings, ada, start, end, NOW)
    assert found and found[0].paper.arxiv_id == "2401.00003"  # the day's protein paper
    assert found[0].reason.startswith("like “On protein folding: part ")
    assert found[0].reason.endswith(", discussed in your network")
    assert "2401.00001" not in [i.paper.arxiv_id for i in found]  # already theirs
    # a period that ended 5 hours ago: posts dated after it (2 hours ago) never enter its For you
    before = [i.paper.arxiv_id for i in digest_for_you(engine, settings, ada, NOW - 20 * 3600, NOW - 5 * 3600, NOW)]
    later = [post(f"late{j}", f"late{j}", 2, text="see https://arxiv.org/abs/2401.00004") for j in range(5)]
    assert run_import(engine, write_lines(tmp_path / "late.jsonl", later))[1] == []
    after = digest_for_you(engine, settings, ada, NOW - 20 * 3600, NOW - 5 * 3600, NOW)
    assert "2401.00004" not in before and [i.paper.arxiv_id for i in after] == before
    today = digest_for_you(engine, settings, ada, NOW - 20 * 3600, NOW + 3600, NOW)
    assert "2401.00004" in [i.paper.arxiv_id for i in today]  # a period still open counts them
    assert digest_for_you(engine, settings, ada, end, end + 86_400, end - 1) == []  # not begun


def test_the_own_digest_page_and_json_have_for_you_and_no_one_else_s(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    world(engine, tmp_path)
    with served(Settings.from_env({"PAPERTALK_DATABASE_URL": db_url})) as base:
        ada = signed_in(base, "ada")
        page = ada.get(f"/digest/{DAY.isoformat()}")
        assert page.status_code == 200
        section = page.text.split('class="digest-extras digest-for-you"><h2>For you</h2>', 1)[1].split("</section>")[0]
        assert re.findall(r'<li><a href="/abs/([^"]+)">', section)[0] == "2401.00003"
        assert "discussed in your network" in section
        data = ada.get(f"/digest/{DAY.isoformat()}.json").json()
        assert data["for_you"][0]["paper"]["arxiv_id"] == "2401.00003" and data["for_you"][0]["like"]
        everyone = ada.get(f"/digest/{DAY.isoformat()}.json?audience=everyone").json()
        assert "for_you" not in everyone
        anonymous = httpx.get(f"{base}/digest/{DAY.isoformat()}", timeout=60).text
        assert "digest-for-you" not in anonymous
        bo = signed_in(base, "bo")  # no network, no lists: nothing to go on
        assert bo.get(f"/digest/{DAY.isoformat()}.json").json()["for_you"] == []


@pytest.mark.slow
@pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (make chromium installs it)")
@pytest.mark.parametrize(("viewport", "scheme"), [(DESKTOP, "light"), (PHONE, "dark")])
def test_the_for_you_section_in_chromium_at_phone_and_desktop_widths(
    browser: Browser, tmp_path: Path, viewport: dict[str, int], scheme: str
) -> None:
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    world(engine, tmp_path)
    with served(Settings.from_env({"PAPERTALK_DATABASE_URL": url})) as base:
        page, outside = new_page(browser, viewport, scheme)
        page.goto(base + "/signin")
        page.get_by_label("User name").fill("ada")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        page.goto(f"{base}/digest/{DAY.isoformat()}")
        section = page.locator("section.digest-for-you")
        expect(section.get_by_role("heading", name="For you")).to_be_visible()
        expect(section.locator("li").first).to_contain_text("discussed in your network")
        expect(section.locator("li a").first).to_have_attribute("href", "/abs/2401.00003")
        box = section.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # nothing sticks out
        page.close()
    assert outside.blocked == []
