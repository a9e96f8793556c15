"""Reading lists in a real headless Chromium (Debian's, through Playwright) on 127.0.0.1, without script on
the pages' side: the whole of issue 17's "How it will be checked", in one browser over one world.

Ada builds a conference list with day and session sections ("Tuesday › Main talks", "Thursday ›
Symposia") from the trending page's and a paper page's "Add to list" buttons; reorders items (by keyboard)
and sections and moves an item between sections; makes Bob an editor, and the two edit one item at once
(two browser contexts): the second save, on a stale version, is told what changed and keeps its input.
She exports the list to Markdown and uploads the export (the same list comes back), uploads a conference
write-up the tests never saw before (``tests/fixtures/iclr2017_trip_report.html``: HTML with h2 days and
h3 sessions, arXiv abs/pdf/DOI links, slides, a video, unlinked titles she confirms against the
catalogue or keeps as titles), and follows Bob's public list, which then shows on her Followed lists
page while his private list shows nowhere. Every request that would leave 127.0.0.1 fails the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from papertalk.config import Settings
from papertalk.core.records import Paper
from papertalk.services.library import list_adding, list_editing
from papertalk.services.people import user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import make_engine
from tests.browser import DESKTOP, OutsideRequests, chromium, chromium_path
from tests.databases import migrate_fast
from tests.web_world import NOW, load_world, served

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (make chromium installs it)"),
]
PASSWORD = "correct horse battery"
WRITE_UP = Path(__file__).parent / "fixtures" / "iclr2017_trip_report.html"
# the write-up's papers, in the catalogue as they are on arXiv (two of them it names without a link)
ICLR_PAPERS = [
    ("1611.03530", "Understanding deep learning requires rethinking generalization"),
    ("1609.04836", "On Large-Batch Training for Deep Learning: Generalization Gap and Sharp Minima"),
    ("1610.05755", "Semi-supervised Knowledge Transfer for Deep Learning from Private Training Data"),
    ("1611.01578", "Neural Architecture Search with Reinforcement Learning"),
    ("1701.04862", "Towards Principled Methods for Training Generative Adversarial Networks"),
    ("1703.03129", "Learning to Remember Rare Events"),
]
BOBS_PUBLIC, BOBS_PRIVATE = "Bob's reading group", "Bob's secret drafts"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    directory: Path = tmp_path_factory.mktemp("lists-browser")
    url = f"sqlite:///{directory / 'web.sqlite3'}"
    settings = Settings.from_env({"PAPERTALK_DATABASE_URL": url})
    engine = make_engine(migrate_fast(url))
    load_world(engine, directory)
    with engine.begin() as conn:
        upsert_papers(conn, [Paper(i, t, ("A. Author",), "An abstract.", ("cs.LG",)) for i, t in ICLR_PAPERS], NOW)
    bob = user_accounts.add_user(engine, OPERATOR, "bob", "bob@example.org", PASSWORD, False, NOW)
    group = list_editing.create_list(engine, bob, BOBS_PUBLIC, "Thursdays at four", "public", NOW)
    list_adding.add_item(engine, settings, bob, group, "1611.03530", now=NOW, verdict="Read for next week")
    secret = list_editing.create_list(engine, bob, BOBS_PRIVATE, "Not yet", "private", NOW)
    list_adding.add_item(engine, settings, bob, secret, "1701.04862", now=NOW, verdict="a hidden verdict")
    user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", PASSWORD, False, NOW)
    engine.dispose()
    with served(settings) as base:
        yield base, secret


def signed_in(browser: Browser, base: str, name: str, outside: OutsideRequests) -> Page:
    """A page in a browser context of its own (its own cookies), signed in as ``name``."""
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.route("**/*", outside)
    page.goto(f"{base}/signin")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return page


def submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def section_titles(page: Page) -> list[str]:
    return [t.strip() for t in page.locator(".list-section h2, .list-section h3").all_inner_texts()]


def item_titles(page: Page, section: str) -> list[str]:
    """The titles of a session's items, by the session's heading."""
    found = page.locator(".list-section", has=page.locator(f"h3:text-is('{section}')")).last
    return [t.strip() for t in found.locator(".item-title").all_inner_texts()]


def shape(page: Page) -> list[str]:
    """A list page's sections, items and verdicts, in the page's order."""
    parts = ".list-section h2, .list-section h3, .list-section .item-title, .list-section .verdict"
    return [t.strip() for t in page.locator(parts).all_inner_texts()]


def add_from(page: Page, button: int, section: str, verdict: str) -> str:
    """Press the page's ``button``-th "Add to list" button, choose the list, section and verdict; the paper."""
    form = page.locator("form.add-to-list").nth(button)
    paper = form.locator("input[name=paper]").get_attribute("value") or ""
    with page.expect_navigation():
        form.locator("button").click()
    page.select_option("#list", label="NIPS 2016")
    page.fill("#section", section)
    page.fill("#verdict", verdict)
    submit(page, "Add")
    return paper


