"""Reading lists in a real headless Chromium (Debian's, through Playwright) on 127.0.0.1, without script on
the pages' side: build a conference list with day and session sections from the trending page's and the
paper page's "Add to list" buttons, reorder it, export it to Markdown and import the export back. Every
request that would leave 127.0.0.1 is aborted and fails the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from papertalk.config import Settings
from papertalk.services.people import user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.storage.engine import make_engine
from tests.browser import DESKTOP, OutsideRequests, chromium, chromium_path
from tests.databases import migrate_fast
from tests.web_world import NOW, load_world, served

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (make chromium installs it)"),
]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory: Path = tmp_path_factory.mktemp("lists-browser")
    url = f"sqlite:///{directory / 'web.sqlite3'}"
    engine = make_engine(migrate_fast(url))
    load_world(engine, directory)
    user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", PASSWORD, False, int(NOW))
    engine.dispose()
    with served(Settings.from_env({"PAPERTALK_DATABASE_URL": url})) as base:
        yield base


def titles(page: Page) -> list[str]:
    return [t.strip() for t in page.locator(".list-section .item-title").all_inner_texts()]


def add_from(page: Page, list_title: str, section: str, verdict: str) -> None:
    """Press the first "Add to list" button of the page, choose the list, section and verdict."""
    page.locator("form.add-to-list button").first.click()
    page.select_option("#list", label=list_title)
    page.fill("#section", section)
    page.fill("#verdict", verdict)
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_load_state()


def test_build_a_conference_list_reorder_export_and_import_it(site: str) -> None:
    with chromium() as browser:
        run(browser, site)


def run(browser: Browser, base: str) -> None:
    page = browser.new_page(viewport=DESKTOP)
    outside = OutsideRequests()
    page.route("**/*", outside)
    page.goto(f"{base}/signin")
    page.fill("#name", "ada")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(f"{base}/lists")
    page.fill("#title", "NIPS 2016")
    page.select_option("#visibility", "public")
    page.get_by_role("button", name="Create list").click()
    expect(page.locator("h1")).to_have_text("NIPS 2016")
    list_url = page.url
    page.fill("#section_title", "Tuesday")
    page.get_by_role("button", name="Add section").click()
    page.fill("#section_title", "Main talks")
    page.select_option("#parent", label="Tuesday")
    page.get_by_role("button", name="Add section").click()
    expect(page.locator(".list-section h3")).to_have_text("Main talks")
    # from the trending page (everyone: ada follows no one yet), then from a paper's page
    page.goto(f"{base}/?audience=everyone")
    first_paper = page.locator("form.add-to-list input[name=paper]").first.get_attribute("value")
    second_paper = page.locator("form.add-to-list input[name=paper]").nth(1).get_attribute("value")
    add_from(page, "NIPS 2016", "Tuesday/Main talks", "Interesting but complex")
    assert page.url == list_url
    page.goto(f"{base}/abs/{second_paper}")
    add_from(page, "NIPS 2016", "Tuesday/Main talks", "A highlight of the conference")
    assert page.url == list_url
    before = titles(page)
    assert len(before) == 2
    expect(page.locator(".list-section .verdict").first).to_have_text("Interesting but complex")
    page.get_by_role("button", name=f"Move {before[1]} up").click()
    page.wait_for_load_state()
    assert titles(page) == [before[1], before[0]]
    assert f"arXiv:{first_paper}" in page.locator(".list-page").inner_text()
    markdown = page.request.get(f"{list_url}/export.md").text()
    assert markdown.startswith("# NIPS 2016") and "## Tuesday" in markdown and "### Main talks" in markdown
    page.goto(f"{base}/lists/import")
    page.fill("#text", markdown)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("h2").first).to_have_text("Preview: NIPS 2016")
    assert "Not understood" not in page.content()
    page.get_by_role("button", name="Save as a new list").click()
    page.wait_for_load_state()
    assert page.url != list_url and titles(page) == [before[1], before[0]]
    expect(page.locator(".list-section h2").first).to_have_text("Tuesday")
    assert outside.blocked == []
    page.close()
