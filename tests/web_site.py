"""Module-scoped fixtures: the test world loaded once per backend and the app served over it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from papertalk.config import Settings
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.schema import upgrade
from tests.conftest import BACKENDS, POSTGRES_URL
from tests.web_world import load_world, served


@contextmanager
def loaded_database(backend: str, directory: Path, load: Callable[[Engine, Path], None]) -> Iterator[str]:
    """The URL of a fresh database on ``backend`` (a SQLite file in ``directory``, or a PostgreSQL schema
    of its own, dropped afterwards), upgraded and filled by ``load``."""
    schema = None
    if backend == "sqlite":
        url = f"sqlite:///{directory / 'web.sqlite3'}"
    else:
        assert POSTGRES_URL
        schema = f"pt_{uuid.uuid4().hex[:12]}"
        with create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in POSTGRES_URL else "?"
        url = f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    load(engine, directory)
    engine.dispose()
    try:
        yield url
    finally:
        if schema is not None:
            admin = create_engine(POSTGRES_URL or "", isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


@contextmanager
def served_database(backend: str, directory: Path, load: Callable[[Engine, Path], None]) -> Iterator[str]:
    """The app served over a database ``load`` fills (see ``loaded_database``); yields its base URL."""
    with (
        loaded_database(backend, directory, load) as url,
        served(Settings.from_env({"PAPERTALK_DATABASE_URL": url})) as base,
    ):
        yield base


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the web app over the test world, on SQLite and (when configured) PostgreSQL."""
    with served_database(request.param, tmp_path_factory.mktemp("web"), load_world) as base:
        yield base
