"""Summaries, notes and their discussion over real HTTP, on SQLite and PostgreSQL: write with a preview
(nothing stored), save, edit, history and escaped diffs, votes (one per person, not one's own), comments
with one level of replies and notifications, moderation, and the summary's post counted and withdrawn
through the ingest path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from papertalk.storage.tables import accounts, mentions, posts, summaries, summary_versions, votes
from tests.notes_world import PAPER, NotesWorld, notes_world, summary_id_of

MATH = (
    "# Main results\n\nEvery local minimum is global: $\\Sigma = YX^T(XX^T)^{-1}XY^T$.\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint('hi')\n```\n"
)


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[NotesWorld]:
    with notes_world(db_url, tmp_path) as w:
        yield w


def count(w: NotesWorld, table: object, *where: object) -> int:
    with w.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())  # type: ignore[arg-type]


def write(w: NotesWorld, who: str = "ada", visibility: str = "public", source: str = MATH, **extra: str) -> int:
    person = getattr(w, who)
    fields = {"paper": PAPER, "kind": "summary", "title": "Linear nets", "source": source,
              "visibility": visibility, "action": "save", **extra}  # fmt: skip
    return summary_id_of(person.post("/summaries/new", **fields))


def test_preview_stores_nothing_and_save_shows_rendered_math_table_and_code(world: NotesWorld) -> None:
    preview = world.ada.post("/summaries/new", paper=PAPER, kind="summary", title="t", source=MATH,
                             visibility="public", action="preview")  # fmt: skip
    assert preview.status_code == 200
    assert "Preview (not saved yet)" in preview.text and "<math" in preview.text and "<table>" in preview.text
    assert 'class="highlight"' in preview.text
    assert count(world, summaries) == 0
    number = write(world)
    page = world.anonymous().get(f"/abs/{PAPER}")
    assert page.status_code == 200
    assert "Linear nets" in page.text and "<math" in page.text and "Summaries (1)" in page.text
    stored = world.anonymous().get(f"/summaries/{number}")
    assert stored.status_code == 200 and "<math" in stored.text


def test_one_summary_per_person_and_paper_edits_keep_history_and_the_diff_is_escaped(world: NotesWorld) -> None:
    number = write(world)
    again = write(world, source=MATH + "\n<script>alert(1)</script> more\n")
    assert again == number
    assert count(world, summaries) == 1 and count(world, summary_versions) == 2
    page = world.ada.client.get(f"/summaries/{number}/history", params={"old": "1", "new": "2"})
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; more" in page.text and "<script>alert" not in page.text
    assert 'class="diff-add"' in page.text
    assert world.bob.client.get(f"/summaries/{number}/history").status_code == 403
    edit = world.ada.post(f"/summaries/{number}/edit", title="Linear nets", source="short", visibility="public",
                          action="save")  # fmt: skip
    assert edit.status_code == 303 and count(world, summary_versions) == 3


def test_votes_are_one_per_person_and_never_on_ones_own(world: NotesWorld) -> None:
    number = write(world)
    assert world.ada.post(f"/summaries/{number}/vote", vote="up").status_code == 403
    assert world.bob.post(f"/summaries/{number}/vote", vote="up").status_code == 303
    assert world.bob.post(f"/summaries/{number}/vote", vote="up").status_code == 303
    assert world.carol.post(f"/summaries/{number}/vote", vote="down").status_code == 303
    with world.engine.connect() as conn:
        assert conn.execute(select(summaries.c.score)).scalar_one() == 0
    assert world.carol.post(f"/summaries/{number}/vote", vote="none").status_code == 303
    with world.engine.connect() as conn:
        assert conn.execute(select(summaries.c.score)).scalar_one() == 1


def test_comments_replies_notifications_edit_delete_and_admin_hide(world: NotesWorld) -> None:
    number = write(world)
    made = world.bob.post(f"/summaries/{number}/comments", source="Nice, but **why** $x^2$?")
    assert made.status_code == 303
    comment = int(made.headers["location"].rsplit("-", 1)[1])
    assert "<math" in world.anonymous().get(f"/summaries/{number}").text
    assert '<span class="count">1</span>' in world.ada.client.get("/").text  # ada hears of bob's comment
    reply = world.ada.post(f"/summaries/{number}/comments", source="Because.", parent=str(comment))
    reply_id = int(reply.headers["location"].rsplit("-", 1)[1])
    deeper = world.bob.post(f"/summaries/{number}/comments", source="A reply to a reply", parent=str(reply_id))
    assert deeper.status_code == 303  # joins the thread: one level of replies
    notes = world.bob.client.get("/notifications")
    assert "ada commented" in notes.text
    assert world.bob.post("/notifications/read").status_code == 303
    assert '<span class="count">' not in world.bob.client.get("/").text
    assert world.ada.post(f"/comments/{comment}/edit", source="mine now").status_code == 403
    assert world.bob.post(f"/comments/{comment}/edit", source="Edited *text*").status_code == 303
    assert "<em>text</em>" in world.anonymous().get(f"/summaries/{number}").text
    assert world.carol.post("/reports", target="comment", id=str(comment), reason="rude").status_code == 303
    assert "rude" in world.ada.client.get("/admin/reports").text
    assert world.bob.client.get("/admin/reports").status_code == 403
    assert world.ada.post("/admin/reports", target="comment", id=str(comment), action="hide").status_code == 303
    shown = world.anonymous().get(f"/summaries/{number}").text
    assert "Edited" not in shown and "(hidden by an admin)" in shown
    assert world.bob.post(f"/comments/{reply_id}/delete").status_code == 403
    assert world.ada.post(f"/comments/{reply_id}/delete").status_code == 303
    assert "Because." not in world.anonymous().get(f"/summaries/{number}").text


def test_a_public_summary_counts_as_a_post_and_withdraws_when_private_or_deleted(world: NotesWorld) -> None:
    number = write(world)
    papertalk = posts.c.platform == "papertalk"
    assert count(world, posts, papertalk) == 1
    with world.engine.connect() as conn:
        account = conn.execute(select(accounts.c.id).where(accounts.c.platform == "papertalk",
                                                           accounts.c.platform_id == "ada")).scalar_one()  # fmt: skip
    assert count(world, votes, votes.c.account_id == account) == 1
    trending = world.anonymous().get("/", params={"audience": "everyone"})
    assert "papertalk" in trending.text and "Main results" in trending.text  # among the commentaries
    write(world, source=MATH + "\nedited\n")
    assert count(world, posts, papertalk) == 1 and count(world, votes, votes.c.account_id == account) == 1
    write(world, visibility="private")
    assert count(world, posts, papertalk) == 0 and count(world, votes, votes.c.account_id == account) == 0
    assert count(world, mentions, mentions.c.account_id == account) == 0
    write(world, visibility="public")
    assert count(world, votes, votes.c.account_id == account) == 1
    assert world.ada.post(f"/summaries/{number}/delete").status_code == 303
    assert count(world, posts, papertalk) == 0 and count(world, votes, votes.c.account_id == account) == 0


def test_the_setting_turns_counting_off(db_url: str, tmp_path: Path) -> None:
    with notes_world(db_url, tmp_path, PAPERTALK_LIBRARY_SUMMARIES_COUNT="0") as world:
        write(world)
        assert count(world, posts, posts.c.platform == "papertalk") == 0


def test_new_accounts_may_post_only_so_many_comments_an_hour(db_url: str, tmp_path: Path) -> None:
    with notes_world(db_url, tmp_path, PAPERTALK_LIBRARY_NEW_ACCOUNT_COMMENTS_PER_HOUR="2") as world:
        number = write(world)
        for _ in range(2):
            assert world.carol.post(f"/summaries/{number}/comments", source="hi").status_code == 303
        refused = world.carol.post(f"/summaries/{number}/comments", source="hi")
        assert refused.status_code == 400 and "2 comments an hour" in refused.text
        for _ in range(3):  # bob's account is old
            assert world.bob.post(f"/summaries/{number}/comments", source="hi").status_code == 303


def test_bad_input_gets_a_clear_message_never_a_500(world: NotesWorld) -> None:
    nul = world.ada.post("/summaries/new", paper=PAPER, kind="note", title="", source="a\x00b", action="save")
    assert nul.status_code == 400 and "NUL" in nul.text
    empty = world.ada.post("/summaries/new", paper=PAPER, kind="note", title="", source="  ", action="save")
    assert empty.status_code == 400 and "write something first" in empty.text
    bad_math = world.ada.post("/summaries/new", paper=PAPER, kind="note", title="", source="$\\frac{$ and $x^2$",
                              action="preview")  # fmt: skip
    assert bad_math.status_code == 200 and "<math" in bad_math.text
    broken = world.ada.client.post(
        "/summaries/new",
        content=b"csrf=" + world.ada.token.encode() + b"&source=\xff\xfe&paper=" + PAPER.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert broken.status_code == 400 and "UTF-8" in broken.text
    formulas = " ".join(f"$x_{{{i}}}$" for i in range(5000))
    many = world.ada.post("/summaries/new", paper=PAPER, kind="note", title="", source=formulas, action="save")
    assert many.status_code == 303
    big = "word " * 200_000 + "$x$"  # 1 MB
    saved = world.ada.post("/summaries/new", paper=PAPER, kind="note", title="", source=big, action="save")
    assert saved.status_code == 303
    too_big = world.ada.post("/summaries/new", paper=PAPER, kind="note", title="", source="x" * 1_048_577,
                             action="save")  # fmt: skip
    assert too_big.status_code == 400 and "over the limit" in too_big.text
    assert world.ada.client.get("/summaries/999999").status_code == 404
    assert world.ada.client.get(f"/summaries/{summary_id_of(saved)}/history?old=1&new=9").status_code == 400
