"""Module-scoped fixtures: the test world loaded once per backend and the app served over it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from papertalk.config import Settings
from papertalk.storage.engine import Engine, make_engine
from tests.conftest import BACKENDS
from tests.databases import migrate_fast, postgres_database
from tests.web_world import load_world, served


@contextmanager
def loaded_database(backend: str, directory: Path, load: Callable[[Engine, Path], None]) -> Iterator[str]:
    """The URL of a fresh database on ``backend`` (a SQLite file in ``directory``, or a PostgreSQL database
    of its own, dropped afterwards), migrated and filled by ``load``."""
    with ExitStack() as stack:
        if backend == "sqlite":
            url = f"sqlite:///{directory / 'web.sqlite3'}"
        else:
            url = stack.enter_context(postgres_database())
        engine = make_engine(migrate_fast(url))
        load(engine, directory)
        engine.dispose()
        yield url


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
