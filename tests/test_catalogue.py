"""The local catalogue: the arXiv metadata snapshot streamed into papers, resumable and idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.demo.snapshot_generator import generate_snapshot_lines
from papertalk.services.catalogue.snapshot_import import CatalogueImporter
from papertalk.storage.engine import Engine
from tests.helpers import NOW, table


def snapshot_file(path: Path, count: int, extra: list[bytes] = ()) -> Path:  # type: ignore[assignment]
    with path.open("wb") as out:
        for line in generate_snapshot_lines(5, count):
            out.write(line.rstrip(b"\n") + b"\n")
        for line in extra:
            out.write(line + b"\n")
    return path


def test_import_is_idempotent_and_reports_bad_lines(engine: Engine, tmp_path: Path) -> None:
    path = snapshot_file(tmp_path / "snap.jsonl", 300, [b"{broken", b'{"id": "2401.00001"}'])
    rejects: list[str] = []
    first = CatalogueImporter(engine, NOW, batch_size=64, on_reject=lambda f, n, r: rejects.append(f"{n}: {r}"))
    first.import_path(path)
    assert (first.summary.lines, first.summary.papers, first.summary.rejected) == (302, 300, 2)
    assert rejects[0].startswith("301: invalid JSON") and rejects[1].startswith("302: title")
    before = table(engine, "SELECT arxiv_id, title, authors, versions FROM papers ORDER BY arxiv_id")
    again = CatalogueImporter(engine, NOW + 10, batch_size=64)
    again.import_path(path, restart=True)
    assert again.summary.papers == 300
    assert table(engine, "SELECT arxiv_id, title, authors, versions FROM papers ORDER BY arxiv_id") == before
    assert len(before) == 300 and all(title for _id, title, _a, _v in before)


def test_a_nul_character_does_not_stop_the_import(engine: Engine, tmp_path: Path) -> None:
    """A NUL in a field (which PostgreSQL cannot store) is read as a space; the batch, COPY included, goes in."""
    nul = json.dumps({"id": "2401.00001", "title": "Stray\u0000byte", "abstract": "x\u0000y"}).encode()
    assert b"\\u0000" in nul
    path = snapshot_file(tmp_path / "snap.jsonl", 300, [nul])
    importer = CatalogueImporter(engine, NOW, batch_size=512)  # one batch: PostgreSQL COPYs it
    importer.import_path(path)
    assert (importer.summary.papers, importer.summary.rejected) == (301, 0)
    assert table(engine, "SELECT title, abstract FROM papers WHERE arxiv_id = '2401.00001'") == [("Stray byte", "x y")]


def test_an_interrupted_import_resumes(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = snapshot_file(tmp_path / "snap.jsonl", 200)
    from papertalk.services.catalogue import snapshot_import as catalogue

    real = catalogue.upsert_papers_indexed
    calls = {"n": 0}

    def fail_third(*args: object, **kwargs: object) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("simulated kill")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(catalogue, "upsert_papers_indexed", fail_third)
    with pytest.raises(KeyboardInterrupt):
        CatalogueImporter(engine, NOW, batch_size=50).import_path(path)
    assert table(engine, "SELECT COUNT(*) FROM papers") == [(100,)]
    monkeypatch.setattr(catalogue, "upsert_papers_indexed", real)
    resumed = CatalogueImporter(engine, NOW, batch_size=50)
    resumed.import_path(path)
    assert resumed.summary.resumed_at == {str(path): 100} and resumed.summary.papers == 100
    assert table(engine, "SELECT COUNT(*) FROM papers") == [(200,)]


def test_cli_catalogue_import_on_the_real_sample(db_url: str, shared_data: Path) -> None:
    sample = shared_data / "kaggle_snapshot" / "arxiv-metadata-oai-snapshot.head200.jsonl"
    result = CliRunner().invoke(app, ["--database", db_url, "catalogue", "import", str(sample), "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["papers"] == 200
    result = CliRunner().invoke(app, ["--database", db_url, "catalogue", "import", str(sample), "--json"])
    assert json.loads(result.stdout)["lines"] == 0  # already imported: resumes at the end
