"""Screenshots of the main pages on the demo world, at desktop and phone widths, into docs/screenshots/;
and of the people pages (sign up from an invitation, sign in, a form error; signed in: My network, settings,
networks, a shared network, account, admin; light and dark).

Run: ``python -m tests.screenshots`` (builds a small demo world in a temporary folder, serves it on
127.0.0.1, and drives Debian's chromium through Playwright)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Browser

from papertalk.demo.database import build_demo
from papertalk.demo.people import DemoSignIn
from papertalk.demo.world import WorldSize
from papertalk.services.database import open_database
from papertalk.services.people import invitations
from papertalk.services.people.permissions import OPERATOR
from tests.browser import DESKTOP, PHONE, OutsideRequests, chromium
from tests.web_world import served

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PAGES = {
    "trending": "/",
    "trending-network-today": "/?window=today&audience=network",
    "paper": None,  # the top paper's page, found at run time
    "posts": "/posts",
    "search": "/search?q=learning",
    "about": "/about",
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    now = int(time.time())
    with tempfile.TemporaryDirectory() as folder:
        world = build_demo(Path(folder), 42, now, WorldSize())
        with served(world.settings, now=now) as base, chromium() as browser:
            for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
                page = browser.new_page(viewport=size, color_scheme="light")
                outside = OutsideRequests()
                page.route("**/*", outside)
                for label, wanted in PAGES.items():
                    path = wanted
                    if path is None:
                        page.goto(base + "/")
                        path = page.locator("a.details").first.get_attribute("href") or "/"
                    page.goto(base + path)
                    page.screenshot(path=OUT / f"{label}-{name}.png")
                page.close()
                if outside.blocked:
                    print("requests left 127.0.0.1:", outside.blocked, file=sys.stderr)
                    return 1
            for name, size in (("desktop", DESKTOP), ("phone", PHONE)):  # the network picker in dark mode too
                dark = browser.new_page(viewport=size, color_scheme="dark")
                dark.goto(base + "/")
                dark.screenshot(path=OUT / f"trending-dark-{name}.png")
                dark.goto(base + "/?window=today&audience=network")
                dark.screenshot(path=OUT / f"trending-network-today-dark-{name}.png")
                dark.close()
            engine = open_database(world.settings)
            link = invitations.invite(engine, world.settings.people, OPERATOR, now)
            engine.dispose()
            people_pages(browser, base, base + "/signup?" + link.partition("?")[2], world.sign_in)
    print(f"screenshots in {OUT}")
    return 0


def people_pages(browser: Browser, base: str, invitation: str, demo: DemoSignIn) -> None:
    """Sign up (invitation) and a refused sign-in at both widths; then the signed-in pages at both widths,
    light and dark."""
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page = browser.new_page(viewport=size, color_scheme="light")
        page.goto(invitation)
        page.screenshot(path=OUT / f"signup-{name}.png")
        page.goto(base + "/signin")
        page.fill("#name", demo.name)
        page.fill("#password", "not the password")
        page.click("button[type=submit] >> text=Sign in")
        page.wait_for_load_state()
        page.screenshot(path=OUT / f"signin-error-{name}.png")
        page.close()
    for scheme in ("light", "dark"):
        for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            signed_in_pages(browser, base, demo, scheme, name, size)


def signed_in_pages(browser: Browser, base: str, demo: DemoSignIn, scheme: str, name: str, size: object) -> None:
    """Signed in as the demo person (the demo's admin), one width and colour scheme: the sign-in form, My
    network on the trending page, settings, networks, a shared network's page, account and admin."""
    page = browser.new_page(viewport=size, color_scheme=scheme)  # type: ignore[arg-type]
    suffix = ("-dark" if scheme == "dark" else "") + f"-{name}"
    page.goto(base + "/signin")
    page.screenshot(path=OUT / f"signin{suffix}.png")
    page.fill("#name", demo.name)
    page.fill("#password", demo.password)
    page.click("button[type=submit] >> text=Sign in")
    page.wait_for_load_state()
    page.screenshot(path=OUT / f"my-network{suffix}.png")  # the trending page: My network
    for label, path in (("settings", "/settings"), ("networks", "/networks")):
        page.goto(base + path)
        page.screenshot(path=OUT / f"{label}{suffix}.png", full_page=True)
    shared = page.locator("main a[href^='/networks/']").first
    if shared.count():
        page.goto(base + (shared.get_attribute("href") or "/networks"))
        page.screenshot(path=OUT / f"shared-network{suffix}.png", full_page=True)
    page.goto(base + "/account")
    page.screenshot(path=OUT / f"account{suffix}.png", full_page=True)
    page.goto(base + "/admin")  # the demo person is the demo's admin
    page.screenshot(path=OUT / f"admin{suffix}.png", full_page=True)
    page.close()


if __name__ == "__main__":
    raise SystemExit(main())
