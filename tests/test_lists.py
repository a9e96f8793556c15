"""Reading lists in the service layer, on SQLite and PostgreSQL: sections two levels deep, items moved and
reordered, removing a section keeps or drops its items, two editors saving at once (the stale save is refused
with what changed), privacy, follows and the digest's feed of new items."""

from __future__ import annotations

import pytest

from papertalk.config import Settings
from papertalk.core.list_records import PRIVATE, PUBLIC, UNLISTED
from papertalk.services.library import list_adding, list_editing, list_import, list_reading
from papertalk.services.library.list_access import ListNotFound
from papertalk.services.people import user_accounts
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import OPERATOR, NotAllowed
from papertalk.storage.engine import Engine
from tests.test_people_web import PASSWORD

NOW = 1_800_000_000
SETTINGS = Settings("sqlite://")  # the database is the engine given; these are the rest


def people(engine: Engine) -> tuple[object, object, object]:
    made = [
        user_accounts.add_user(engine, OPERATOR, n, f"{n}@example.org", PASSWORD, False, NOW)
        for n in ("ada", "bob", "eve")
    ]
    return made[0], made[1], made[2]


def test_sections_items_moves_and_removals(engine: Engine) -> None:
    ada, _, _ = people(engine)
    lid = list_editing.create_list(engine, ada, "NIPS 2016", "Notes with $x^2$", PUBLIC, NOW)
    view = list_reading.list_view(engine, ada, lid)
    assert "<math" in view.ref.description_html
    list_adding.add_item(
        engine, SETTINGS, ada, lid, "1607.06450", now=NOW, section="Tuesday/Main talks", verdict="Worth it"
    )
    list_adding.add_item(
        engine, SETTINGS, ada, lid, "https://example.org/slides", now=NOW, title="Slides", section="Tuesday/Main talks"
    )
    list_adding.add_item(engine, SETTINGS, ada, lid, "arXiv:1606.01234", now=NOW, section="Monday")
    view = list_reading.list_view(engine, ada, lid)
    assert [s.title for s in view.sections] == ["Tuesday", "Monday"]
    talks = view.sections[0].children[0]
    assert talks.title == "Main talks" and [i.title for i in talks.items] == ["arXiv:1607.06450", "Slides"]
    with pytest.raises(FormProblem, match="2 levels"):
        list_editing.add_section(engine, ada, lid, None, "Too deep", talks.id, now=NOW)
    saved = list_editing.move_item(engine, ada, lid, view.ref.version, talks.items[1].id, -1, now=NOW)
    saved = list_editing.move_section(engine, ada, lid, saved.version, view.sections[1].id, -1, now=NOW)
    view = list_reading.list_view(engine, ada, lid)
    assert [s.title for s in view.sections] == ["Monday", "Tuesday"]
    assert [i.title for i in view.sections[1].children[0].items] == ["Slides", "arXiv:1607.06450"]
    tuesday = view.sections[1]
    saved = list_editing.remove_section(engine, SETTINGS, ada, lid, saved.version, tuesday.id, keep_items=True, now=NOW)
    view = list_reading.list_view(engine, ada, lid)
    assert [i.title for i in view.items] == ["Slides", "arXiv:1607.06450"] and len(view.sections) == 1
    list_editing.remove_section(
        engine, SETTINGS, ada, lid, saved.version, view.sections[0].id, keep_items=False, now=NOW
    )
    assert len(list_reading.list_view(engine, ada, lid).all_items()) == 2


