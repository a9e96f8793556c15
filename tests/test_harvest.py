"""Harvesting through OAI-PMH into the database: every page saved with its token, resumable, idempotent."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papertalk.arxiv import oai_pmh
from papertalk.arxiv.oai_pmh import OaiHarvestError, OaiSettings
from papertalk.cli.main import app
from papertalk.services.catalogue.harvest import harvest
from papertalk.storage.engine import Engine
from tests.fake_oai import ALL_IDS, FakeOai, MakeHarvester, status
from tests.helpers import NOW, table


def papers(engine: Engine) -> list[tuple[object, ...]]:
    return table(engine, "SELECT arxiv_id, title FROM papers WHERE metadata_at IS NOT NULL ORDER BY arxiv_id")


def test_harvest_saves_every_page(engine: Engine, oai: FakeOai, make_harvester: MakeHarvester) -> None:
    summary = harvest(engine, make_harvester(), NOW, "2024-01-01", set_spec="cs")
    assert (summary.pages, summary.papers, summary.resumed) == (3, 6, False)
    assert [a for a, _ in papers(engine)] == ALL_IDS
    assert papers(engine)[0][1] == "Paper 2401.00001"
    state = table(engine, "SELECT resumption_token, records, finished_at FROM harvest_state")
    assert state == [(None, 6, NOW)]


def test_an_interrupted_harvest_resumes_from_its_last_saved_page(
    engine: Engine, oai: FakeOai, make_harvester: MakeHarvester
) -> None:
    oai.script = [lambda r: r] + [status(500)] * 10  # the first page arrives, then the server fails for good
    with pytest.raises(OaiHarvestError):
        harvest(engine, make_harvester(max_attempts=2), NOW, "2024-01-01", set_spec="cs")
    assert [a for a, _ in papers(engine)] == ALL_IDS[:2]
    saved = table(engine, "SELECT resumption_token, records, finished_at FROM harvest_state")
    assert saved == [("6000001|1001", 2, None)]
    oai.script = []
    asked_before = len(oai.requests)
    summary = harvest(engine, make_harvester(), NOW + 60, "2024-01-01", set_spec="cs")
    assert summary.resumed and summary.pages == 2
    assert oai.requests[asked_before].query == {"verb": ["ListRecords"], "resumptionToken": ["6000001|1001"]}
    assert [a for a, _ in papers(engine)] == ALL_IDS
    assert table(engine, "SELECT records FROM harvest_state") == [(6,)]


def test_harvesting_again_updates_and_never_duplicates(
    engine: Engine, oai: FakeOai, make_harvester: MakeHarvester
) -> None:
    harvest(engine, make_harvester(), NOW, "2024-01-01")
    again = harvest(engine, make_harvester(), NOW + 3600, "2024-01-01")
    assert not again.resumed and again.papers == 6
    assert table(engine, "SELECT COUNT(*) FROM papers") == [(6,)]


def test_cli_harvest(db_url: str, oai: FakeOai, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PAPERTALK_OAI_URL", oai.url)
    # the real politeness (3 s between requests) is tested on a fake clock; here it would only be slow.
    # Patched in oai_pmh itself: the command imports it when it runs (cli/main.py starts lazily)
    monkeypatch.setattr(oai_pmh, "OaiSettings", functools.partial(OaiSettings, min_interval=0.0))
    result = CliRunner().invoke(app, ["--database", db_url, "harvest", "--from", "2024-01-01", "--set", "cs", "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["papers"] == 6
    result = CliRunner().invoke(app, ["--database", db_url, "harvest", "--from", "01/02/2024"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.stderr
