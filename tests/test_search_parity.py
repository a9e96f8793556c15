"""The same catalogue on SQLite and PostgreSQL gives the same search results, in the same order, and both
agree with a brute-force match over every paper in Python (``core.search_terms`` tokens)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from papertalk.arxiv.snapshot import parse_snapshot_line
from papertalk.core.search_query import parse_query
from papertalk.core.search_terms import category_token, query_terms, tokens
from papertalk.demo.snapshot_generator import generate_snapshot_lines
from papertalk.services.catalogue.snapshot_import import CatalogueImporter
from papertalk.services.search.paper_search import search_papers
from papertalk.storage.engine import Engine, make_engine
from tests.databases import POSTGRES_URL, migrate_fast, postgres_database
from tests.helpers import NOW

QUERIES = [
    "learning", "we", "based", "neural network", '"deep learning"', "title:posterior", "author:zhang",
    "cat:cs.LG", "cat:math", "quantum -entanglement", "cat:hep-th year:2016..2019", "gradient descent",
    "$T_c$", "mathcal{n}=4", "1501.00003", "lambda cdm",
]  # fmt: skip
COUNT = 600


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("parity") / "snap.jsonl"
    with path.open("wb") as out:
        for line in generate_snapshot_lines(11, COUNT):
            out.write(line.rstrip(b"\n") + b"\n")
    return path


def loaded(url: str, snapshot: Path) -> Engine:
    engine = make_engine(migrate_fast(url))
    CatalogueImporter(engine, NOW, batch_size=100, parallel=False).import_path(snapshot)
    return engine


@pytest.fixture
def postgres_url() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip("PAPERTALK_TEST_POSTGRES_URL not set (CI sets it)")
    with postgres_database() as url:
        yield url


def brute_force(snapshot: Path, query: str) -> set[str]:
    """Papers matching ``query``, by reading every line: the reference both indexes must agree with."""
    parsed = parse_query(query)
    terms, excluded = query_terms(parsed)
    found = set()
    for line in snapshot.read_bytes().splitlines():
        paper = parse_snapshot_line(line)
        columns = {
            "title": tokens(paper.title or ""),
            "authors": tokens(" ".join(paper.authors)),
            "abstract": tokens(paper.abstract or ""),
        }

        cats = {category_token(c) for c in paper.categories} | {
            category_token(c.split(".")[0]) for c in paper.categories
        }
        day = paper.published_at
        if (
            all(has(columns, t.tokens, t.columns) for t in terms)
            and not any(has(columns, t.tokens, t.columns) for t in excluded)
            and all(category_token(c) in cats for c in parsed.categories)
            and (parsed.date_from is None or (day is not None and day >= _epoch(parsed.date_from)))
            and (parsed.date_to is None or (day is not None and day < _epoch(parsed.date_to) + 86400))
        ):
            found.add(paper.arxiv_id)
    return found


def has(columns: dict[str, tuple[str, ...]], term_tokens: tuple[str, ...], names: tuple[str, ...]) -> bool:
    n = len(term_tokens)
    return any(columns[c][i : i + n] == term_tokens for c in names for i in range(len(columns[c]) - n + 1))


def _epoch(day: object) -> int:
    from datetime import UTC, datetime, time

    return int(datetime.combine(day, time.min, tzinfo=UTC).timestamp())  # type: ignore[arg-type]


def test_sqlite_matches_brute_force(snapshot: Path, tmp_path: Path) -> None:
    engine = loaded(f"sqlite:///{tmp_path / 'p.sqlite3'}", snapshot)
    for query in QUERIES:
        result = search_papers(engine, query, limit=COUNT)
        if result.jump_to is not None:
            assert [h.paper.arxiv_id for h in result.hits] == [result.jump_to]
            continue
        expected = brute_force(snapshot, query)
        if result.total is not None:
            assert {h.paper.arxiv_id for h in result.hits} == expected, query
        else:
            assert {h.paper.arxiv_id for h in result.hits} <= expected, query
    engine.dispose()


def test_same_results_on_sqlite_and_postgres(snapshot: Path, tmp_path: Path, postgres_url: str) -> None:
    lite = loaded(f"sqlite:///{tmp_path / 'p.sqlite3'}", snapshot)
    pg = loaded(postgres_url, snapshot)
    for query in QUERIES:
        for order in ("relevance", "trending"):
            a = search_papers(lite, query, limit=50, order=order)  # type: ignore[arg-type]
            b = search_papers(pg, query, limit=50, order=order)  # type: ignore[arg-type]
            assert [h.paper.arxiv_id for h in a.hits] == [h.paper.arxiv_id for h in b.hits], query
            assert [round(h.score, 6) for h in a.hits] == [round(h.score, 6) for h in b.hits], query
            assert a.total == b.total and a.jump_to == b.jump_to, query
    lite.dispose()
    pg.dispose()
