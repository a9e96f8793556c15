"""The XSS corpus (tests/fixtures/xss_payloads.txt, over 500 payloads) written into notes, a public
summary, comments and titles, then opened in real headless Chromium: no dialog opens, nothing reaches
the console (a script the sanitizer let through would be blocked by the CSP, and say so there), no request
leaves 127.0.0.1 nor goes anywhere but the page and /static, and what the payloads became is harmless
markup: no script-bearing element, no event handler, no URL but http(s), mailto or a relative one."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from papertalk.config import Settings
from papertalk.services.library import discussion, summaries
from papertalk.services.library.discussion import COMMENT_MAX_CHARS
from tests.browser import DESKTOP, OutsideRequests, chromium, chromium_path
from tests.notes_world import OTHER_PAPER, PAPER, NotesWorld, Person, notes_world
from tests.web_world import NOW

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (make chromium installs it)"),
]
CORPUS = Path(__file__).parent / "fixtures" / "xss_payloads.txt"
PER_NOTE = 25
# What the sanitized HTML may hold is checked in the page itself, after the browser parsed it.
HARMFUL = """() => {
  const bad = [];
  const tags = new Set(['SCRIPT','IFRAME','OBJECT','EMBED','STYLE','LINK','META','BASE','FORM','IMG','SVG','VIDEO',
    'AUDIO','SOURCE','TEMPLATE','FRAME','FRAMESET','BUTTON','TEXTAREA','SELECT','PICTURE','IMAGE','USE','ANIMATE',
    'SET','FOREIGNOBJECT','NOSCRIPT','XMP','NOEMBED','MARQUEE','DETAILS','BODY','KEYGEN','ISINDEX']);
  const urls = new Set(['href','src','action','formaction','xlink:href','data','srcdoc','background','poster',
    'srcset','ping','dynsrc','lowsrc']);
  for (const el of document.querySelectorAll('.written *, .written, .summary-card h3 *, h1 *')) {
    const tag = el.tagName.toUpperCase();
    if (tags.has(tag)) bad.push('tag ' + tag);
    if (tag === 'INPUT' && el.getAttribute('type') !== 'checkbox') bad.push('input ' + el.getAttribute('type'));
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), value = a.value.trim().toLowerCase();
      if (name.startsWith('on')) bad.push(tag + ' ' + name);
      if (name === 'style') bad.push('style ' + value);
      if (urls.has(name)) {
        if (name !== 'href') bad.push(tag + ' ' + name);
        else if (/^[a-z][a-z0-9+.-]*:/.test(value) && !/^(https?|mailto):/.test(value)) bad.push('href ' + value);
      }
    }
  }
  return bad.slice(0, 20);
}"""


def corpus() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [line.replace("\\n", "\n") for line in lines if line and not line.startswith("# ")]


def fill(world: NotesWorld, payloads: list[str]) -> tuple[list[int], int, int]:
    """Ada's notes (PER_NOTE payloads each, the first as the title), Bob's public summary of all of them,
    and every payload short enough as a comment of Ada's under it."""
    settings = Settings(database_url="sqlite://")
    notes = []
    for start in range(0, len(payloads), PER_NOTE):
        chunk = payloads[start : start + PER_NOTE]
        draft = summaries.draft_of(chunk[0][:300], "\n\n".join(chunk), "private", False, "note")
        notes.append(summaries.save_note(world.engine, world.ada.user, PAPER, draft, int(NOW)).id)
    body = "\n\n".join(p for p in payloads if len(p) < 2_000)
    draft = summaries.draft_of(payloads[0][:300], body, "public", False)
    summary = summaries.save_summary(world.engine, settings, world.bob.user, OTHER_PAPER, draft, int(NOW)).id
    comments = 0
    for p in payloads:
        if len(p) <= COMMENT_MAX_CHARS:
            discussion.add_comment(world.engine, settings.library, world.ada.user, summary, p, None, int(NOW))
            comments += 1
    return notes, summary, comments


def visit(page: Page, url: str, seen: list[str]) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # a delayed handler (animation, autofocus) would have run by now
    return list(page.evaluate(HARMFUL)) + [u for u in seen if "/static/" not in u and u != url]


def test_the_corpus_runs_no_script_and_loads_nothing(tmp_path: Path) -> None:
    payloads = corpus()
    assert len(payloads) >= 500
    with notes_world(f"sqlite:///{tmp_path / 'xss.sqlite3'}", tmp_path) as world:
        notes, summary, comments = fill(world, payloads)
        assert comments >= 500
        events: list[str] = []
        with chromium() as browser:
            ada_paths = [f"/summaries/{n}" for n in notes] + [f"/summaries/{notes[0]}/edit", f"/summaries/{summary}"]
            bob_paths = [f"/abs/{OTHER_PAPER}", "/summaries", f"/summaries/{summary}"]
            for person, paths in ((world.ada, ada_paths), (world.bob, bob_paths)):
                page, outside = open_as(browser, world, person, events)
                seen: list[str] = []
                page.on("request", lambda r, seen=seen: seen.append(r.url))
                for path in paths:
                    seen.clear()
                    problems = visit(page, world.base + path, seen)
                    assert problems == [], (path, problems)
                    if path == f"/summaries/{summary}":
                        assert page.locator(".comment .written").count() == comments  # nothing lost
                assert outside.blocked == []
        assert events == []


def open_as(browser: object, world: NotesWorld, person: Person, events: list[str]) -> tuple[Page, OutsideRequests]:
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[attr-defined]
    token = person.client.cookies.get("papertalk_session") or ""
    context.add_cookies([{"name": "papertalk_session", "value": token, "url": world.base}])
    page: Page = context.new_page()
    outside = OutsideRequests()
    page.route("**/*", outside)
    page.on("dialog", lambda d: (events.append(f"dialog {d.message}"), d.dismiss()))
    page.on("console", lambda m: events.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: events.append(f"page error {e}"))
    return page, outside
