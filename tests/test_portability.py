"""papertalk export / restore: every table out and back in, byte for byte, across backends; secrets left out
unless asked; damaged folders, other schemas and non-empty targets refused before anything is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, inspect, text
from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.services.portability.export_dump import export_database
from papertalk.services.portability.manifest import DumpError, read_manifest
from papertalk.services.portability.restore_dump import restore_database
from papertalk.services.search.paper_search import search_papers
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.portability.secret_columns import SECRET_TABLES, WITHHELD, unclassified
from papertalk.storage.portability.target_state import table_counts, tables_with_rows
from papertalk.storage.schema import upgrade
from papertalk.storage.tables import metadata
from tests.databases import POSTGRES_URL, postgres_database
from tests.portability_world import INVITATION_HASH, PASSWORD_HASH, SESSION_HASH, TOKEN_HASH, fill

needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="PAPERTALK_TEST_POSTGRES_URL not set (CI sets it)")


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--database", db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def folder_bytes(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def searched(engine: Engine) -> list[str]:
    return [hit.paper.arxiv_id for hit in search_papers(engine, "learning", limit=50).hits]


def test_export_restore_export_is_byte_identical_sqlite_to_postgres_to_sqlite(tmp_path: Path) -> None:
    if not POSTGRES_URL:
        pytest.skip("PAPERTALK_TEST_POSTGRES_URL not set (CI sets it)")
    source = make_engine(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    upgrade(source)
    fill(source, tmp_path)
    export_database(source, tmp_path / "a")
    with postgres_database() as pg_url:
        code, out, err = run(pg_url, "restore", str(tmp_path / "a"), "--json")
        assert code == 0, err
        assert orjson.loads(out)["rows"] == sum(table_counts(source).values()) - 3  # session, invitation, secret
        pg = make_engine(pg_url)
        export_database(pg, tmp_path / "b")
        assert searched(pg) == searched(source) and searched(source)
        # sequences are past the restored ids: a new paper gets a fresh id
        with pg.begin() as conn:
            new_id = conn.execute(text("INSERT INTO papers (arxiv_id) VALUES ('2701.00001') RETURNING id")).scalar()
            assert new_id == conn.execute(text("SELECT MAX(id) FROM papers")).scalar()
            conn.execute(text("DELETE FROM papers WHERE arxiv_id = '2701.00001'"))
        pg.dispose()
    back = f"sqlite:///{tmp_path / 'back.sqlite3'}"
    code, _, err = run(back, "restore", str(tmp_path / "b"))
    assert code == 0, err
    back_engine = make_engine(back)
    code, _, err = run(back, "export", str(tmp_path / "c"))
    assert code == 0, err
    a, b, c = (folder_bytes(tmp_path / name) for name in "abc")
    assert a == b == c
    assert searched(back_engine) == searched(source)
    assert table_counts(back_engine)["mentions"] == table_counts(source)["mentions"] > 0


def test_round_trip_on_each_backend_keeps_every_exported_table(db_url: str, tmp_path: Path) -> None:
    source = make_engine(db_url)
    upgrade(source)
    fill(source, tmp_path)
    manifest = export_database(source, tmp_path / "a")
    assert {t.name for t in manifest.tables} == {t.name for t in metadata.sorted_tables} - SECRET_TABLES
    assert [t.name for t in manifest.tables] == [t.name for t in metadata.sorted_tables if t.name not in SECRET_TABLES]
    target = make_engine(f"sqlite:///{tmp_path / 'target.sqlite3'}")
    restore_database(target, tmp_path / "a")
    export_database(target, tmp_path / "b")
    assert folder_bytes(tmp_path / "a") == folder_bytes(tmp_path / "b")
    counts = table_counts(target)
    for table in manifest.tables:
        assert counts[table.name] == table.rows


def test_secrets_are_left_out_unless_asked(tmp_path: Path) -> None:
    source = make_engine(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    upgrade(source)
    secret = fill(source, tmp_path)
    export_database(source, tmp_path / "plain")
    everything = b"".join(folder_bytes(tmp_path / "plain").values())
    for value in (PASSWORD_HASH, SESSION_HASH, TOKEN_HASH, INVITATION_HASH, secret):
        assert value.encode() not in everything
    assert b"ada@example.org" in everything and b"pt_abcd" in everything  # the rest of the people is there
    target = make_engine(f"sqlite:///{tmp_path / 'plain.sqlite3'}")
    restore_database(target, tmp_path / "plain")
    with target.connect() as conn:
        hashes = conn.execute(text("SELECT password_hash FROM users ORDER BY id")).scalars().all()
        assert hashes == [f"{WITHHELD}1", f"{WITHHELD}2"]
        assert conn.execute(text("SELECT token_hash FROM api_tokens")).scalar() == f"{WITHHELD}1"
        assert conn.execute(text("SELECT COUNT(*) FROM sessions")).scalar() == 0
    code, out, err = run(
        f"sqlite:///{tmp_path / 'source.sqlite3'}", "export", str(tmp_path / "full"), "--with-secrets", "--json"
    )
    assert code == 0, err and orjson.loads(out)["with_secrets"] is True
    full = b"".join(folder_bytes(tmp_path / "full").values())
    for value in (PASSWORD_HASH, SESSION_HASH, TOKEN_HASH, INVITATION_HASH, secret):
        assert value.encode() in full
    whole = make_engine(f"sqlite:///{tmp_path / 'whole.sqlite3'}")
    restore_database(whole, tmp_path / "full")
    assert table_counts(whole) == table_counts(source)


def test_every_column_named_like_a_secret_is_classified() -> None:
    assert unclassified(list(metadata.sorted_tables)) == []
    # and the check does catch a new one
    extra = Table("oauth_links", MetaData(), Column("id", Integer, primary_key=True), Column("refresh_token", String))
    assert unclassified([extra]) == ["oauth_links.refresh_token"]


def test_no_table_escapes_the_export(db_url: str) -> None:
    """Every table in a migrated database is in ``metadata`` (so exported) or is derived and rebuilt."""
    engine = make_engine(db_url)
    upgrade(engine)
    derived = {"alembic_version"} | {
        n for n in inspect(engine).get_table_names() if n.startswith(("paper_fts", "summary_fts"))
    }
    assert set(inspect(engine).get_table_names()) - derived == set(metadata.tables)


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    source = make_engine(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    upgrade(source)
    fill(source, tmp_path)
    export_database(source, tmp_path / "dump")
    return tmp_path / "dump"


def refused(tmp_path: Path, dump: Path) -> str:
    target = tmp_path / "target.sqlite3"
    code, out, err = run(f"sqlite:///{target}", "restore", str(dump))
    assert code == 2 and "Traceback" not in err + out
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    if target.exists():  # nothing written
        assert tables_with_rows(make_engine(f"sqlite:///{target}")) == []
    return lines[0]


def test_truncated_file_is_refused_before_writing(tmp_path: Path, exported: Path) -> None:
    posts = exported / "posts.jsonl"
    posts.write_bytes(posts.read_bytes()[:-100])
    assert "posts.jsonl: truncated" in refused(tmp_path, exported)
    assert not (tmp_path / "target.sqlite3").exists()


def test_changed_file_is_refused_by_its_checksum(tmp_path: Path, exported: Path) -> None:
    papers = exported / "papers.jsonl"
    data = bytearray(papers.read_bytes())
    data[10] = ord("9") if data[10] != ord("9") else ord("8")
    papers.write_bytes(bytes(data))
    assert "papers.jsonl: SHA-256 does not match" in refused(tmp_path, exported)


def test_newer_schema_is_refused(tmp_path: Path, exported: Path) -> None:
    body = orjson.loads((exported / "manifest.json").read_bytes())
    body["schema"] = "9999"
    (exported / "manifest.json").write_bytes(orjson.dumps(body))
    assert "newer than this papertalk" in refused(tmp_path, exported)


def test_unfinished_export_is_refused(tmp_path: Path, exported: Path) -> None:
    (exported / "manifest.json").unlink()
    assert "no manifest" in refused(tmp_path, exported)


def test_non_empty_target_is_refused(db_url: str, tmp_path: Path, exported: Path) -> None:
    target = make_engine(db_url)
    upgrade(target)
    with target.begin() as conn:
        conn.execute(text("INSERT INTO papers (arxiv_id) VALUES ('2701.00001')"))
    code, _, err = run(db_url, "restore", str(exported))
    assert code == 2 and "not empty (papers hold rows)" in err
    assert table_counts(target)["papers"] == 1


def test_export_refuses_a_folder_in_use(tmp_path: Path, exported: Path) -> None:
    code, _, err = run(f"sqlite:///{tmp_path / 'source.sqlite3'}", "export", str(exported))
    assert code == 2 and "not empty" in err
    assert read_manifest(exported).tables  # untouched


def test_a_file_named_outside_the_folder_is_refused(tmp_path: Path, exported: Path) -> None:
    body = orjson.loads((exported / "manifest.json").read_bytes())
    body["tables"][0]["file"] = "../source.sqlite3"
    (exported / "manifest.json").write_bytes(orjson.dumps(body))
    assert "unknown table or file" in refused(tmp_path, exported)
    with pytest.raises(DumpError):
        restore_database(make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}"), exported)
    shutil.rmtree(exported)
