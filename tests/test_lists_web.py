"""Reading lists over real HTTP on 127.0.0.1, on SQLite and PostgreSQL: a conference list built from the
forms and the "Add to list" control, reordered, exported to Markdown and imported back to the same list;
two editors saving at once; an import that offers catalogue candidates for unlinked titles; XSS in an
import; and a private list tried on every surface (pages, exports, feed, API, the paper page, the index)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from papertalk.core.records import Paper
from papertalk.services.library import list_reading
from papertalk.services.networks.my_network import person_named
from papertalk.services.people import api_tokens, user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine, make_engine
from tests.databases import migrate_fast
from tests.test_people_web import PASSWORD, csrf_of, settings_for, signed_in
from tests.web_world import NOW, served

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
PAPERS = [
    Paper(
        "1607.06450",
        "Layer Normalization",
        ("Jimmy Lei Ba", "Geoffrey Hinton"),
        "We normalize layers.",
        ("stat.ML",),
        1469000000,
    ),
    Paper(
        "1610.06258",
        "Using Fast Weights to Attend to the Recent Past",
        ("Jimmy Ba",),
        "Fast weights.",
        ("stat.ML",),
        1477000000,
    ),
]


@pytest.fixture
def world(db_url: str) -> Iterator[tuple[str, Engine]]:
    engine = make_engine(migrate_fast(db_url))
    for name in ("ada", "bob", "eve"):
        user_accounts.add_user(engine, OPERATOR, name, f"{name}@example.org", PASSWORD, False, int(NOW))
    with engine.begin() as conn:
        upsert_papers(conn, PAPERS, int(NOW))
    with served(settings_for(db_url)) as base:
        yield base, engine
    engine.dispose()


def token(client: httpx.Client, path: str) -> str:
    return csrf_of(client.get(path).text)


def post(client: httpx.Client, path: str, fields: dict[str, str], page: str | None = None) -> httpx.Response:
    return client.post(path, data={"csrf": token(client, page or path), **fields})


def new_list(client: httpx.Client, title: str, visibility: str = "public") -> int:
    made = post(client, "/lists", {"title": title, "visibility": visibility, "description": "Notes, $e^x$"})
    assert made.status_code == 303, made.text[:300]
    return int(made.headers["location"].rsplit("/", 1)[1])


def version(engine: Engine, list_id: int) -> str:
    return str(list_reading.list_view(engine, OPERATOR, list_id).ref.version)


def edit(client: httpx.Client, engine: Engine, list_id: int, **fields: str) -> httpx.Response:
    return post(client, f"/lists/{list_id}/edit", {"version": version(engine, list_id), **fields}, f"/lists/{list_id}")


def shape(engine: Engine, list_id: int) -> list[tuple[str, ...]]:
    view = list_reading.list_view(engine, OPERATOR, list_id)
    rows: list[tuple[str, ...]] = [
        ("item", i.title, i.arxiv_id or "", i.url or "", i.verdict_source) for i in view.items
    ]
    for s in view.sections:
        rows.append(("section", s.title))
        rows.extend(("item", i.title, i.arxiv_id or "", i.url or "", i.verdict_source, i.note_source) for i in s.items)
        for c in s.children:
            rows.append(("subsection", c.title))
            rows.extend(
                ("item", i.title, i.arxiv_id or "", i.url or "", i.verdict_source, i.note_source) for i in c.items
            )
    return rows


def test_build_reorder_export_and_reimport_gives_the_same_list(world: tuple[str, Engine]) -> None:
    base, engine = world
    ada = signed_in(base, "ada")
    lid = new_list(ada, "NIPS 2016")
    assert edit(ada, engine, lid, action="section_add", section_title="Tuesday", parent="top").status_code == 303
    tuesday = list_reading.list_view(engine, OPERATOR, lid).sections[0].id
    assert (
        edit(ada, engine, lid, action="section_add", section_title="Main talks", parent=str(tuesday)).status_code == 303
    )
    # the "Add to list" control of the paper page: first it asks which list, then it adds
    page = ada.get("/abs/1607.06450").text
    assert 'action="/lists/add"' in page
    chooser = ada.post("/lists/add", data={"csrf": csrf_of(page), "paper": "1607.06450"})
    assert chooser.status_code == 200 and "NIPS 2016" in chooser.text
    added = ada.post(
        "/lists/add",
        data={
            "csrf": csrf_of(chooser.text),
            "paper": "1607.06450",
            "list": str(lid),
            "section": "Tuesday/Main talks",
            "verdict": "Simple, *works*",
        },
    )
    assert added.status_code == 303
    trending = ada.get("/").text
    assert 'action="/lists/add"' in trending or "No papers" in trending or "nothing" in trending.lower()
    assert (
        edit(ada, engine, lid, action="add", paper="https://arxiv.org/abs/1610.06258", section="top").status_code == 303
    )
    assert (
        edit(
            ada,
            engine,
            lid,
            action="add",
            paper="https://example.org/deck.pdf",
            title="GAN tutorial [slides]",
            section=str(tuesday),
            verdict="Good overview",
        ).status_code
        == 303
    )
    view = list_reading.list_view(engine, OPERATOR, lid)
    talks = view.sections[0].children[0]
    assert [i.title for i in talks.items] == ["Layer Normalization"]
    assert "<em>works</em>" in talks.items[0].verdict_html
    fast = view.items[0]
    moved = edit(ada, engine, lid, action="item_move", item=str(fast.id), to=str(talks.id))
    assert moved.status_code == 303
    assert edit(ada, engine, lid, action="item_up", item=str(fast.id)).status_code == 303
    assert [i.arxiv_id for i in list_reading.list_view(engine, OPERATOR, lid).sections[0].children[0].items] == [
        "1610.06258",
        "1607.06450",
    ]
    markdown = ada.get(f"/lists/{lid}/export.md")
    assert markdown.status_code == 200 and markdown.text.startswith("# NIPS 2016")
    preview = post(ada, "/lists/import", {"step": "preview", "text": markdown.text}, "/lists/import")
    assert preview.status_code == 200 and "Layer Normalization" in preview.text and "Not understood" not in preview.text
    saved = post(
        ada, "/lists/import", {"step": "save", "text": markdown.text, "visibility": "private"}, "/lists/import"
    )
    assert saved.status_code == 303
    again = int(saved.headers["location"].rsplit("/", 1)[1])
    assert shape(engine, again) == shape(engine, lid)
    for kind, marker in (("bib", "@misc{"), ("csv", "Layer Normalization"), ("json", '"sections"')):
        assert marker in ada.get(f"/lists/{lid}/export.{kind}").text
    assert "Layer Normalization" in ada.get(f"/lists/{lid}/print").text
    assert "Layer Normalization" in httpx.get(f"{base}/lists/{lid}/feed.atom").text


def test_two_editors_the_second_save_is_refused_told_what_changed_and_keeps_its_input(
    world: tuple[str, Engine],
) -> None:
    base, engine = world
    ada, bob = signed_in(base, "ada"), signed_in(base, "bob")
    lid = new_list(ada, "Reading group", "private")
    assert edit(ada, engine, lid, action="editor_add", editor="bob").status_code == 303
    assert edit(bob, engine, lid, action="add", paper="1607.06450").status_code == 303
    item = list_reading.list_view(engine, OPERATOR, lid).all_items()[0].id
    ada_page, bob_page = ada.get(f"/lists/{lid}").text, bob.get(f"/lists/{lid}").text
    opened = re.search(r'name="version" value="(\d+)"', ada_page)
    assert opened
    fields = {"action": "item_edit", "item": str(item), "version": opened.group(1), "read_state": "read", "tags": ""}
    first = bob.post(f"/lists/{lid}/edit", data={"csrf": csrf_of(bob_page), **fields, "verdict": "Bob says yes"})
    assert first.status_code == 303
    second = ada.post(f"/lists/{lid}/edit", data={"csrf": csrf_of(ada_page), **fields, "verdict": "Ada says no"})
    assert second.status_code == 409
    assert "Changed since you opened the page" in second.text and "bob edited item" in second.text
    assert 'value="Ada says no"' in second.text  # her input is kept
    assert list_reading.list_view(engine, OPERATOR, lid).all_items()[0].verdict_source == "Bob says yes"
    refused = post(
        signed_in(base, "eve"), f"/lists/{lid}/edit", {"action": "add", "paper": "1607.06450", "version": "9"}, "/lists"
    )
    assert refused.status_code == 404


def test_a_private_list_appears_on_no_surface(world: tuple[str, Engine]) -> None:
    base, engine = world
    ada = signed_in(base, "ada")
    secret = new_list(ada, "Secret plans", "private")
    assert edit(ada, engine, secret, action="add", paper="1607.06450", verdict="hidden verdict").status_code == 303
    assert "Secret plans" in ada.get("/abs/1607.06450").text  # her own lists are named to her
    bob = person_named(engine, "bob")
    made = api_tokens.create_token(engine, bob, bob.id, "w", "write", int(NOW))
    readers = {
        "anonymous": httpx.Client(base_url=base),
        "bob": signed_in(base, "bob"),
        "bob's token": httpx.Client(base_url=base, headers={"Authorization": f"Bearer {made.secret}"}),
    }
    paths = [
        f"/lists/{secret}",
        f"/lists/{secret}/print",
        f"/lists/{secret}/feed.atom",
        f"/api/v1/lists/{secret}",
        *(f"/lists/{secret}/export.{k}" for k in ("md", "bib", "csv", "json")),
    ]
    for who, client in readers.items():
        for path in paths:
            answer = client.get(path)
            assert answer.status_code == 404, (who, path)
            assert "Secret plans" not in answer.text and "hidden verdict" not in answer.text, (who, path)
        for path in (
            "/lists",
            "/abs/1607.06450",
            "/api/v1/lists",
            "/api/v1/papers/1607.06450",
            "/lists/followed",
            "/search?q=layer+normalization",
            "/feeds/papers/1607.06450.atom",
        ):
            answer = client.get(path, follow_redirects=True)
            assert "Secret plans" not in answer.text and "hidden verdict" not in answer.text, (who, path)
        follow = client.post(f"/lists/{secret}/follow", data={"csrf": "x"})
        assert follow.status_code in (403, 404)
    assert list_reading.followed(engine, bob) == []


def test_import_offers_catalogue_candidates_reports_what_it_did_not_understand_and_strips_scripts(
    world: tuple[str, Engine],
) -> None:
    base, engine = world
    ada = signed_in(base, "ada")
    page = (
        "# Talks\n\nA description <script>alert(1)</script>\n\n## Tuesday\n\n- Layer Normalization\n"
        "  - <img src=x onerror=alert(1)> a verdict [x](javascript:alert(1))\n- [Link](https://example.org/x)\n"
    )
    preview = post(ada, "/lists/import", {"step": "preview", "text": page}, "/lists/import")
    assert preview.status_code == 200
    assert 'name="choose_7" value="1607.06450"' in preview.text  # offered, not chosen
    assert re.search(r'name="choose_7" value="" checked', preview.text)
    assert "<script>alert" not in preview.text and "<img src=x" not in preview.text
    saved = post(ada, "/lists/import", {"step": "save", "text": page, "choose_7": "1607.06450"}, "/lists/import")
    lid = int(saved.headers["location"].rsplit("/", 1)[1])
    view = list_reading.list_view(engine, OPERATOR, lid)
    item = view.sections[0].items[0]
    assert item.arxiv_id == "1607.06450"
    stored = view.ref.description_html + item.verdict_html
    assert "<script" not in stored and "<img" not in stored and 'href="javascript' not in stored  # shown as text
    broken = post(
        ada,
        "/lists/import",
        {"step": "preview", "text": "<html><ul><li><a href='https://arxiv.org/abs/1607.06450'>LN<li>x"},
        "/lists/import",
    )
    assert broken.status_code == 200 and "arXiv:1607.06450" in broken.text


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not present in this checkout")
def test_the_conference_write_up_imports_with_days_and_sessions(world: tuple[str, Engine]) -> None:
    base, _ = world
    text = next(SEEDS.glob("002_*.txt")).read_text()
    preview = post(signed_in(base, "ada"), "/lists/import", {"step": "preview", "text": text}, "/lists/import")
    assert preview.status_code == 200
    assert "Tuesday › Main Talks" in preview.text and "Thursday › Symposia" in preview.text
    assert "Interesting but complex procedure that didn’t seem worth the payoff" in preview.text