def test_two_editors_a_stale_save_is_refused_and_told_what_changed(engine: Engine) -> None:
    ada, bob, eve = people(engine)
    lid = list_editing.create_list(engine, ada, "Reading group", "", PRIVATE, NOW)
    list_editing.set_editor(engine, ada, lid, 1, "bob", True, now=NOW)
    list_adding.add_item(engine, SETTINGS, bob, lid, "1607.06450", now=NOW)
    opened = list_reading.list_view(engine, ada, lid)  # both open the same version
    item = opened.all_items()[0]
    list_editing.update_item(
        engine, SETTINGS, bob, lid, opened.ref.version, item.id, "Bob's verdict", "", "", "read", now=NOW
    )
    with pytest.raises(list_editing.StaleList) as stale:
        list_editing.update_item(
            engine, SETTINGS, ada, lid, opened.ref.version, item.id, "Ada's verdict", "", "", "read", now=NOW
        )
    assert stale.value.changes and stale.value.changes[0].who == "bob" and "edited item" in stale.value.changes[0].what
    assert list_reading.list_view(engine, ada, lid).all_items()[0].verdict_source == "Bob's verdict"
    with pytest.raises(ListNotFound):  # a private list does not exist for eve
        list_adding.add_item(engine, SETTINGS, eve, lid, "1607.06450", now=NOW)
    with pytest.raises(NotAllowed):  # an editor may not change visibility
        list_editing.update_list(engine, SETTINGS, bob, lid, stale.value.version, "Reading group", "", PUBLIC, now=NOW)


def test_private_and_unlisted_lists_stay_hidden_and_follows_feed_the_digest(engine: Engine) -> None:
    ada, bob, _ = people(engine)
    secret = list_editing.create_list(engine, ada, "Secret", "", PRIVATE, NOW)
    unlisted = list_editing.create_list(engine, ada, "Unlisted", "", UNLISTED, NOW)
    shown = list_editing.create_list(engine, ada, "Shown", "", PUBLIC, NOW)
    for lid in (secret, unlisted, shown):
        list_adding.add_item(engine, SETTINGS, ada, lid, "1607.06450", now=NOW + 10, verdict=f"verdict {lid}")
    with pytest.raises(ListNotFound):
        list_reading.list_view(engine, bob, secret)
    with pytest.raises(ListNotFound):
        list_reading.set_follow(engine, bob, secret, True, NOW)
    assert list_reading.list_view(engine, bob, unlisted).ref.title == "Unlisted"
    assert [r.title for r in list_reading.public_lists(engine)] == ["Shown"]
    assert [p.title for p in list_reading.lists_holding_paper(engine, bob, "1607.06450")] == ["Shown"]
    assert len(list_reading.lists_holding_paper(engine, ada, "1607.06450")) == 3
    assert list_reading.set_follow(engine, bob, shown, True, NOW)
    list_adding.add_item(engine, SETTINGS, ada, shown, "1606.01234", now=NOW + 100)
    new = list_reading.new_items_of_followed_lists(engine, bob.id, NOW + 50, NOW + 200)
    assert [(ref.title, item.arxiv_id) for ref, item in new] == [("Shown", "1606.01234")]
    list_editing.update_list(
        engine,
        SETTINGS,
        ada,
        shown,
        list_reading.list_view(engine, ada, shown).ref.version,
        "Shown",
        "",
        PRIVATE,
        now=NOW,
    )
    assert list_reading.new_items_of_followed_lists(engine, bob.id, 0, NOW + 200) == []
    assert list_reading.lists_holding_paper(engine, bob, "1607.06450") == []


def test_bibtex_with_unbalanced_braces_and_csl_json_import_the_rest_and_say_where(engine: Engine) -> None:
    ada, _, _ = people(engine)
    bib = (
        "@article{ba2016, title={Layer {N}ormalization}, eprint={1607.06450}, archivePrefix={arXiv}, annote={great}}\n"
        "@misc{broken, title={Unbalanced {brace}\n"
        "@misc{site, title={A blog post}, url={https://example.org/post}}\n"
    )
    list_id, problems = list_import.save_import(engine, SETTINGS, ada, bib, {}, PRIVATE, NOW)
    assert problems and problems[0].startswith("line 2: not understood as BibTeX")
    items = list_reading.list_view(engine, ada, list_id).all_items()
    assert [(i.title, i.arxiv_id, i.url, i.verdict_source) for i in items] == [
        ("Layer Normalization", "1607.06450", None, "great"),
        ("A blog post", None, "https://example.org/post", ""),
    ]
    csl = '[{"title": "LN", "URL": "https://arxiv.org/abs/1607.06450v2"}, 7, {"title": "Slides", "URL": "https://x.org/s"}]'
    plan = list_import.read_page(csl)
    assert [(i.arxiv_id, i.url) for i in plan.items] == [("1607.06450", None), (None, "https://x.org/s")]
    assert plan.problems == ["entry 2: not a CSL-JSON object"]


