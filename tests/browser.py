"""Headless Chromium (Debian's package) driven by Playwright, with every request leaving 127.0.0.1 blocked
and recorded. Never ``playwright install``: the project's Makefile installs chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, Route, sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    return shutil.which("chromium")


@contextmanager
def chromium() -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        raise RuntimeError("chromium is not installed: run `make chromium` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class OutsideRequests:
    """A route handler that lets requests to 127.0.0.1 through and aborts and records all others."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    def __call__(self, route: Route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


def sign_in(page: Page, base: str, name: str, password: str) -> None:
    """Sign in through the sign-in form, as a person types it (Enter submits)."""
    page.goto(f"{base}/signin")
    page.fill("#name", name)
    page.fill("#password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
