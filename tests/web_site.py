"""Module-scoped fixtures: the test world loaded once per backend and the app served over it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from papertalk.config import Settings
from papertalk.storage.engine import make_engine
from papertalk.storage.schema import upgrade
from tests.conftest import BACKENDS, POSTGRES_URL
from tests.web_world import load_world, served


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the web app over the test world, on SQLite and (when configured) PostgreSQL."""
    directory = tmp_path_factory.mktemp("web")
    schema = None
    if request.param == "sqlite":
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
    load_world(engine, directory)
    engine.dispose()
    try:
        with served(Settings.from_env({"PAPERTALK_DATABASE_URL": url})) as base:
            yield base
    finally:
        if schema is not None:
            admin = create_engine(POSTGRES_URL or "", isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
