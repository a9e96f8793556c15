"""The pages in a real browser: Debian's chromium driven by Playwright, against the app on 127.0.0.1
over the test world. Every request that would leave 127.0.0.1 is aborted and fails the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from papertalk.config import Settings
from papertalk.storage.engine import make_engine
from tests.browser import DESKTOP, PHONE, OutsideRequests, chromium, chromium_path
from tests.databases import migrate_fast
from tests.web_world import MATH_TITLE, NETWORK, OTHER_NETWORK, load_world, served

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (make chromium installs it)"),
]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory: Path = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{directory / 'web.sqlite3'}"
    engine = make_engine(migrate_fast(url))
    load_world(engine, directory)
    engine.dispose()
    with served(Settings.from_env({"PAPERTALK_DATABASE_URL": url})) as address:
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture
def outside() -> OutsideRequests:
    return OutsideRequests()


@pytest.fixture
def page(browser: Browser, outside: OutsideRequests) -> Iterator[Page]:
    p = browser.new_page(viewport=DESKTOP)
    p.route("**/*", outside)
    errors: list[str] = []
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield p
    p.close()
    assert outside.blocked == [], f"requests left 127.0.0.1: {outside.blocked}"
    assert errors == [], f"console errors (CSP violations show here): {errors}"


def titles(page: Page) -> list[str]:
    page.wait_for_load_state()  # after a click the old page may still be there, or the new one half-read
    return page.locator("li.paper h2").all_inner_texts()


def test_trending_shows_twenty_papers_with_titles_counts_and_charts(page: Page, base: str) -> None:
    page.goto(base + "/")
    expect(page.locator("li.paper")).to_have_count(20)
    assert all(t.strip() for t in titles(page))
    expect(page.locator("li.paper .counts")).to_have_count(20)
    expect(page.locator("li.paper svg.chart")).to_have_count(20)
    assert page.locator("li.paper svg.chart rect").count() > 20
    expect(page.locator(".demo-banner")).to_contain_text("DEMO DATA")
    first = page.locator("li.paper .counts").first.inner_text()
    assert first.startswith("Captured posts and reposts:") and "people" in first


def test_switching_window_and_audience_changes_the_list(page: Page, base: str) -> None:
    page.goto(base + "/")
    week = titles(page)
    page.get_by_role("link", name="Today", exact=True).click()
    expect(page).to_have_url(base + "/?window=today")
    today = titles(page)
    assert today and today != week
    page.get_by_role("link", name=f"{NETWORK} (my network)").click()
    expect(page).to_have_url(base + f"/?window=today&network={NETWORK}")
    mine = titles(page)
    assert mine != today
    page.get_by_role("link", name=OTHER_NETWORK, exact=True).click()
    expect(page).to_have_url(base + f"/?window=today&network={OTHER_NETWORK}")
    assert titles(page) not in (today, mine)
    page.get_by_role("link", name="Everyone").click()
    expect(page).to_have_url(base + "/?window=today")
    assert titles(page) == today


def test_pagination_walks_forward_and_back(page: Page, base: str) -> None:
    page.goto(base + "/")
    first = titles(page)
    page.locator("nav.pager").get_by_role("link", name="Next ›").click()
    expect(page.locator("nav.pager a.current")).to_have_text("2")
    expect(page.locator("li.paper .rank").first).to_have_text("21")
    second = titles(page)
    assert set(second).isdisjoint(first)
    page.locator("nav.pager").get_by_role("link", name="3", exact=True).click()
    expect(page.locator("nav.pager a.current")).to_have_text("3")
    page.go_back()
    page.locator("nav.pager").get_by_role("link", name="‹ Previous").click()
    expect(page.locator("nav.pager a.current")).to_have_text("1")
    assert titles(page) == first


def test_paper_page_shows_posts_bibtex_and_hover_values(page: Page, base: str) -> None:
    page.goto(base + "/")
    page.locator("a.details").first.click()
    expect(page.locator("#posts blockquote").first).to_be_visible()
    expect(page.locator("#bibtex")).to_contain_text("@misc{")
    expect(page.locator("button.copy")).to_be_visible()  # the script reveals it where a clipboard exists
    tip = page.locator("svg.chart g title").first.text_content() or ""
    assert " post" in tip and ":" in tip
    expect(page.locator("table.breakdown tbody tr").first).to_be_visible()


def test_math_renders_as_mathml(page: Page, base: str) -> None:
    page.goto(base + "/search?q=sparse+recovery")
    link = page.get_by_role("link", name="Lower bounds").first
    link.click()
    math = page.locator("h1 math")
    expect(math).to_have_count(1)
    box = math.bounding_box()
    assert box is not None and box["width"] > 10  # laid out, not raw TeX
    assert "$" not in (page.locator("h1").text_content() or "")
    assert MATH_TITLE.startswith("Lower bounds")


def test_search_finds_a_paper_by_a_title_word(page: Page, base: str) -> None:
    page.goto(base + "/")
    title = titles(page)[0]
    word = max(title.split(), key=len).strip(":,.")
    page.get_by_role("searchbox", name="Search papers").fill(word)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/search?q={word}")
    expect(page.locator("ol.hits li").first).to_be_visible()
    assert any(word.lower() in t.lower() for t in page.locator("ol.hits li > a").all_inner_texts())


def test_phone_width_has_no_horizontal_scroll(browser: Browser, base: str, outside: OutsideRequests) -> None:
    phone = browser.new_page(viewport=PHONE)
    phone.route("**/*", outside)
    phone.goto(base + "/")
    paper = phone.locator("a.details").first.get_attribute("href")
    pages = ("/", "/?window=month&audience=network", f"/?network={OTHER_NETWORK}", str(paper), "/posts", "/about")
    for path in (*pages, "/search?q=learning"):
        phone.goto(base + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways: {width}px wide"
    phone.close()
    assert outside.blocked == []


def test_keyboard_reaches_the_skip_link_and_search(page: Page, base: str) -> None:
    page.goto(base + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "/#main")
    page.locator("#q").focus()
    page.keyboard.type("learning")
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "/search?q=learning")


def test_times_are_localized_with_the_absolute_time_on_hover(browser: Browser, base: str) -> None:
    context = browser.new_context(timezone_id="Asia/Tokyo", locale="en-GB")
    tokyo = context.new_page()
    tokyo.goto(base + "/posts")
    stamp = tokyo.locator("blockquote time").first
    assert "UTC" not in (stamp.get_attribute("title") or "UTC")  # rewritten into the reader's timezone
    context.close()
