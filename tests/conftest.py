"""Shared fixtures: a fresh database per test on SQLite always, and on PostgreSQL when
PAPERTALK_TEST_POSTGRES_URL is set (CI sets it). Each PostgreSQL test gets its own schema."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text

from papertalk.config import Settings
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.schema import upgrade

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

POSTGRES_URL = os.environ.get("PAPERTALK_TEST_POSTGRES_URL")
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
    """A URL to an empty database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'papertalk.sqlite3'}"
        return
    with postgres_schema() as url:
        yield url


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL to a fresh schema of the test PostgreSQL server, dropped afterwards."""
    assert POSTGRES_URL
    schema = f"pt_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a migrated, empty database."""
    eng = make_engine(db_url)
    upgrade(eng)
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
