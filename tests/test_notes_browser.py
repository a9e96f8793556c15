"""Summaries in a real headless Chromium on 127.0.0.1: Ada writes a summary with math, a table and code,
previews it (nothing saved), saves, edits, and reads the diff; Bob votes and comments. No script needed,
no dialog, no console error, no request leaving 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import DESKTOP, OutsideRequests, chromium, chromium_path
from tests.notes_world import PAPER, NotesWorld, Person, notes_world

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (make chromium installs it)"),
]
TEXT = (
    "## Results\n\n$\\Sigma = YX^T(XX^T)^{-1}XY^T$\n\n"
    "| rank | loss |\n|---|---|\n| 1 | 0.5 |\n\n```python\nx = 1\n```\n"
)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[NotesWorld]:
    with notes_world(f"sqlite:///{tmp_path / 'notes.sqlite3'}", tmp_path) as w:
        yield w


def page_of(browser: Browser, world: NotesWorld, person: Person, problems: list[str]) -> tuple[Page, OutsideRequests]:
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    token = person.client.cookies.get("papertalk_session")
    context.add_cookies([{"name": "papertalk_session", "value": token or "", "url": world.base}])
    page = context.new_page()
    outside = OutsideRequests()
    page.route("**/*", outside)
    page.on("dialog", lambda d: (problems.append(f"dialog {d.message}"), d.dismiss()))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    return page, outside


def test_write_preview_save_edit_diff_then_vote_and_comment(world: NotesWorld) -> None:
    problems: list[str] = []
    with chromium() as browser:
        ada, ada_out = page_of(browser, world, world.ada, problems)
        ada.goto(f"{world.base}/abs/{PAPER}")
        ada.get_by_role("link", name="Write a summary").click()
        ada.fill("#title", "Deep linear nets")
        ada.fill("#source", TEXT)
        ada.get_by_role("button", name="Preview").click()
        expect(ada.locator(".preview math")).to_have_count(1)
        expect(ada.locator(".preview table")).to_have_count(1)
        expect(ada.locator(".preview pre.highlight")).to_have_count(1)
        assert ada.input_value("#source") == TEXT  # the draft is kept across the preview
        ada.get_by_role("button", name="Save").click()
        expect(ada.locator(".summary-card h3")).to_have_text("Deep linear nets")
        summary_url = ada.url
        ada.get_by_role("link", name="Edit").click()
        ada.fill("#source", TEXT + "\nEvery local minimum is global.\n")
        ada.get_by_role("button", name="Save").click()
        ada.get_by_role("link", name="History (2 versions)").click()
        ada.get_by_role("button", name="Show the differences").click()
        expect(ada.locator(".diff-add").filter(has_text="Every local minimum is global.")).to_have_count(1)

        bob, bob_out = page_of(browser, world, world.bob, problems)
        bob.goto(summary_url)
        bob.get_by_role("button", name="▲ Up").click()
        expect(bob.locator(".summary-card .score")).to_have_text("1")
        bob.fill("#comment-source", "Why is $d_y \\leq d_x$ needed?")
        bob.get_by_role("button", name="Comment", exact=True).click()
        expect(bob.locator(".comment math")).to_have_count(1)

        ada.goto(f"{world.base}/abs/{PAPER}")
        expect(ada.locator(".notifications .count")).to_have_text("1")
        ada.goto(f"{world.base}/?audience=everyone")
        expect(ada.locator(".platform", has_text="papertalk").first).to_be_visible()
    assert problems == [] and ada_out.blocked == [] and bob_out.blocked == []
