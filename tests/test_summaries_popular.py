"""The summaries page's Popular tab (net votes of the last days, then newest), on SQLite and PostgreSQL:
its two-step query gives, page by page and per category, what a plain reckoning over every vote gives;
old votes, down votes, private and unlisted summaries, hidden ones and notes are where they should be."""

from __future__ import annotations

import random

from papertalk.core.records import Paper
from papertalk.services.library import summaries
from papertalk.services.people import user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine
from papertalk.storage.library import summary_rows, vote_rows
from tests.helpers import NOW
from tests.test_people_web import PASSWORD, settings_for

DAY = 86_400
SINCE = NOW - 7 * DAY


def test_popular_pages_are_net_recent_votes_then_newest(engine: Engine, db_url: str) -> None:
    rng = random.Random(16)
    papers = [Paper(f"2401.{n:05d}", f"Paper {n}", ("A. Author",), "Abstract.", ("cs.LG" if n % 2 else "math.OC",))
              for n in range(1, 9)]  # fmt: skip
    with engine.begin() as conn:
        upsert_papers(conn, papers, NOW - 30 * DAY)
    people = [user_accounts.add_user(engine, OPERATOR, f"p{n}", f"p{n}@example.org", PASSWORD, False, NOW - 40 * DAY)
              for n in range(12)]  # fmt: skip
    settings = settings_for(db_url)
    made = []
    for n, person in enumerate(people):
        paper = papers[n % len(papers)].arxiv_id
        visibility = ["public", "public", "public", "unlisted", "private"][n % 5]
        draft = summaries.draft_of(f"S{n}", f"Summary {n}.", visibility, False)
        made.append(summaries.save_summary(engine, settings, person, paper, draft, NOW - (20 - n) * DAY))
        summaries.save_note(engine, person, paper, summaries.draft_of("", "A note.", "private", False, "note"), NOW)
    with engine.begin() as conn:
        summary_rows.set_hidden(conn, made[1].id, NOW)
        for s in made:
            for voter in rng.sample(people, 8):
                if voter.id != s.user_id:
                    at = NOW - rng.randrange(0, 14 * DAY)  # half of them older than the tab's 7 days
                    vote_rows.set_vote(conn, s.id, voter.id, rng.choice([1, 1, -1]), at)
    with engine.connect() as conn:
        votes = conn.exec_driver_sql("SELECT summary_id, value, voted_at FROM summary_votes").fetchall()
    recent: dict[int, int] = {}
    for summary_id, value, voted_at in votes:
        if voted_at > SINCE:
            recent[summary_id] = recent.get(summary_id, 0) + value
    shown = [s for s in made if s.visibility == "public" and s.id != made[1].id and s.id in recent]
    for category in (None, "cs.LG", "math.OC"):
        wanted = [s for s in shown if category is None or papers[made.index(s) % len(papers)].categories[0] == category]
        wanted.sort(key=lambda s: (-recent[s.id], -s.created_at, -s.id))
        with engine.connect() as conn:
            pages = [summary_rows.listed(conn, "popular", 2, offset, category, SINCE) for offset in range(0, 12, 2)]
        assert [s.id for page in pages for s in page] == [s.id for s in wanted], category
        assert all(s.kind == "summary" and s.visibility == "public" and s.hidden_at is None
                   for page in pages for s in page)  # fmt: skip
    assert len(shown) >= 4 and len({recent[s.id] for s in shown}) > 1  # a test that could tell orders apart
