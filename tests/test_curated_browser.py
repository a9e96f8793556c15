"""A curated digest composed in a real headless Chromium (Debian's, through Playwright) at phone width, no
script on the pages' side: open yesterday's digest, follow "Compose", get a refused line back next to its
field with the input kept, fix it, publish, and find the curated digest above the computed part, with its
intro's math typeset and nothing wider than the phone. Every request leaving 127.0.0.1 fails the test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from papertalk.services.capture.accounts import add_ids_to_network
from papertalk.services.networks.my_network import ensure_network
from papertalk.services.people import user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.storage.capture.account_rows import account_ids_by_platform_id
from papertalk.storage.engine import Engine
from tests.browser import PHONE, OutsideRequests, chromium, chromium_path, sign_in
from tests.web_world import NOW, world_site

pytestmark = [pytest.mark.slow, pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed")]
PASSWORD = "correct horse battery"


def ada_with_a_network(engine: Engine) -> None:
    """ada, whose network is every captured account, so her own digest has papers under her curated one."""
    ada = user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", PASSWORD, False, int(NOW))
    with engine.connect() as conn:
        accounts = list(account_ids_by_platform_id(conn).values())
    add_ids_to_network(engine, ensure_network(engine, ada).name, accounts)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with world_site(tmp_path_factory.mktemp("curated-browser"), ada_with_a_network) as base:
        yield base


def test_compose_and_publish_a_curated_digest_at_phone_width(site: str) -> None:
    day = (datetime.fromtimestamp(NOW, UTC).date() - timedelta(days=1)).isoformat()
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        outside = OutsideRequests()
        page.route("**/*", outside)
        sign_in(page, site, "ada", PASSWORD)
        page.goto(f"{site}/?audience=everyone")
        paper = page.locator("form.add-to-list input[name=paper]").first.get_attribute("value")
        page.goto(f"{site}/digest/{day}")
        page.get_by_role("link", name="Compose this day's curated digest").click()
        expect(page.locator("h1")).to_have_text(f"Compose the digest of {day}")
        page.fill("#title", "Ada's picks")
        page.fill("#intro", "What I read today, with $\\Theta(k^3)$ bounds.")
        page.fill("#papers", f"{paper} — the one to read\nnot-an-id")
        page.fill("#links", "Why it works | Terence Tao | https://blog.example.org/why")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#papers-error")).to_contain_text("papers: line 2: 'not-an-id'")
        expect(page.locator("#papers")).to_have_value(f"{paper} — the one to read\nnot-an-id")  # kept
        page.fill("#papers", f"{paper} — the one to read")
        page.get_by_role("button", name="Publish now").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/digest/{day}")
        curated = page.locator("section.curated")
        expect(curated.locator("h2")).to_have_text("Ada's picks")
        expect(curated.locator(".verdict")).to_have_text("the one to read")
        expect(curated.locator(".curated-links")).to_contain_text("Why it works by Terence Tao")
        assert curated.locator(".intro math").count() == 1
        above = page.evaluate(
            "() => !!(document.querySelector('section.curated').compareDocumentPosition("
            "document.querySelector('ol.papers.digest')) & Node.DOCUMENT_POSITION_FOLLOWING)"
        )
        assert above, "the curated digest is not above the computed part"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.locator("ol.papers.digest > li").count() > 0  # the computed part is there below it
        assert outside.blocked == []
        page.close()