def test_build_reorder_edit_together_export_reimport_import_a_write_up_and_follow(
    site: tuple[str, int], tmp_path: Path
) -> None:
    base, secret = site
    big_file = tmp_path / "too-big.md"
    big_file.write_bytes(b"- x\n" * (2**20 * 5 // 4 + 1))  # just over 5 MB
    outside = OutsideRequests()
    with chromium() as browser:
        ada = signed_in(browser, base, "ada", outside)
        list_url, talks = build_a_conference_list(ada, base)
        reorder(ada, talks)
        edit_together(ada, signed_in(browser, base, "bob", outside), list_url)
        export_and_upload_it_back(ada, base, list_url, big_file)
        import_the_write_up(ada, base)
        follow_bobs_list(ada, base, secret)
    assert outside.blocked == []


def build_a_conference_list(page: Page, base: str) -> tuple[str, list[str]]:
    page.goto(f"{base}/lists")
    page.fill("#title", "NIPS 2016")
    page.fill("#description", "My notes from *Barcelona*")
    page.select_option("#visibility", "public")
    submit(page, "Create list")
    expect(page.locator("h1")).to_have_text("NIPS 2016")
    list_url = page.url
    for title, inside in (("Tuesday", None), ("Main talks", "Tuesday"), ("Thursday", None), ("Symposia", "Thursday")):
        page.fill("#section_title", title)
        if inside:
            page.select_option("#parent", label=inside)
        submit(page, "Add section")
    assert section_titles(page) == ["Tuesday", "Main talks", "Thursday", "Symposia"]
    # from the trending page (everyone: ada follows no one yet), then from a paper's page
    page.goto(f"{base}/?audience=everyone")
    first = add_from(page, 0, "Tuesday/Main talks", "Interesting but complex")
    assert page.url == list_url
    page.goto(f"{base}/?audience=everyone")
    second = add_from(page, 1, "Tuesday/Main talks", "A highlight of the conference")
    page.goto(f"{base}/abs/1611.03530")
    add_from(page, 0, "Thursday/Symposia", "Memorization, measured")
    assert page.url == list_url and first != second
    talks = item_titles(page, "Main talks")
    assert len(talks) == 2 and item_titles(page, "Symposia") == [ICLR_PAPERS[0][1]]
    expect(page.locator(".list-section .verdict").first).to_have_text("Interesting but complex")
    assert f"arXiv:{first}" in page.locator(".list-page").inner_text()
    return list_url, talks


def reorder(page: Page, talks: list[str]) -> None:
    # by keyboard: choose the second talk with its round button, then its section's "up"
    choose = page.get_by_role("radio", name=f"Choose {talks[1]}")
    choose.focus()
    page.keyboard.press("Space")
    expect(choose).to_be_checked()
    page.get_by_role("button", name="Move the chosen item of Tuesday › Main talks up").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert item_titles(page, "Main talks") == [talks[1], talks[0]]
    # a tool pressed with no item chosen: told so next to those tools, nothing moved
    submit(page, "Move the chosen item of Thursday › Symposia down")
    tools = page.locator("form.item-tools", has=page.get_by_role("alert"))
    expect(tools.get_by_role("alert")).to_have_text("item: choose an item first")
    expect(tools.get_by_role("button", name="Move the chosen item of Thursday › Symposia down")).to_be_visible()
    # sections: Thursday up before Tuesday, then back down
    submit(page, "Move section Thursday up")
    assert section_titles(page) == ["Thursday", "Symposia", "Tuesday", "Main talks"]
    submit(page, "Move section Thursday down")
    assert section_titles(page) == ["Tuesday", "Main talks", "Thursday", "Symposia"]
    # an item to another section: the first talk (now second) goes to Thursday › Symposia
    page.get_by_role("radio", name=f"Choose {talks[0]}").check()
    page.get_by_label("Section to move the chosen item of Tuesday › Main talks to").select_option(
        label="Thursday › Symposia"
    )
    submit(page, "Move the chosen item of Tuesday › Main talks")
    assert item_titles(page, "Main talks") == [talks[1]]
    assert item_titles(page, "Symposia") == [ICLR_PAPERS[0][1], talks[0]]


def edit_together(ada: Page, bob: Page, list_url: str) -> None:
    ada.fill("#editor", "bob")
    submit(ada, "Add editor")
    expect(ada.locator(".list-page > p.muted")).to_contain_text("editors: bob")
    talk = ICLR_PAPERS[0][1]
    for page in (ada, bob):  # both open the same item's form on the same version
        page.goto(list_url)
        with page.expect_navigation():
            page.get_by_role("link", name=f"Edit {talk}").click()
        expect(page.get_by_role("form", name=f"Edit {talk}")).to_be_visible()
    bob.get_by_role("form", name=f"Edit {talk}").get_by_label("Verdict (one line)").fill("Bob: memorization, measured")
    submit(bob, "Save item")
    expect(bob.locator(".verdict", has_text="Bob: memorization")).to_be_visible()
    form = ada.get_by_role("form", name=f"Edit {talk}")
    form.get_by_label("Verdict (one line)").fill("Ada: unsettling, and convincing")
    form.get_by_label("Tags").fill("generalization")
    submit(ada, "Save item")
    alert = ada.get_by_role("alert").filter(has_text="Changed since you opened the page")
    expect(alert).to_contain_text("bob edited item")
    expect(form.get_by_label("Verdict (one line)")).to_have_value("Ada: unsettling, and convincing")  # kept
    expect(form.get_by_label("Tags")).to_have_value("generalization")
    expect(ada.locator(".verdict", has_text="Bob: memorization")).to_be_visible()  # what he saved, shown
    submit(ada, "Save item")  # checked, and saved again on the new version
    expect(ada.locator(".verdict", has_text="Ada: unsettling, and convincing")).to_be_visible()
    expect(ada.locator(".list-section .tag", has_text="#generalization")).to_be_visible()


def export_and_upload_it_back(page: Page, base: str, list_url: str, big_file: Path) -> None:
    page.goto(list_url)
    built = shape(page)
    markdown = page.request.get(f"{list_url}/export.md").text()
    assert markdown.startswith("# NIPS 2016") and "## Tuesday" in markdown and "### Symposia" in markdown
    page.goto(f"{base}/lists/import")
    page.set_input_files("#file", str(big_file))  # a path: Chromium reads it, nothing is copied over the wire
    submit(page, "Preview")
    expect(page.locator("#file-error")).to_have_text("file: over 5 MB; split the page and import each part")
    page.set_input_files("#file", files=[{"name": "nips.md", "mimeType": "text/markdown", "buffer": markdown.encode()}])
    submit(page, "Preview")
    expect(page.locator("h2").first).to_have_text("Preview: NIPS 2016")
    assert "Not understood" not in page.content()
    submit(page, "Save as a new list")
    assert page.url != list_url
    expect(page.locator("h1")).to_have_text("NIPS 2016")
    assert shape(page) == built


def import_the_write_up(page: Page, base: str) -> None:
    page.goto(f"{base}/lists/import")
    page.set_input_files("#file", str(WRITE_UP))
    submit(page, "Preview")
    expect(page.locator("h2").first).to_have_text("Preview: ICLR 2017 in Toulon: what I saw")
    preview = page.locator("section.lists").inner_text()
    assert "Monday 24 April › Morning orals" in preview and "Tuesday 25 April › Posters" in preview
    asks = page.locator("fieldset.choose")
    expect(asks).to_have_count(2)  # the two talks named without a link, and only those
    for fieldset in asks.all():  # offered, never chosen: "none" is checked until the person chooses
        expect(fieldset.get_by_role("radio", name="none: keep it as a title only")).to_be_checked()
    page.get_by_role("radio", name=f"{ICLR_PAPERS[2][1]} (arXiv:1610.05755)").check()
    page.select_option("#visibility", "public")
    submit(page, "Save as a new list")
    expect(page.locator("h1")).to_have_text("ICLR 2017 in Toulon: what I saw")
    assert section_titles(page) == [
        "Monday 24 April",
        "Morning orals",
        "Afternoon keynote",
        "Tuesday 25 April",
        "Orals",
        "Posters",
    ]
    saved = page.locator(".list-page").inner_text()
    for paper in ("1611.03530", "1609.04836", "1610.05755", "1701.04862", "1703.03129"):
        assert f"arXiv:{paper}" in saved, paper
    assert "arXiv:1611.01578" not in saved  # kept as a title only: not guessed
    assert item_titles(page, "Orals")[0] == ICLR_PAPERS[3][1]
    expect(page.get_by_role("link", name="[slides]")).to_have_attribute(
        "href", r"https://iclr.cc/archive/www/lib/exe/fetch.php%3Fmedia=iclr2017:keskar_slides.pdf"
    )
    expect(page.get_by_role("link", name="[code]")).to_be_visible()
    video = page.get_by_role(
        "link", name="Eero Simoncelli: Probing sensory representations with metameric stimuli", exact=True
    )
    expect(video).to_have_attribute("href", "https://www.youtube.com/watch?v=3Ch9BdQXjlM")
    expect(
        page.get_by_role("link", name="ImageNet classification with deep convolutional neural networks", exact=True)
    ).to_have_attribute("href", "https://doi.org/10.1145/3065386")
    assert "The random-label experiments were the talk of the conference" in saved
    assert "The goal of this paper is not to introduce a single algorithm" in saved  # the quoted abstract: a note
    for chrome in ("analytics", "Comments? Write to me", "Archive", "About"):
        assert chrome not in saved, chrome


def follow_bobs_list(page: Page, base: str, secret: int) -> None:
    page.goto(f"{base}/lists")
    expect(page.get_by_role("link", name=BOBS_PUBLIC)).to_be_visible()
    assert BOBS_PRIVATE not in page.content()
    with page.expect_navigation():
        page.get_by_role("link", name=BOBS_PUBLIC).click()
    submit(page, "Follow")
    expect(page.get_by_role("button", name="Unfollow")).to_be_visible()
    expect(page.locator(".list-page > p.muted")).to_contain_text("1 following")
    page.goto(f"{base}/lists/followed")
    expect(page.get_by_role("link", name=BOBS_PUBLIC)).to_be_visible()
    assert BOBS_PRIVATE not in page.content()
    missing = page.goto(f"{base}/lists/{secret}")
    assert missing is not None and missing.status == 404
    assert BOBS_PRIVATE not in page.content() and "a hidden verdict" not in page.content()
