"""Search ignores accents the same way on both backends (issue 14 item 9): ``author:balazs`` finds Balázs."""

from __future__ import annotations

import sqlite3
import unicodedata

import pytest

from papertalk.core.accent_fold import DROPPED, FOLDED_FROM, FOLDED_TO, fold_accents
from papertalk.core.records import Paper
from papertalk.core.search_terms import tokens
from papertalk.services.search.paper_search import search_papers
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine
from papertalk.storage.schema import upgrade
from tests.helpers import NOW, downgrade

PAPERS = [
    Paper("2401.00001", "Incompleteness after Gödel", ("Balázs Szegedy", "Ada Lovelace"),
          "A naïve proof, with a café on the side.", ("math.LO",), NOW),
    Paper("2401.00002", "Plain title", ("Balazs Plain",), "Nothing accented here.", ("cs.LG",), NOW),
    Paper("2401.00003", "Crystal fields in Łódź", ("Søren Kierkegaard",), "Ørsted and Straße.", ("cs.LG",), NOW),
    # decomposed accents (a letter, then a combining mark) fold too
    Paper("2401.00004", "Decomposed Go\u0308del numbering", ("Bala\u0301zs Decomposed",), "", ("cs.LG",), NOW),
]  # fmt: skip


def found(engine: Engine, query: str) -> set[str]:
    return {h.paper.arxiv_id for h in search_papers(engine, query, limit=50).hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("author:balazs", {"2401.00001", "2401.00002", "2401.00004"}),
        ("author:Balázs", {"2401.00001", "2401.00002", "2401.00004"}),
        ("author:BALÁZS", {"2401.00001", "2401.00002", "2401.00004"}),
        ('author:"bala\u0301zs szegedy"', {"2401.00001"}),
        ("godel", {"2401.00001", "2401.00004"}),
        ("title:Gödel", {"2401.00001", "2401.00004"}),
        ("naive cafe", {"2401.00001"}),
        ('"naïve proof"', {"2401.00001"}),
        ("numbering -gödel", set()),
        # letters FTS5 does not fold are kept as they are, on both backends
        ("author:søren", {"2401.00003"}),
        ("author:soren", set()),
        ("łódź", {"2401.00003"}),
        ("lodz", set()),
    ],
)
def test_accents_are_ignored_in_titles_authors_abstracts_and_queries(
    engine: Engine, query: str, expected: set[str]
) -> None:
    with engine.begin() as conn:
        upsert_papers(conn, PAPERS, NOW)
    assert found(engine, query) == expected


def test_relevance_counts_an_accented_match_like_a_plain_one(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert_papers(conn, PAPERS[:2], NOW)
    hits = search_papers(engine, "author:balazs").hits
    assert {h.paper.arxiv_id for h in hits} == {"2401.00001", "2401.00002"}
    assert all(h.score > 0 for h in hits)  # the accented author's match is counted in BM25 too


def test_migration_0012_folds_the_papers_already_stored(engine: Engine) -> None:
    downgrade(engine, "0011")
    with engine.begin() as conn:
        upsert_papers(conn, PAPERS[:1], NOW)
    assert found(engine, "author:balazs") == set()  # accents kept before 0012
    upgrade(engine)
    assert found(engine, "author:balazs") == {"2401.00001"}
    downgrade(engine, "0011")
    assert found(engine, "author:balazs") == set()
    upgrade(engine)


def test_the_table_is_what_fts5_folds() -> None:
    """Every character FTS5's remove_diacritics 2 folds (against 0), and into what, is in the table, and no other."""
    db = sqlite3.connect(":memory:")
    chars = [chr(i) for i in range(0xA0, 0x10000) if not 0xD800 <= i < 0xE000]
    folded: dict[str, str] = {}
    for level in (0, 2):
        db.execute(f"CREATE VIRTUAL TABLE t{level} USING fts5(x, tokenize='unicode61 remove_diacritics {level}')")
        db.execute(f"CREATE VIRTUAL TABLE v{level} USING fts5vocab(t{level}, 'instance')")
        db.executemany(f"INSERT INTO t{level} (rowid, x) VALUES (?, ?)", [(i, f"q{c}q") for i, c in enumerate(chars)])
    words = [
        {doc: term for term, doc in db.execute(f"SELECT term, doc FROM v{level} WHERE offset = 0")} for level in (0, 2)
    ]
    for i, char in enumerate(chars):
        if words[0].get(i) != words[1].get(i):
            folded[char] = words[1][i][1:-1]
    table = dict(zip(FOLDED_FROM, FOLDED_TO, strict=True)) | dict.fromkeys(DROPPED, "")
    assert table == folded
    assert fold_accents("Balázs") == "Balazs" and tokens("BALÁZS Go\u0308del") == ("balazs", "godel")
    assert all(unicodedata.combining(c) for c in DROPPED)
