"""The catalogue import's set-based search indexing: what it writes is searchable, a re-import replaces the
old text in the index, other write paths keep their triggers, and a kill -9 at any moment leaves the index
in step with the papers."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from sqlalchemy import text

from papertalk.arxiv.snapshot import parse_snapshot_line
from papertalk.demo.snapshot_generator import generate_snapshot_lines
from papertalk.services.catalogue.snapshot_import import CatalogueImporter
from papertalk.services.search.paper_search import search_papers
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.search.search_schema import FTS_TABLE, SQLITE_WRITE_TRIGGER_SQL
from tests.helpers import NOW, table

REPO = Path(__file__).resolve().parent.parent


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line.rstrip(b"\n") + b"\n" for line in lines))
    return path


def found_ids(engine: Engine, query: str) -> set[str]:
    return {hit.paper.arxiv_id for hit in search_papers(engine, query, limit=50).hits}


def assert_index_matches_papers(engine: Engine) -> None:
    """SQLite: FTS5's own check of the index against the papers, and the triggers are in place."""
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('integrity-check', 1)"))
    names = {r[0] for r in table(engine, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(SQLITE_WRITE_TRIGGER_SQL) <= names


def with_title(line: bytes, title: str) -> bytes:
    record = orjson.loads(line)
    record["title"] = title
    return orjson.dumps(record)


def test_imported_papers_are_searchable_and_triggers_stay(engine: Engine, tmp_path: Path) -> None:
    lines = list(generate_snapshot_lines(11, 120))
    lines[7] = with_title(lines[7], "Quokkas in Orbit")
    path = write_lines(tmp_path / "snap.jsonl", lines)
    CatalogueImporter(engine, NOW, batch_size=40, parallel=False).import_path(path)
    target = parse_snapshot_line(lines[7]).arxiv_id
    assert found_ids(engine, "quokkas orbit") == {target}
    assert_index_matches_papers(engine)
    # Another write path (enrichment's plain upsert) after the import is still indexed by the triggers.
    changed = parse_snapshot_line(with_title(lines[7], "Wombats Underground"))
    with engine.begin() as conn:
        upsert_papers(conn, [changed], NOW + 5)
    assert found_ids(engine, "quokkas") == set() and found_ids(engine, "wombats") == {target}
    assert_index_matches_papers(engine)


def test_a_reimport_replaces_the_old_text_in_the_index(engine: Engine, tmp_path: Path) -> None:
    lines = list(generate_snapshot_lines(12, 90))
    lines[3] = with_title(lines[3], "Platypus Spectra")
    lines[60] = with_title(lines[60], "Echidna Dynamics")
    CatalogueImporter(engine, NOW, batch_size=25).import_path(write_lines(tmp_path / "a.jsonl", lines))
    first, second = parse_snapshot_line(lines[3]).arxiv_id, parse_snapshot_line(lines[60]).arxiv_id
    assert found_ids(engine, "platypus") == {first} and found_ids(engine, "echidna") == {second}
    lines[3] = with_title(lines[3], "Numbat Spectra")
    # The same id twice in one file (and in one batch): the last line wins, in papers and in the index.
    lines.append(with_title(lines[60], "Bilby Dynamics"))
    CatalogueImporter(engine, NOW + 10, batch_size=25).import_path(write_lines(tmp_path / "b.jsonl", lines))
    assert found_ids(engine, "platypus") == set() and found_ids(engine, "numbat spectra") == {first}
    assert found_ids(engine, "echidna") == set() and found_ids(engine, "bilby") == {second}
    assert table(engine, "SELECT COUNT(*) FROM papers") == [(90,)]
    assert_index_matches_papers(engine)


IMPORT_IN_CHILD = (
    "import sys; from pathlib import Path; from papertalk.storage.engine import make_engine; "
    "from papertalk.services.catalogue.snapshot_import import CatalogueImporter; "
    "CatalogueImporter(make_engine(sys.argv[1]), 1, batch_size=60, parallel=False).import_path(Path(sys.argv[2]))"
)


def committed_lines(engine: Engine) -> int:
    rows = table(engine, "SELECT MAX(line_number) FROM import_checkpoints")
    return int(rows[0][0] or 0)


@pytest.mark.parametrize("wait_for_lines", [60, 600])
def test_kill_9_mid_import_leaves_the_index_in_step(
    db_url: str, engine: Engine, tmp_path: Path, wait_for_lines: int
) -> None:
    lines = list(generate_snapshot_lines(13, 1500))
    lines[1400] = with_title(lines[1400], "Kakapo Acoustics")
    path = write_lines(tmp_path / "snap.jsonl", lines)
    child = subprocess.Popen([sys.executable, "-c", IMPORT_IN_CHILD, db_url, str(path)], cwd=REPO)
    deadline = time.monotonic() + 60
    while committed_lines(engine) < wait_for_lines and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    child.kill()  # SIGKILL: no cleanup of any kind
    child.wait()
    done = committed_lines(engine)
    assert 0 < done < len(lines), "the kill came too late to test anything"
    # Papers hold exactly the committed batches, and the index holds exactly the papers.
    assert table(engine, "SELECT COUNT(*) FROM papers") == [(done,)]
    assert_index_matches_papers(engine)
    some = parse_snapshot_line(lines[done - 1])
    assert some.arxiv_id in found_ids(engine, f'title:"{some.title}"')
    # The next import resumes after the last committed batch and indexes the rest.
    resumed = CatalogueImporter(make_engine(db_url), NOW, batch_size=60, parallel=False)
    resumed.import_path(path)
    assert resumed.summary.resumed_at == {str(path): done}
    assert table(engine, "SELECT COUNT(*) FROM papers") == [(len(lines),)]
    assert found_ids(engine, "kakapo") == {parse_snapshot_line(lines[1400]).arxiv_id}
    assert_index_matches_papers(engine)
