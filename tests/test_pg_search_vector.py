"""PostgreSQL: the search-vector parts built in Python (``storage.search.pg_search_vector``) equal what the database
computes, wherever they are built; the trigger of migration 0011 keeps the vector right on every other write
path; the catalogue import stores exactly the vectors the SQL expression gives."""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text

from papertalk.arxiv.snapshot import parse_snapshot_line
from papertalk.core.records import Paper
from papertalk.demo.snapshot_generator import generate_snapshot_lines
from papertalk.services.catalogue.snapshot_import import CatalogueImporter
from papertalk.storage.catalogue.paper_rows import paper_row, upsert_papers
from papertalk.storage.engine import make_engine
from papertalk.storage.schema import upgrade
from papertalk.storage.search.pg_search_vector import part_literal, row_vector_parts, vector_parts
from papertalk.storage.search.search_schema import PG_VECTOR, pg_field_vectors
from tests.conftest import SHARED_DATA
from tests.databases import POSTGRES_URL, migrate_fast, postgres_database
from tests.helpers import NOW, downgrade
from tests.helpers import table as rows_of

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="PAPERTALK_TEST_POSTGRES_URL not set (CI sets it)"),
]

FIELDS = ("title", "authors", "abstract", "categories")
WEIGHTS = ("A", "B", "C", "")
MANY_WORDS = " ".join(f"w{n}" for n in range(17000))
STRAY = string.ascii_letters + string.digits + " .,-_$\\{}()'\"^:;!?/@#%&*+=<>|~`\t\n"


