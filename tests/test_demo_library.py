"""The demo fills the stage-two pages: public summaries with rendered math on the week's top papers, votes and
a reply, a private note only its author sees, and a public conference list with day and session sections
that another demo person follows."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from papertalk.demo.database import build_demo
from papertalk.demo.library import DEMO_LIST_TITLE
from papertalk.demo.world import WorldSize
from papertalk.services.database import open_database
from papertalk.services.library import discussion, summary_lists
from papertalk.services.library.list_reading import followed, list_view, public_lists
from papertalk.services.people.user_accounts import find_user


@pytest.mark.slow
def test_the_demo_has_summaries_a_discussion_and_a_sectioned_list(tmp_path: Path) -> None:
    now = int(time.time())
    world = build_demo(tmp_path, 42, now, WorldSize(papers=300, accounts=60, posts=3000, days=14))
    engine = open_database(world.settings)
    with engine.connect() as conn:
        ada, grace = find_user(conn, "ada"), find_user(conn, "grace")

    public = summary_lists.tab(engine, "best", None, 1, now)
    assert len(public) == 3 and all(s.visibility == "public" and s.kind == "summary" for s in public)
    best = public[0]
    assert best.author == "ada" and "<math" in best.html and "<table" in best.html  # rendered at write time
    assert [s.anonymous for s in public].count(True) == 1
    threads = discussion.comments_shown(engine, None, best)
    assert len(threads) == 1 and len(threads[0][1]) == 1  # grace asks, ada replies

    ada_own = summary_lists.own(engine, ada)
    notes = [s for s in ada_own if s.kind == "note"]
    assert len(notes) == 1 and notes[0].visibility == "private"
    assert all(s.kind != "note" for s in summary_lists.own(engine, grace))

    (demo_list,) = [ref for ref in public_lists(engine) if ref.title == DEMO_LIST_TITLE]
    view = list_view(engine, None, demo_list.id)
    assert [s.title for s in view.sections] == ["Tuesday", "Thursday"]
    assert [c.title for c in view.sections[0].children] == ["Main talks", "Posters"]
    items = view.all_items()
    assert len(items) == 5 and sum(1 for i in items if i.arxiv_id) == 4
    assert all(i.title and "[" not in i.title and not i.title.startswith("paper") for i in items)
    assert any(i.links for i in items)  # the [summary] link beside a paper
    assert any("payoff" in i.verdict_source for i in items)
    assert [ref.id for ref in followed(engine, grace)] == [demo_list.id]
    engine.dispose()
