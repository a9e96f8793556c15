"""Screenshots of the main pages on the demo world, at desktop and phone widths, into docs/screenshots/.

Run: ``python -m tests.screenshots`` (builds a small demo world in a temporary folder, serves it on
127.0.0.1, and drives Debian's chromium through Playwright)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from papertalk.demo.database import build_demo
from papertalk.demo.world import WorldSize
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
    print(f"screenshots in {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
