"""My network and a shared network in a real headless Chromium (Debian's, through Playwright) on
127.0.0.1, by keyboard alone: sign in, follow an account on the settings page, see My network change on
the trending page, switch to a shared network, sign out; then the settings and network pages at phone
width and in dark mode. Bluesky look-ups go to the local AppView look-alike; any request that would
leave 127.0.0.1 is aborted and fails the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from papertalk.core.records import Author
from papertalk.fetching.pages import FetcherRegistry
from papertalk.services.capture.following import capture_accounts
from papertalk.services.networks import shared_networks
from papertalk.services.people import user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.storage.engine import make_engine
from tests.browser import DESKTOP, PHONE
from tests.databases import migrate_fast
from tests.fake_bluesky import FakeAppView, profile
from tests.helpers import NOW, post, run_import, write_lines
from tests.test_people_browser import PASSWORD, browser, fill_by_keyboard, new_page, pytestmark
from tests.test_people_web import settings_for
from tests.web_world import served

__all__ = ["browser", "pytestmark"]


@pytest.fixture
def site(tmp_path: Path, fake_appview: FakeAppView) -> Iterator[tuple[str, int]]:
    """Ada; Bluesky users 1 and 2 cite papers 1 and 2; Bob's shared network "lab" (user 2 in it, Ada a
    member). Yields the base URL and the lab's id."""
    fake_appview.profiles.update({f"user{n}.bsky.social": profile(n) for n in (1, 2)})
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    engine = make_engine(migrate_fast(url))
    user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", PASSWORD, False, NOW)
    bob = user_accounts.add_user(engine, OPERATOR, "bob", "bob@example.org", PASSWORD, False, NOW)
    records = [
        post(f"p{n}", f"did:plc:user{n:04d}", 1, text=f"see arxiv.org/abs/2411.0000{n}",
             links=[f"https://arxiv.org/abs/2411.0000{n}"])
        | {"author": {"id": f"did:plc:user{n:04d}", "handle": f"user{n}.bsky.social"}}
        for n in (1, 2)
    ]  # fmt: skip
    run_import(engine, write_lines(tmp_path / "posts.jsonl", records))
    capture_accounts(engine, [Author("bluesky", "did:plc:user0002", "user2.bsky.social")], NOW)
    lab = shared_networks.create(engine, bob, "lab", False, NOW)
    shared_networks.add_member(engine, bob, "lab", "ada", "member", NOW)
    shared_networks.add_account(engine, FetcherRegistry(), bob, "lab", "bluesky:user2.bsky.social", NOW)
    engine.dispose()
    with served(settings_for(url, PAPERTALK_BLUESKY_APPVIEW_URL=fake_appview.url)) as base:
        yield base, lab.id


def tab_to_text(page: Page, text: str) -> None:
    """Press Tab until the focused element says ``text`` (a link or button without an id)."""
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.textContent.trim()") == text:
            return
    raise AssertionError(f"{text!r} cannot be reached with Tab")


def papers_listed(page: Page) -> list[str]:
    return sorted(set(page.locator("a[href^='/abs/']").evaluate_all("els => els.map(e => e.getAttribute('href'))")))


def test_follow_see_my_network_switch_to_a_shared_one_sign_out_by_keyboard(
    browser: Browser, site: tuple[str, int]
) -> None:
    base, _ = site
    page, outside = new_page(browser, DESKTOP)
    page.goto(base + "/signin")
    fill_by_keyboard(page, {"name": "ada", "password": PASSWORD})
    expect(page).to_have_url(base + "/")
    page.goto(base + "/?window=all")
    assert papers_listed(page) == []  # she follows nobody yet
    page.goto(base + "/settings")
    fill_by_keyboard(page, {"account": "bluesky:nobody.bsky.social"})
    expect(page.locator("#account-error")).to_contain_text("bluesky:nobody.bsky.social")
    expect(page.locator("#account")).to_have_attribute("aria-invalid", "true")
    page.locator("#account").fill("")
    fill_by_keyboard(page, {"account": "bluesky:user1.bsky.social"})
    expect(page.get_by_role("status")).to_have_text("You follow bluesky:user1.bsky.social now.")
    page.goto(base + "/?window=all")
    expect(page.locator("nav a[aria-current=page]", has_text="My network")).to_be_visible()
    assert papers_listed(page) == ["/abs/2411.00001"]
    tab_to_text(page, "lab")
    page.keyboard.press("Enter")
    page.wait_for_url("**network=lab**")
    expect(page.locator("nav a[aria-current=page]", has_text="lab")).to_be_visible()
    assert papers_listed(page) == ["/abs/2411.00002"]
    tab_to_text(page, "Sign out")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".signed-in a")).to_have_text("Sign in")
    page.close()
    assert outside.blocked == []


def test_the_settings_and_network_pages_fit_a_phone_and_follow_dark_mode(
    browser: Browser, site: tuple[str, int]
) -> None:
    base, lab = site
    for viewport, scheme in ((PHONE, "light"), (DESKTOP, "dark")):
        page, outside = new_page(browser, viewport, scheme)
        page.goto(base + "/signin")
        fill_by_keyboard(page, {"name": "ada", "password": PASSWORD})
        expect(page).to_have_url(base + "/")
        for path in ("/settings", "/networks", f"/networks/{lab}"):
            page.goto(base + path)
            assert page.title().split(" · ")[0] in ("Your settings", "Your networks", "lab"), path
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (path, viewport)
            box = page.locator("button[type=submit]").last.bounding_box()
            assert box is not None and box["x"] + box["width"] <= viewport["width"], path
            if scheme == "dark":
                background = page.evaluate("getComputedStyle(document.body).backgroundColor")
                field = page.evaluate(
                    "getComputedStyle(document.querySelector('input:not([type=hidden])')).backgroundColor"
                )
                assert background == "rgb(20, 21, 24)" and field == "rgb(20, 21, 24)", path
        page.close()
        assert outside.blocked == []
