"""The people pages in a real headless Chromium (Debian's, through Playwright) on 127.0.0.1, by keyboard
alone: an invitation link, sign up, sign in, change the password, sign out; then the forms at phone width
and in dark mode. Every request that would leave 127.0.0.1 is aborted and fails the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from papertalk.config import Settings
from papertalk.services.people import invitations
from papertalk.services.people.permissions import OPERATOR
from papertalk.storage.engine import make_engine
from tests.browser import DESKTOP, PHONE, OutsideRequests, chromium, chromium_path
from tests.databases import migrate_fast
from tests.web_world import NOW, served

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (make chromium installs it)"),
]
PASSWORD = "correct horse battery"
NEW_PASSWORD = "a better passphrase"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The app over an empty database, and an invitation link into it."""
    directory: Path = tmp_path_factory.mktemp("people-browser")
    url = f"sqlite:///{directory / 'web.sqlite3'}"
    engine = make_engine(migrate_fast(url))
    settings = Settings.from_env({"PAPERTALK_DATABASE_URL": url})
    token = invitations.invite(engine, settings.people, OPERATOR, int(NOW)).partition("invite=")[2]
    engine.dispose()
    with served(settings) as base:
        yield base, f"{base}/signup?invite={token}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def new_page(browser: Browser, viewport: dict[str, int], scheme: str = "light") -> tuple[Page, OutsideRequests]:
    page = browser.new_page(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
    outside = OutsideRequests()
    page.route("**/*", outside)
    return page, outside


def tab_to(page: Page, element_id: str) -> None:
    """Press Tab until the element has the focus, as a keyboard user would."""
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with Tab")


def fill_by_keyboard(page: Page, fields: dict[str, str]) -> None:
    for element_id, value in fields.items():
        tab_to(page, element_id)
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_invitation_sign_up_sign_in_new_password_sign_out_by_keyboard(browser: Browser, site: tuple[str, str]) -> None:
    base, link = site
    page, outside = new_page(browser, DESKTOP)
    page.goto(link)
    fill_by_keyboard(page, {"name": "Grace", "email": "grace@example.org", "password": PASSWORD})
    expect(page).to_have_url(base + "/signin?done=signup")
    expect(page.get_by_role("status")).to_contain_text("Your account is ready")
    fill_by_keyboard(page, {"name": "grace", "password": PASSWORD})
    expect(page).to_have_url(base + "/")
    expect(page.locator('.signed-in a[href="/account"]')).to_have_text("Grace")
    page.goto(base + "/account")
    fill_by_keyboard(page, {"current_password": "wrong wrong wrong", "new_password": NEW_PASSWORD,
                            "new_password_again": NEW_PASSWORD})  # fmt: skip
    expect(page.locator("#current_password-error")).to_have_text("current_password: not your current password")
    expect(page.locator("#current_password")).to_have_attribute("aria-invalid", "true")
    fill_by_keyboard(page, {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                            "new_password_again": NEW_PASSWORD})  # fmt: skip
    expect(page.get_by_role("status")).to_contain_text("Your password is changed")
    page.locator(".signed-in button").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".signed-in a")).to_have_text("Sign in")
    page.goto(base + "/signin")
    fill_by_keyboard(page, {"name": "grace", "password": PASSWORD})
    expect(page.locator("p.field-error")).to_have_text("name or password is wrong")
    page.close()
    assert outside.blocked == []


def test_the_forms_fit_a_phone_and_follow_dark_mode(browser: Browser, site: tuple[str, str]) -> None:
    base, _ = site
    phone, outside = new_page(browser, PHONE)
    for path in ("/signin", "/signup"):
        phone.goto(base + path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, path
        box = phone.locator("button[type=submit]").last.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    phone.close()
    dark, outside_dark = new_page(browser, DESKTOP, "dark")
    dark.goto(base + "/signin")
    background = dark.evaluate("getComputedStyle(document.body).backgroundColor")
    field = dark.evaluate("getComputedStyle(document.querySelector('#name')).backgroundColor")
    assert background == "rgb(20, 21, 24)" and field == "rgb(20, 21, 24)"
    dark.close()
    assert outside.blocked == [] and outside_dark.blocked == []