def test_a_5_mb_page_and_10000_links_are_bounded_and_an_import_saves_all_or_nothing(engine: Engine) -> None:
    ada, _, _ = people(engine)
    huge = "# Big\n\n" + "- [t](https://example.org/x)\n" * 200_000
    assert list_import.read_page(huge).problems == ["page: over 5 MB; split it and import each part"]
    many = "# Many\n\n## S\n\n" + "".join(f"- [talk {n}](https://example.org/{n})\n" for n in range(10_050))
    plan = list_import.read_page(many)
    assert len(plan.all_items()) == 10_000 and plan.problems[0].startswith("line 10005: over 10,000 items")
    before = list_reading.my_lists(engine, ada)
    with pytest.raises(FormProblem, match=r"^note: "):  # a note over the limit stops the whole save
        page = "# L\n\n## S\n\n- [a](https://e.org/a)\n- [b](https://e.org/b)\n  > " + "x" * 250_000
        list_import.save_import(engine, SETTINGS, ada, page, {}, PRIVATE, NOW)
    assert list_reading.my_lists(engine, ada) == before


def test_an_unlinked_title_is_found_by_its_title_at_once_or_else_by_search(engine: Engine) -> None:
    from papertalk.core.records import Paper
    from papertalk.storage.catalogue.paper_rows import upsert_papers

    with engine.begin() as conn:
        upsert_papers(
            conn,
            [
                Paper("1607.06450", "Layer Normalization", ("J. Ba",), "We normalize.", ("cs.LG",), NOW),
                Paper("1606.01234", "Sparse  attention kernels", ("A. B",), "Fast.", ("cs.LG",), NOW),
            ],
            NOW,
        )
    page = "# Notes\n\n## Tuesday\n\n- layer   NORMALIZATION\n- Kernels of sparse attention\n- Nothing alike here\n"
    found = list_import.preview(engine, page)
    by_title = {i.title: found.candidates.get(i.line, []) for i in found.plan.all_items()}
    assert [c.arxiv_id for c in by_title["layer NORMALIZATION"]] == ["1607.06450"]  # case and spaces aside
    assert [c.arxiv_id for c in by_title["Kernels of sparse attention"]] == ["1606.01234"]  # by the search
    assert by_title["Nothing alike here"] == []


def test_html_pages_drop_their_navigation_and_footer_and_keep_word_breaks_after_links() -> None:
    page = (
        '<html><body><nav><a href="/">Home</a> <a href="/about">About</a></nav><h1>Trip</h1><h2>Monday</h2>'
        '<ul><li><a href="https://arxiv.org/abs/1607.06450">Layer Normalization</a>\n  (Ba et al.)'
        "<p>Simple.</p></li></ul><footer><p>Comments? Write to me.</p></footer></body></html>"
    )
    plan = list_import.read_page(page)
    talk = plan.sections[0].items[0]
    assert plan.title == "Trip" and plan.description == "" and plan.problems == []
    assert talk.title == "Layer Normalization (Ba et al.)" and talk.verdict == "Simple." and talk.note == ""
    # the explicit format wins over what the text looks like: the same page read as Markdown has no sections
    assert list_import.read_page(page, "markdown").sections == []
    assert list_import.read_page("- a talk", "csl-json").problems[0].startswith("page: not CSL-JSON")
    assert list_import.format_of("auto", "refs.BIB") == "bibtex" and list_import.format_of("html", "refs.bib") == "html"
