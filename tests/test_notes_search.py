"""The search box finds summaries through the full-text index (FTS5 / tsvector, migration 0022), and a
person's own private notes and private or unlisted summaries for them only: another person, an admin and
an anonymous reader never see them in the results, the count or the JSON twin. The index follows edits
and deletes, folds accents, and matches words, not substrings (it is not a LIKE scan)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from papertalk.services.library import summary_lists
from tests.notes_world import OTHER_PAPER, PAPER, notes_world, summary_id_of

WORD = "quokkaglade"  # in no paper's title or abstract
TITLE_WORD = "marmosetcove"  # only in bob's private texts' titles: searched for (a page shows its query)
SECRET = "zanzibarwallaby"  # only in bob's private texts, never searched for: looked for in every answer


def _ids(answer: httpx.Response) -> set[int]:
    assert answer.status_code == 200, answer.text[:300]
    return {s["id"] for s in answer.json()["summaries"]}


def _page_count(client: httpx.Client, q: str) -> int | None:
    """The count the search page shows in its summaries heading (None: no summaries section)."""
    found = re.search(r"<h2>Summaries(?: and your notes)? \((\d+)", client.get("/search", params={"q": q}).text)
    return int(found.group(1)) if found else None


def test_private_notes_are_found_for_their_author_only(db_url: str, tmp_path: Path) -> None:
    with notes_world(db_url, tmp_path) as w:

        def save(who: str, **fields: str) -> int:
            return summary_id_of(getattr(w, who).post("/summaries/new", action="save", **fields))

        note = save(
            "bob", paper=PAPER, kind="note", title=f"note {TITLE_WORD} {SECRET}", source=f"My {WORD} idea, $x^2$"
        )
        private = save("bob", paper=PAPER, kind="summary", visibility="private", title=f"sum {TITLE_WORD}",
                       source=f"Private **{WORD}** {SECRET}")  # fmt: skip
        unlisted = save("bob", paper=OTHER_PAPER, kind="summary", visibility="unlisted",
                        title=f"u {TITLE_WORD} {SECRET}", source=f"Unlisted {WORD}")  # fmt: skip
        public = save("carol", paper=PAPER, kind="summary", visibility="public", title="Carol's take",
                      source=f"A public {WORD.upper()} summary")  # fmt: skip
        # the author finds all four (so each check below could fail), on the page, its count and its twin
        mine = {note, private, unlisted, public}
        assert _ids(w.bob.client.get("/api/v1/search/summaries", params={"q": WORD})) == mine
        assert _ids(w.bob.api("GET", f"/api/v1/search/summaries?q={WORD}")) == mine
        assert _page_count(w.bob.client, WORD) == 4
        assert SECRET in w.bob.client.get("/search", params={"q": WORD}).text
        readers = {"anonymous": w.anonymous(), "carol": w.carol.client, "ada (admin)": w.ada.client}
        for who, client in readers.items():
            for q in (WORD, TITLE_WORD, f"{WORD} {TITLE_WORD}", "note", "sum", "private"):
                page = client.get("/search", params={"q": q})
                assert page.status_code == 200, (who, q)
                assert SECRET not in page.text, f"{who} sees a private text searching {q!r}"
                twin = client.get("/api/v1/search/summaries", params={"q": q})
                assert SECRET not in twin.text, f"{who} sees a private text in the JSON of {q!r}"
                assert _ids(twin) <= {public}, (who, q)
            assert _ids(client.get("/api/v1/search/summaries", params={"q": WORD})) == {public}, who
            assert _page_count(client, WORD) == 1, who
            assert _page_count(client, TITLE_WORD) is None, who  # no section at all: not even a zero
        for person in (w.carol, w.ada):  # with a token too
            answer = person.api("GET", f"/api/v1/search/summaries?q={TITLE_WORD}")
            assert _ids(answer) == set() and SECRET not in answer.text
        assert (
            w.bob.client.get("/api/v1/search/summaries", params={"q": WORD})
            .headers["cache-control"]
            .startswith("private")
        )


def test_the_index_follows_edits_and_deletes_and_matches_words(db_url: str, tmp_path: Path) -> None:
    with notes_world(db_url, tmp_path) as w:
        fields = {"paper": PAPER, "kind": "summary", "visibility": "public", "action": "save"}
        summary = summary_id_of(w.bob.post("/summaries/new", title="Über Straße", source="The wombatfjord effect",
                                           **fields))  # fmt: skip

        def found(q: str) -> set[int]:
            return {s.id for s in summary_lists.search(w.engine, None, q)}

        assert found("wombatfjord") == {summary}
        assert found("WombatFjord effect") == {summary}  # every word, any case
        assert found("uber") == {summary}  # accents folded, as the paper search folds them
        assert found("ombatfj") == set()  # a word, not a substring: no LIKE scan
        assert found("wombatfjord missingword") == set()
        assert found("$$ ** ::") == set()  # nothing searchable: no hit, no error
        edited = w.bob.post(f"/summaries/{summary}/edit", title="Renamed", source="Now about capybaraloch",
                            visibility="public", action="save")  # fmt: skip
        assert edited.status_code == 303, edited.text[:300]
        assert found("wombatfjord") == set()
        assert found("capybaraloch") == {summary}
        assert found("renamed") == {summary}
        assert w.bob.post(f"/summaries/{summary}/delete").status_code == 303
        assert found("capybaraloch") == set()
