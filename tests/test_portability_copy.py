"""papertalk db copy: a filled SQLite instance into an empty PostgreSQL, verified; killed with SIGKILL at a
random moment and run again, the target ends identical, table for table, to an uninterrupted copy."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from sqlalchemy import text

from papertalk.services.portability.export_dump import export_database
from papertalk.services.search.paper_search import search_papers
from papertalk.storage.engine import make_engine
from papertalk.storage.portability.copy_state import STATE_TABLE, has_state
from papertalk.storage.search.search_schema import PG_VECTOR
from tests.databases import POSTGRES_URL, migrate_fast, postgres_database
from tests.portability_world import fill

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="PAPERTALK_TEST_POSTGRES_URL not set (CI sets it)"),
]
PAPERTALK = str(Path(sys.executable).parent / "papertalk")
BATCHES = f"SELECT COUNT(*) FROM {STATE_TABLE} WHERE item LIKE 'table:%'"
FOREIGN_KEYS = (
    "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
)


def folder_bytes(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def copy_cmd(source: str, target: str, *extra: str) -> list[str]:
    return [PAPERTALK, "--database", source, "db", "copy", "--to", target, *extra]


@pytest.fixture
def source_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    engine = make_engine(migrate_fast(url))
    fill(engine, tmp_path)
    engine.dispose()
    return url


def test_copy_is_verified_and_prints_the_checklist(source_url: str, tmp_path: Path) -> None:
    with postgres_database() as target:
        done = subprocess.run(copy_cmd(source_url, target, "--json"), capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        report = orjson.loads(done.stdout)
        assert report["verified"] and report["tables"]["mentions"] > 1000
        assert any("PAPERTALK_DATABASE_URL=" in step for step in report["next"])
        engine = make_engine(target)
        assert not has_state(engine)
        source = make_engine(source_url)
        hits = [h.paper.arxiv_id for h in search_papers(engine, "learning", limit=20).hits]
        assert hits and hits == [h.paper.arxiv_id for h in search_papers(source, "learning", limit=20).hits]
        # Each paper's vector, built from parts made in Python, is what PostgreSQL's own expression gives.
        with engine.connect() as conn:
            computed = f"(CASE WHEN title IS NOT NULL THEN {PG_VECTOR} END)"
            vectors = conn.execute(
                text(f"SELECT COUNT(*), COUNT(*) FILTER (WHERE search_vector IS DISTINCT FROM {computed}) FROM papers")
            ).one()
        assert vectors[0] > 100 and vectors[1] == 0
        export_database(engine, tmp_path / "target", with_secrets=True)
        export_database(source, tmp_path / "source", with_secrets=True)
        assert folder_bytes(tmp_path / "target") == folder_bytes(tmp_path / "source")
        again = subprocess.run(copy_cmd(source_url, target), capture_output=True, text=True, check=False)
        assert again.returncode == 2 and "not empty" in again.stderr and len(again.stderr.splitlines()) == 1
        engine.dispose()


def test_copy_to_sqlite_is_refused(source_url: str, tmp_path: Path) -> None:
    done = subprocess.run(
        copy_cmd(source_url, f"sqlite:///{tmp_path / 'x.sqlite3'}"), capture_output=True, text=True, check=False
    )
    assert done.returncode == 2 and "must be PostgreSQL" in done.stderr


def test_kill_9_during_copy_then_rerun_ends_identical_to_an_uninterrupted_copy(source_url: str, tmp_path: Path) -> None:
    rnd = random.Random()
    with postgres_database() as killed_url, postgres_database() as reference_url:
        reference = subprocess.run(copy_cmd(source_url, reference_url), capture_output=True, text=True, check=False)
        assert reference.returncode == 0, reference.stderr
        victim = subprocess.Popen(
            copy_cmd(source_url, killed_url, "--batch-rows", "97"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        killed = make_engine(killed_url)
        deadline = time.monotonic() + 60
        batches = 0
        # A random moment once the copy is under way, counted in committed batches (over 10 of the mentions
        # alone) and not in seconds: an idle machine finished the whole copy within a second and a half.
        target = rnd.randint(2, 10)
        while time.monotonic() < deadline and batches < target and victim.poll() is None:
            time.sleep(0.005)
            if has_state(killed):
                with killed.connect() as conn:
                    batches = conn.execute(text(BATCHES)).scalar_one()
        time.sleep(rnd.uniform(0, 0.02))  # anywhere inside the next batch
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        assert victim.returncode == -signal.SIGKILL, "the copy was killed before it finished"
        assert has_state(killed)
        rerun = subprocess.run(copy_cmd(source_url, killed_url, "--json"), capture_output=True, text=True, check=False)
        assert rerun.returncode == 0, rerun.stderr
        assert orjson.loads(rerun.stdout)["resumed"] is True
        reference_engine = make_engine(reference_url)
        export_database(killed, tmp_path / "killed", with_secrets=True)
        export_database(reference_engine, tmp_path / "reference", with_secrets=True)
        assert folder_bytes(tmp_path / "killed") == folder_bytes(tmp_path / "reference")
        with killed.connect() as conn:  # the foreign keys are back
            keys = conn.execute(text(FOREIGN_KEYS)).scalar_one()
        with reference_engine.connect() as conn:
            assert keys == conn.execute(text(FOREIGN_KEYS)).scalar_one() > 10
        killed.dispose()
        reference_engine.dispose()
