"""Shared fixtures: a fresh database per test on SQLite always, and on PostgreSQL when
PAPERTALK_TEST_POSTGRES_URL is set (CI sets it). Each PostgreSQL test gets a database of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from papertalk.config import Settings
from papertalk.storage.engine import Engine, make_engine
from tests.databases import POSTGRES_URL, migrate_fast, migrated_template, postgres_database, remember_migrated

pytest_plugins = [
    "tests.fake_arxiv",
    "tests.fake_oai",
    "tests.fake_bluesky",
    "tests.fake_jetstream",
    "tests.fake_platforms",
]  # local look-alikes of the services we talk to (fixtures)

# No per-example deadline: on a busy 2-core machine a 1 ms example can take 300 ms once, and hypothesis
# then reports a flaky failure that says nothing about the code under test.
settings.register_profile("papertalk", deadline=None)
settings.load_profile("papertalk")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason="PAPERTALK_TEST_POSTGRES_URL not set (CI sets it)"),
        ],
    ),
]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a database of each backend: empty, or already migrated when the test also asks for
    ``engine`` (copied from the process's migrated template, see ``migrate_fast``)."""
    migrated = "engine" in request.fixturenames
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'papertalk.sqlite3'}"
        yield migrate_fast(url) if migrated else url
        return
    with postgres_database(template=migrated_template("postgres") if migrated else None) as url:
        yield remember_migrated(url) if migrated else url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a migrated, empty database (``db_url`` made it so)."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings.from_env({"PAPERTALK_DATABASE_URL": db_url})


@pytest.fixture
def shared_data() -> Path:
    """The real third-party samples in ../shared/data; skips cleanly where a checkout has none."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present in this checkout")
    return SHARED_DATA
