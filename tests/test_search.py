"""Search on both backends: every query feature, ranking and its tie-breaks, id/URL jumps, bad queries,
and the index kept in step with every way papers are written."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from papertalk.core.records import Paper
from papertalk.core.search_query import parse_query
from papertalk.core.search_terms import query_terms
from papertalk.services.catalogue.snapshot_import import CatalogueImporter
from papertalk.services.search.paper_search import SearchQueryError, search_papers
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.search import search_queries
from papertalk.storage.search.search_match import tsquery
from tests.databases import POSTGRES_URL, migrate_fast, postgres_database
from tests.helpers import NOW, post, run_import, write_lines


def at(year: int, month: int = 1, day: int = 1) -> int:
    return int(datetime(year, month, day, 12, tzinfo=UTC).timestamp())


PAPERS = [
    Paper("2401.00001", "Deep learning for protein folding", ("Ada Lovelace", "Alan Turing"),
          "We fold proteins with a transformer. Mixture-of-Experts layers help.", ("q-bio.BM", "cs.LG"), at(2024, 1, 5)),  # noqa: E501
    Paper("2402.00002", "Graph neural networks at scale", ("Grace Hopper",),
          "Message passing on billion-edge graphs; we study learning rates.", ("cs.LG", "stat.ML"), at(2024, 2, 7)),
    Paper("1603.00003", "Holographic entanglement entropy", ("Juan de la Cruz", "Ada Lovelace"),
          "String theory meets quantum information. GPT-4 is not used.", ("hep-th",), at(2016, 3, 2)),
    Paper("1705.00004", "A protein language model", ("Alan Turing",),
          "Language models learn protein structure; deep nets everywhere.", ("q-bio.BM",), at(2017, 5, 9)),
    Paper("math/0501005", "Stochastic learning in Banach spaces", ("Kurt Gödel",),
          "We prove convergence of stochastic gradient learning.", ("math.PR", "math-ph"), at(2005, 1, 20)),
]  # fmt: skip


@pytest.fixture
def catalogue(engine: Engine) -> Engine:
    with engine.begin() as conn:
        upsert_papers(conn, PAPERS, NOW)
    return engine


def ids(engine: Engine, query: str, **options: object) -> list[str]:
    return [h.paper.arxiv_id for h in search_papers(engine, query, **options).hits]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("protein", {"2401.00001", "1705.00004"}),
        ("PROTEIN deep", {"2401.00001", "1705.00004"}),
        ('"deep learning"', {"2401.00001"}),
        ('"learning deep"', set()),
        ("mixture-of-experts", {"2401.00001"}),
        ("gpt-4", {"1603.00003"}),
        ("title:protein", {"2401.00001", "1705.00004"}),
        ("title:lovelace", set()),
        ("author:lovelace", {"2401.00001", "1603.00003"}),
        ('author:"de la cruz"', {"1603.00003"}),
        ("author:gödel", {"math/0501005"}),
        ("cat:cs.LG", {"2401.00001", "2402.00002"}),
        ("cat:stat.ml learning", {"2402.00002"}),
        ("cat:q-bio", {"2401.00001", "1705.00004"}),
        ("cat:math", {"math/0501005"}),
        ("cat:math-ph", {"math/0501005"}),
        ("cat:hep-th entropy", {"1603.00003"}),
        ("year:2016", {"1603.00003"}),
        ("protein year:2016..2017", {"1705.00004"}),
        ("protein year:2017..", {"1705.00004", "2401.00001"}),
        ("date:2024-02-01..2024-02-29", {"2402.00002"}),
        ("learning before:2020-01-01", {"math/0501005"}),
        ("learning -stochastic", {"2401.00001", "2402.00002"}),
        ('protein -"language model"', {"2401.00001"}),
        ("we", {"2401.00001", "2402.00002", "math/0501005"}),
        ("nothingmatchesthis", set()),
    ],
)
def test_query_features(catalogue: Engine, query: str, expected: set[str]) -> None:
    found = ids(catalogue, query)
    assert set(found) == expected
    assert len(found) == len(expected)
    assert search_papers(catalogue, query).total == len(expected)


def test_title_matches_rank_above_abstract_matches(catalogue: Engine) -> None:
    found = ids(catalogue, "learning")
    assert set(found[:2]) == {"2401.00001", "math/0501005"}  # in the title; 2402.00002 only in its abstract
    assert found[-1] == "2402.00002"
    scores = [h.score for h in search_papers(catalogue, "learning").hits]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0


def test_id_and_url_jump_to_the_paper(catalogue: Engine) -> None:
    for query in ("2402.00002", "arXiv:2402.00002v2", "https://arxiv.org/abs/2402.00002", "arxiv.org/pdf/2402.00002"):
        result = search_papers(catalogue, query)
        assert result.jump_to == "2402.00002", query
        assert [h.paper.arxiv_id for h in result.hits] == ["2402.00002"]
    old = search_papers(catalogue, "math/0501005")
    assert old.jump_to == "math/0501005" and old.hits[0].paper.title == "Stochastic learning in Banach spaces"
    unknown = search_papers(catalogue, "2501.99999")
    assert unknown.jump_to == "2501.99999" and unknown.hits == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "nothing to search for"),
        ("   ...  ", "nothing to search for"),
        ('"unclosed', "unclosed quote"),
        ("cat:nonsense", "cat:nonsense: expected an arXiv category"),
        ("year:20x6", "year:20x6: expected a year"),
        ("-protein", "only exclusions"),
    ],
)
def test_bad_queries_say_what_is_wrong_in_one_line(catalogue: Engine, query: str, message: str) -> None:
    with pytest.raises(SearchQueryError) as caught:
        search_papers(catalogue, query)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_paging(catalogue: Engine) -> None:
    everything = ids(catalogue, "we")
    assert ids(catalogue, "we", limit=2) == everything[:2]
    assert ids(catalogue, "we", limit=2, offset=2) == everything[2:]


def twins(engine: Engine) -> None:
    """Three papers with the same text: only attention and recency can tell them apart."""
    same = "Twin papers about quasicrystals"
    with engine.begin() as conn:
        upsert_papers(
            conn,
            [
                Paper("2301.00011", same, ("A. B.",), same, ("cond-mat.mtrl-sci",), at(2023, 1, 2)),
                Paper("2301.00012", same, ("A. B.",), same, ("cond-mat.mtrl-sci",), at(2023, 1, 9)),
                Paper("2301.00013", same, ("A. B.",), same, ("cond-mat.mtrl-sci",), at(2023, 1, 5)),
            ],
            NOW,
        )


def test_ties_are_broken_by_attention_then_recency(engine: Engine, tmp_path: Path) -> None:
    twins(engine)
    assert ids(engine, "quasicrystals") == ["2301.00012", "2301.00013", "2301.00011"]  # newest first
    posts = [
        post("p1", "ada", 30, text="look https://arxiv.org/abs/2301.00011"),
        post("p2", "bob", 20, text="wow arxiv.org/abs/2301.00011"),
        post("p3", "cy", 2, text="and arxiv.org/abs/2301.00013"),
    ]
    run_import(engine, write_lines(tmp_path / "posts.jsonl", posts))
    result = search_papers(engine, "quasicrystals")
    assert [h.paper.arxiv_id for h in result.hits] == ["2301.00011", "2301.00013", "2301.00012"]
    assert [h.posts for h in result.hits] == [2, 1, 0]
    assert len({h.score for h in result.hits}) == 1  # the same relevance
    # Trending: this week's score first (p3 is recent, p1 and p2 older but within the week).
    trending = ids(engine, "quasicrystals", order="trending")
    assert trending[-1] == "2301.00012"


def test_index_follows_reimport_and_enrichment(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "snap.jsonl"
    line = (
        '{"id":"2403.00077","authors":"Ada Lovelace","title":"Analytical engines revisited","categories":"cs.AR",'
        '"abstract":"Notes.","versions":[{"version":"v1","created":"Mon, 4 Mar 2024 10:00:00 GMT"}]}'
    )
    path.write_text(line + "\n")
    CatalogueImporter(engine, NOW, parallel=False).import_path(path)
    assert ids(engine, "analytical") == ["2403.00077"]
    path.write_text(line.replace("Analytical engines", "Difference machines") + "\n")
    CatalogueImporter(engine, NOW + 60, parallel=False).import_path(path, restart=True)
    assert ids(engine, "analytical") == []
    assert ids(engine, "difference machines") == ["2403.00077"]
    # A paper first known by its id only (from a post) is found once its metadata arrives.
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO papers (arxiv_id) VALUES ('2404.00088')"))
    assert ids(engine, "babbage") == []
    assert ids(engine, "2404.00088") == ["2404.00088"]  # the id still jumps to it
    with engine.begin() as conn:
        upsert_papers(
            conn, [Paper("2404.00088", "Babbage notes", ("C. B.",), "Engines.", ("cs.AR",), at(2024, 4))], NOW
        )
    assert ids(engine, "babbage") == ["2404.00088"]
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM papers WHERE arxiv_id = '2404.00088'"))
    assert ids(engine, "babbage") == []
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO paper_fts (paper_fts, rank) VALUES ('integrity-check', 1)"))


def test_bulk_upsert_keeps_the_last_line_of_an_id_and_the_index(engine: Engine) -> None:
    many = [
        Paper(f"2405.{i:05d}", f"Bulk paper {i}", ("X. Y.",), "Filler.", ("cs.DB",), at(2024, 5)) for i in range(300)
    ]
    many.append(Paper("2405.00007", "Renamed twice", ("X. Y.",), "Filler.", ("cs.DB",), at(2024, 5)))
    with engine.begin() as conn:
        assert upsert_papers(conn, many, NOW) == 301
    assert ids(engine, "renamed") == ["2405.00007"]
    found = search_papers(engine, "bulk paper", limit=500)  # deeper than the default candidate set
    assert found.total == 299
    assert {h.paper.arxiv_id for h in found.hits} == {p.arxiv_id for p in many} - {"2405.00007"}


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="PAPERTALK_TEST_POSTGRES_URL not set (CI sets it)")
def test_postgres_reads_few_matches_through_gin_and_finds_the_same_newest(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every paper says "common"; one in 300 also says "rare". After ANALYZE the planner's estimate tells
    # them apart: "rare" is read through the GIN index, "common" by walking the primary key. Either way,
    # through GIN over every paper at once or over a span of the newest ids that has to grow (from one id,
    # or from a span that holds a few matches), the same newest papers come back.
    papers = [
        Paper(f"2401.{n:05d}", f"Paper {n}" + (" phase transition" if n % 97 == 0 else ""), ("A. Author",),
              "common words" + (" rare" if n % 300 == 0 else "") + (" transition of phase" if n % 5 == 0 else ""),
              ("cs.LG",), at(2024, 1, 1) + n)
        for n in range(1, 3001)
    ]  # fmt: skip
    with postgres_database() as url:
        engine = make_engine(migrate_fast(url))
        with engine.begin() as conn:
            upsert_papers(conn, papers, NOW)
            conn.execute(text("ANALYZE papers"))
        with engine.connect() as conn:
            sql = for_connection(conn)
            top = int(conn.execute(text("SELECT MAX(id) FROM papers")).scalar_one())
            rare = search_queries._gin_span(conn, *_pg_where(sql, "rare")[:3], 50)
            assert rare is not None and rare[0] == top and rare[1] >= top  # ~10 matches: all of them through GIN
            assert search_queries._gin_span(conn, *_pg_where(sql, "common")[:3], 50) is None
            # '"phase transition"': its words are apart in 600 newer papers, so a span grows several times.
            for query, matches in (("rare", 10), ("common", 50), ('"phase transition"', 30), ("title:transition", 30),
                                   ("cat:cs.lg rare", 10), ("rare -paper", 0), ("words", 50)):  # fmt: skip
                filters = _pg_where(sql, query)[3]
                results = []
                for newest in (None, (top, 1), (top, 60), (top, 10 * top)):
                    monkeypatch.setattr(search_queries, "_gin_span", lambda *args, _newest=newest: _newest)
                    results.append(search_queries.newest_matches(conn, filters, 50))
                    monkeypatch.undo()
                assert results[0] == results[1] == results[2] == results[3], query
                assert results[0] == sorted(results[0], reverse=True), query
                assert len(results[0]) == matches, query
        engine.dispose()


def _pg_where(sql: Any, query: str) -> tuple[str, str, list[object], search_queries.Filters]:
    parsed = parse_query(query)
    terms, excluded = query_terms(parsed)
    filters = search_queries.Filters(tsquery(terms, parsed.categories, excluded))
    source, where, params = search_queries._where(sql, filters)
    return source, where, params, filters
