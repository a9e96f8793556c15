"""Screenshots of the summaries, notes and discussion pages on the demo world (its summaries with math,
a table, code and footnotes, votes, a reply and a private note), light and dark, desktop and phone, into
docs/screenshots/notes-*.png; and of the other signed-in pages that share their styles (lists, digest,
For you, settings).

Run: ``python -m tests.notes_screenshots`` (builds a small demo world in a temporary folder, serves it on
127.0.0.1, and drives Debian's chromium through Playwright). As grace it reports ada's summary, as ada it
edits it through the preview, so the history has a diff and the admin queue a report."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Browser, Page

from papertalk.demo.database import build_demo
from papertalk.demo.people import DEMO_PASSWORD
from papertalk.demo.world import WorldSize
from tests.browser import DESKTOP, PHONE, OutsideRequests, chromium
from tests.web_world import served

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
SIZES = {"desktop": DESKTOP, "phone": PHONE}


def _signed_in(
    browser: Browser, base: str, name: str, size: dict[str, int], scheme: str
) -> tuple[Page, OutsideRequests]:
    page = browser.new_page(viewport=size, color_scheme=scheme)  # type: ignore[arg-type]
    outside = OutsideRequests()
    page.route("**/*", outside)
    page.goto(base + "/signin")
    page.fill("#name", name)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit] >> text=Sign in")
    page.wait_for_load_state()
    return page, outside


def _prepare(browser: Browser, base: str) -> str:
    """As grace: report ada's summary; as ada: edit it through the preview. The summary's path."""
    grace, _ = _signed_in(browser, base, "grace", DESKTOP, "light")
    grace.goto(base + "/summaries?tab=best")
    path = grace.locator("article.summary-card h3 a").first.get_attribute("href") or "/summaries"
    grace.goto(base + path)
    grace.click(".summary-actions details > summary")
    grace.fill("#report-summary", "DEMO report: the closed form needs a citation")
    grace.click("#report-summary + button")
    grace.close()
    ada, _ = _signed_in(browser, base, "ada", DESKTOP, "light")
    ada.goto(base + path + "/edit")
    source = ada.input_value("#source")
    ada.fill("#source", source.replace("## What it does", "## What it does, in one line\n\nA closed form.\n\n##", 1))
    ada.click("button[value=preview]")
    ada.wait_for_load_state()
    ada.click("button[value=save]")
    ada.wait_for_load_state()
    ada.close()
    return path


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    now = int(time.time())
    blocked: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        world = build_demo(Path(folder), 42, now, WorldSize())
        with served(world.settings, now=now) as base, chromium() as browser:
            summary = _prepare(browser, base)
            for scheme in ("light", "dark"):
                suffix = "-dark" if scheme == "dark" else ""
                for name, size in SIZES.items():
                    page, outside = _signed_in(browser, base, "grace", size, scheme)
                    page.goto(base + summary)
                    page.screenshot(path=OUT / f"notes-summary{suffix}-{name}.png", full_page=True)
                    page.goto(base + page.locator("p.crumbs a").first.get_attribute("href"))  # type: ignore[operator]
                    page.locator("section#summaries").screenshot(path=OUT / f"notes-paper{suffix}-{name}.png")
                    for label, path in (
                        ("summaries-best", "/summaries?tab=best"),
                        ("summaries-popular", "/summaries?tab=popular"),
                        ("person", "/people/ada"),
                        ("lists", "/lists"),
                        ("digest", "/digest"),
                        ("for-you", "/for-you"),
                        ("settings", "/settings"),
                    ):
                        page.goto(base + path)
                        page.screenshot(path=OUT / f"notes-{label}{suffix}-{name}.png")
                    page.goto(base + "/lists")
                    page.click("a:has-text('DEMO conference notes')")
                    page.wait_for_load_state()
                    page.screenshot(path=OUT / f"notes-list{suffix}-{name}.png")
                    page.close()
                    blocked += outside.blocked
                    page, outside = _signed_in(browser, base, "ada", size, scheme)
                    page.goto(base + summary + "/edit")
                    page.click("button[value=preview]")
                    page.wait_for_load_state()
                    page.screenshot(path=OUT / f"notes-preview{suffix}-{name}.png", full_page=True)
                    page.goto(base + summary + "/history?old=1&new=2")
                    page.screenshot(path=OUT / f"notes-history{suffix}-{name}.png", full_page=True)
                    for label, path in (("notifications", "/notifications"), ("reports", "/admin/reports")):
                        page.goto(base + path)
                        page.screenshot(path=OUT / f"notes-{label}{suffix}-{name}.png")
                    page.close()
                    blocked += outside.blocked
    return finished(blocked)


def finished(blocked: list[str]) -> int:
    """The exit status of a screenshot run: 1 (saying which) when a request tried to leave 127.0.0.1."""
    if blocked:
        print("requests left 127.0.0.1:", blocked, file=sys.stderr)
        return 1
    print(f"screenshots in {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
