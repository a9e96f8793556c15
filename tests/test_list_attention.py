"""A paper on a public list counts as attention (issue 17, 7), on SQLite and PostgreSQL: adding it to a public
list moves trending by one person; the same person's summary and list items of one paper stay one vote;
private and unlisted lists never count; making a list private, removing an item or a section, deleting the
list withdraws; making it public counts again; syncing twice counts nothing twice; the setting turns it off."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select

from papertalk.config import Settings
from papertalk.core.list_records import PRIVATE, PUBLIC, UNLISTED
from papertalk.core.records import Paper
from papertalk.services.library import list_adding, list_attention, list_editing, list_import, list_reading, summaries
from papertalk.services.people import user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.services.ranking.trending import TrendingQuery, trending
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine
from papertalk.storage.tables import accounts, posts, votes
from tests.test_people_web import PASSWORD

NOW = 1_800_000_000
SETTINGS = Settings("sqlite://")  # the database is the engine given; these are the rest
PAPER, OTHER = "1607.06450", "1606.01234"


def setup(engine: Engine) -> tuple[object, object]:
    with engine.begin() as conn:
        upsert_papers(
            conn,
            [
                Paper(PAPER, "Layer Normalization", ("J. Ba",), "We normalize.", ("cs.LG",), NOW - 86_400),
                Paper(OTHER, "Another paper", ("A. B",), "Other.", ("cs.LG",), NOW - 86_400),
            ],
            NOW,
        )
    return tuple(  # type: ignore[return-value]
        user_accounts.add_user(engine, OPERATOR, n, f"{n}@example.org", PASSWORD, False, NOW) for n in ("ada", "bob")
    )


def people_on(engine: Engine, arxiv_id: str, now: int = NOW + 60) -> int:
    """How many people trending says discussed the paper this week (0 when it is not ranked)."""
    ranked = trending(engine, SETTINGS, now, TrendingQuery(window="week", limit=50)).items
    return next((i.people for i in ranked if i.arxiv_id == arxiv_id), 0)


def papertalk_rows(engine: Engine, user: str) -> tuple[int, int]:
    """(posts of platform papertalk, votes of papertalk:<user>)."""
    with engine.connect() as conn:
        account = conn.execute(
            select(accounts.c.id).where(accounts.c.platform == "papertalk", accounts.c.platform_id == user)
        ).scalar()
        made = conn.execute(select(func.count()).select_from(posts).where(posts.c.platform == "papertalk"))
        voted = conn.execute(select(func.count()).select_from(votes).where(votes.c.account_id == account))
        return int(made.scalar_one()), int(voted.scalar_one())


def version(engine: Engine, who: object, list_id: int) -> int:
    return list_reading.list_view(engine, who, list_id).ref.version  # type: ignore[arg-type]


def test_a_public_list_counts_and_private_or_unlisted_never(engine: Engine) -> None:
    ada, bob = setup(engine)
    secret = list_editing.create_list(engine, ada, "Secret", "", PRIVATE, NOW)
    hidden = list_editing.create_list(engine, ada, "Unlisted", "", UNLISTED, NOW)
    for lid in (secret, hidden):
        list_adding.add_item(engine, SETTINGS, ada, lid, PAPER, now=NOW, verdict="Worth it")
    assert people_on(engine, PAPER) == 0 and papertalk_rows(engine, "ada") == (0, 0)
    shown = list_editing.create_list(engine, ada, "NeurIPS", "", PUBLIC, NOW)
    list_adding.add_item(engine, SETTINGS, ada, shown, PAPER, now=NOW, section="Tuesday/Main talks", verdict="Neat")
    list_adding.add_item(engine, SETTINGS, ada, shown, "https://example.org/slides", now=NOW, title="Slides")
    assert people_on(engine, PAPER) == 1 and papertalk_rows(engine, "ada") == (1, 1)
    list_editing.set_editor(engine, ada, shown, version(engine, ada, shown), "bob", True, NOW)
    list_adding.add_item(engine, SETTINGS, bob, shown, PAPER, now=NOW, section="Thursday")  # bob added it too
    assert people_on(engine, PAPER) == 2 and papertalk_rows(engine, "bob") == (2, 1)
    with engine.connect() as conn:
        text = conn.execute(select(posts.c.text).where(posts.c.post_id.like(f"list:{shown}:item:%"))).scalars().all()
    assert "On the list “NeurIPS”: Layer Normalization — Neat" in text

    # private, then unlisted: withdrawn; public again: counted again, once
    for hide in (PRIVATE, UNLISTED):
        list_editing.update_list(
            engine, SETTINGS, ada, shown, version(engine, ada, shown), "NeurIPS", "", hide, now=NOW
        )
        assert people_on(engine, PAPER) == 0 and papertalk_rows(engine, "ada") == (0, 0)
        list_editing.update_list(
            engine, SETTINGS, ada, shown, version(engine, ada, shown), "NeurIPS", "", PUBLIC, now=NOW
        )
        assert people_on(engine, PAPER) == 2 and papertalk_rows(engine, "ada") == (2, 1)


def test_one_vote_per_person_whatever_the_summaries_lists_and_reruns(engine: Engine) -> None:
    ada, _ = setup(engine)
    draft = summaries.draft_of("", "It *works*.", "public", False)
    summary = summaries.save_summary(engine, SETTINGS, ada, PAPER, draft, NOW)
    assert people_on(engine, PAPER) == 1 and papertalk_rows(engine, "ada") == (1, 1)
    first = list_editing.create_list(engine, ada, "NeurIPS", "", PUBLIC, NOW)
    second = list_editing.create_list(engine, ada, "Reading group", "", PUBLIC, NOW)
    for lid in (first, first, second):  # twice on one list, once on another
        list_adding.add_item(engine, SETTINGS, ada, lid, PAPER, now=NOW)
    assert people_on(engine, PAPER) == 1 and papertalk_rows(engine, "ada") == (4, 1)
    with engine.begin() as conn:  # a re-run (a retried job, a second sync) replaces, never adds
        for _ in range(2):
            list_attention.sync_list(conn, SETTINGS, first, NOW)
            list_attention.count_items(conn, SETTINGS, second, None, NOW)
    assert people_on(engine, PAPER) == 1 and papertalk_rows(engine, "ada") == (4, 1)

    # removing an item, a section's items, a whole list: each withdraws its own posts only
    view = list_reading.list_view(engine, ada, first)
    list_editing.remove_item(engine, SETTINGS, ada, first, view.ref.version, view.all_items()[0].id, NOW)
    assert papertalk_rows(engine, "ada") == (3, 1)
    list_adding.add_item(engine, SETTINGS, ada, second, OTHER, now=NOW, section="Day 1/Posters")
    assert people_on(engine, OTHER) == 1
    day = list_reading.list_view(engine, ada, second).sections[0]
    list_editing.remove_section(engine, SETTINGS, ada, second, version(engine, ada, second), day.id, False, NOW)
    assert people_on(engine, OTHER) == 0 and papertalk_rows(engine, "ada") == (3, 1)
    list_editing.delete_list(engine, SETTINGS, ada, first, NOW)
    list_editing.delete_list(engine, SETTINGS, ada, second, NOW)
    assert people_on(engine, PAPER) == 1 and papertalk_rows(engine, "ada") == (1, 1)  # the summary's vote stays
    summaries.delete(engine, SETTINGS, ada, summary.id, NOW)
    assert people_on(engine, PAPER) == 0 and papertalk_rows(engine, "ada") == (0, 0)


def test_an_imported_public_list_counts_and_the_setting_turns_it_off(engine: Engine) -> None:
    ada, bob = setup(engine)
    page = f"# NeurIPS\n\n## Tuesday\n\n### Main talks\n\n- [LN](https://arxiv.org/abs/{PAPER})\n  - Simple\n"
    list_import.save_import(engine, SETTINGS, ada, page, {}, PUBLIC, NOW)
    assert people_on(engine, PAPER) == 1
    off = replace(SETTINGS, library=replace(SETTINGS.library, lists_count=False))
    assert Settings.from_env({"PAPERTALK_LIBRARY_LISTS_COUNT": "0"}).library.lists_count is False
    lid, _ = list_import.save_import(engine, off, bob, page, {}, PUBLIC, NOW)
    list_adding.add_item(engine, off, bob, lid, OTHER, now=NOW)
    assert people_on(engine, PAPER) == 1 and people_on(engine, OTHER) == 0 and papertalk_rows(engine, "bob") == (1, 0)