@pytest.fixture(scope="module")
def pg() -> Iterator[psycopg.Connection]:
    assert POSTGRES_URL
    with psycopg.connect(POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        yield conn


def mismatches(pg: psycopg.Connection, rows: list[tuple[str | None, ...]]) -> tuple[int, list[object]]:
    """Compare every built part with the database's expression; (parts built, the ones that differ)."""
    pg.execute(
        "CREATE TEMP TABLE IF NOT EXISTS parts (n int, title text, authors text, abstract text, categories text, "
        "p0 text, p1 text, p2 text, p3 text)"
    )
    pg.execute("TRUNCATE parts")
    with pg.cursor().copy("COPY parts FROM STDIN") as copy:
        for n, row in enumerate(rows):
            copy.write_row((n, *row, *vector_parts(*row)))
    differ: list[object] = []
    built = 0
    for i, expression in enumerate(pg_field_vectors()):
        built += pg.execute(f"SELECT count(p{i}) FROM parts").fetchone()[0]  # type: ignore[index]
        differ += pg.execute(
            f"SELECT n, {i}, p{i}, ({expression})::text FROM parts "
            f"WHERE p{i} IS NOT NULL AND CAST(p{i} AS tsvector) IS DISTINCT FROM ({expression})"
        ).fetchall()
    return built, differ


def test_parts_built_in_python_equal_the_database_s(pg: psycopg.Connection) -> None:
    rows: list[tuple[str | None, ...]] = [
        tuple(paper_row(parse_snapshot_line(line), NOW)[1:5]) for line in generate_snapshot_lines(5, 1500)
    ]
    sample = SHARED_DATA / "kaggle_snapshot" / "arxiv-metadata-oai-snapshot.head200.jsonl"
    if sample.exists():  # real arXiv records, where the shared data is here
        rows += [tuple(paper_row(parse_snapshot_line(line), NOW)[1:5]) for line in sample.read_bytes().splitlines()]
    stray = random.Random(1)
    for _ in range(400):  # text of every ASCII kind, separators of every kind
        texts = ["".join(stray.choice(STRAY) for _ in range(stray.randint(0, n))) for n in (80, 100, 600)]
        rows.append((*texts, stray.choice(["cs.LG", "cond-mat.stat-mech math.AP", "", "hep-th", "q-bio.QM cs.AI"])))
    rows += [
        ("a " * 300, "", "", ""),  # one word 300 times: PostgreSQL keeps 255 positions
        ("t", "", MANY_WORDS, ""),  # positions past 16,383 are clamped
        ("t", "", "x" * 2047 + " y " + "z" * 2048 + " q", ""),  # PostgreSQL skips words of 2,048+ bytes
        ("t", "-" * 3000, "", ""),  # long, and no word at all
        ("1e10 0x1f 1.5 v2 abc123 007 1E5 7e3zy 12e34x5", "", "", "cs.LG"),  # 7e3zy is two tokens there
        ("Schrödinger’s cat", '["José Müller"]', "naïve", "cs.ÄI"),  # not ASCII: left to the database
        (None, None, None, None),
    ]
    built, differ = mismatches(pg, rows)
    assert differ == []
    assert built > 0.85 * 4 * len(rows)  # most parts are built here (the point of it)
    assert vector_parts("Schrödinger’s cat", '["José Müller"]', "ok", "cs.ÄI") == (None, None, "ok:1C", None)
    assert part_literal("7e3zy", "A") is None and part_literal("a " * 300, "A") is None
    assert part_literal("x" * 2048, "A") is None and part_literal(MANY_WORDS, "C") is None


def test_every_short_run_of_digits_and_letters_is_built_right_or_left(pg: psycopg.Connection) -> None:
    """PostgreSQL's parser reads a few runs of letters and digits as two tokens (numbers with exponents):
    every run of up to 6 characters over digits, e, x, f and a is either built exactly or left to it."""
    fuzz = random.Random(7)
    runs = sorted({"".join(fuzz.choice("0123456789eEaxXf") for _ in range(fuzz.randint(1, 6))) for _ in range(8000)})
    rows: list[tuple[str | None, ...]] = [(run, "", f"q {run} q", "") for run in runs]
    built, differ = mismatches(pg, rows)
    assert differ == []
    assert built > 3 * len(rows)


@pytest.fixture
def engine() -> Iterator[Engine]:
    with postgres_database() as url:
        engine = make_engine(migrate_fast(url))
        yield engine
        engine.dispose()


def stored_vectors_are_exact(engine: Engine) -> int:
    """How many papers have a vector; fails if any stored vector differs from the SQL expression."""
    differ = rows_of(
        engine,
        f"SELECT arxiv_id FROM papers WHERE search_vector IS DISTINCT FROM "
        f"(CASE WHEN title IS NOT NULL THEN {PG_VECTOR} END)",
    )
    assert differ == []
    return int(rows_of(engine, "SELECT count(search_vector) FROM papers")[0][0])


def test_the_trigger_keeps_the_vector_on_every_other_write(engine: Engine) -> None:
    paper = Paper("2412.00001", "Graph lattices", ("A. Author",), "We study lattices.", ("cs.LG",), 1_733_000_000)
    with engine.begin() as conn:
        upsert_papers(conn, [paper, Paper("2412.00002", None, (), None, (), None)], NOW)  # no vector given
    assert stored_vectors_are_exact(engine) == 1
    with engine.begin() as conn:
        conn.execute(text("UPDATE papers SET title = 'Phase transitions' WHERE arxiv_id = '2412.00001'"))
        conn.execute(text("UPDATE papers SET title = 'Now titled', abstract = 'x' WHERE arxiv_id = '2412.00002'"))
    assert stored_vectors_are_exact(engine) == 2
    assert rows_of(engine, "SELECT arxiv_id FROM papers WHERE search_vector @@ 'phase:A'") == [("2412.00001",)]
    with engine.begin() as conn:
        conn.execute(text("UPDATE papers SET doi = '10.1/x', fetch_attempts = 2"))  # text untouched
        conn.execute(text("UPDATE papers SET title = NULL WHERE arxiv_id = '2412.00002'"))
    assert stored_vectors_are_exact(engine) == 1


def test_the_catalogue_import_stores_exact_vectors(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "snap.jsonl"
    lines = list(generate_snapshot_lines(3, 900))
    path.write_bytes(b"".join(line.rstrip(b"\n") + b"\n" for line in lines))
    rows = [paper_row(parse_snapshot_line(line), NOW) for line in lines]
    left = sum(part is None for row in rows for part in row_vector_parts(row))
    assert 0 < left < len(rows)  # both kinds are in the file: built here, and left to the database
    CatalogueImporter(engine, NOW, batch_size=300, parallel=True).import_path(path)
    assert stored_vectors_are_exact(engine) == 900
    # A re-import that changes abstracts updates the vectors (new text, new vector, same exactness).
    path.write_bytes(path.read_bytes().replace(b'"abstract":"', b'"abstract":"Revised zebra. '))
    CatalogueImporter(engine, NOW, batch_size=300, parallel=False).import_path(path, restart=True)
    assert stored_vectors_are_exact(engine) == 900
    assert rows_of(engine, "SELECT count(*) FROM papers WHERE search_vector @@ 'zebra:C'") == [(900,)]


def test_migration_0011_turns_the_generated_column_into_a_kept_one_and_back(engine: Engine) -> None:
    column = (
        "SELECT attgenerated, attstorage FROM pg_attribute "
        "WHERE attrelid = 'papers'::regclass AND attname = 'search_vector'"
    )
    triggers = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'papers'::regclass AND NOT tgisinternal"
    paper = Paper("2412.00001", "Graph lattices", ("A. Author",), "We study lattices.", ("cs.LG",), 1_733_000_000)
    with engine.begin() as conn:
        upsert_papers(conn, [paper], NOW)
    assert rows_of(engine, column) == [("", "m")] and rows_of(engine, triggers) == [("papers_search_vector",)]
    downgrade(engine, "0010")
    assert rows_of(engine, column) == [("s", "m")] and rows_of(engine, triggers) == []
    assert stored_vectors_are_exact(engine) == 1
    assert rows_of(
        engine,
        "SELECT indexdef LIKE '%gin%' FROM pg_indexes "
        "WHERE indexname = 'ix_papers_search' AND schemaname = current_schema()",
    ) == [(True,)]
    upgrade(engine)
    assert rows_of(engine, column) == [("", "m")] and rows_of(engine, triggers) == [("papers_search_vector",)]
    assert stored_vectors_are_exact(engine) == 1
