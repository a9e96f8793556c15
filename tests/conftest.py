"""Shared fixtures: a fresh database per test on SQLite always, and on PostgreSQL when
PAPERTALK_TEST_POSTGRES_URL is set (CI sets it). Each PostgreSQL test gets a database of its own."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

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
    """A URL to a database of each backend: empty, or already migrated when the test also asks for
    ``engine`` (copied from the process's migrated template, see ``migrate_fast``)."""
    migrated = "engine" in request.fixturenames
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'papertalk.sqlite3'}"
        yield migrate_fast(url) if migrated else url
        return
    with postgres_database(template=_migrated_template("postgres") if migrated else None) as url:
        if migrated:
            _MIGRATED_URLS.add(url)
        yield url


@functools.cache
def _postgres_admin() -> Engine:
    """One autocommit engine on the test server's own database, for CREATE and DROP DATABASE."""
    assert POSTGRES_URL
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)


@contextmanager
def postgres_database(template: str | None = None) -> Iterator[str]:
    """A URL to a database of its own on the test PostgreSQL server (empty, or a copy of ``template``),
    dropped afterwards, whoever is still connected to it."""
    assert POSTGRES_URL
    name = f"pt_{uuid.uuid4().hex[:12]}"
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with _postgres_admin().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with _postgres_admin().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# Migrating a new database runs every migration: about 0.1 s on SQLite and 1-2 s on PostgreSQL (its DDL),
# paid by each of the ~2,000 tests that want a migrated database. Each test process migrates one template
# per backend instead, and a test's database is a copy of it: a file copy, or CREATE DATABASE ... TEMPLATE
# (about 25 ms). tests/test_schema.py still runs the migrations themselves on both backends.
_MIGRATED_TEMPLATES: dict[str, str] = {}
_MIGRATED_URLS: set[str] = set()  # databases already copied from a template: migrating them again is a no-op


def _migrated_template(backend: str) -> str:
    """The SQLite file or PostgreSQL database name of this process's migrated, empty template."""
    if backend not in _MIGRATED_TEMPLATES:
        if backend == "sqlite":
            path = Path(tempfile.mkdtemp(prefix="papertalk-template-")) / "migrated.sqlite3"
            engine = make_engine(f"sqlite:///{path}")
            upgrade(engine)
            engine.dispose()
            atexit.register(shutil.rmtree, path.parent, True)
            _MIGRATED_TEMPLATES[backend] = str(path)
        else:
            name = f"pt_template_{uuid.uuid4().hex[:12]}"
            with _postgres_admin().connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            assert POSTGRES_URL
            engine = make_engine(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
            upgrade(engine)
            engine.dispose()
            atexit.register(_drop_database, name)
            _MIGRATED_TEMPLATES[backend] = name
    return _MIGRATED_TEMPLATES[backend]


def _drop_database(name: str) -> None:
    with _postgres_admin().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def migrate_fast(url: str) -> str:
    """Give the empty database at ``url`` the newest schema by copying this process's migrated template
    into it (the same result as ``upgrade``, much faster); returns ``url``."""
    if url in _MIGRATED_URLS:
        return url
    _MIGRATED_URLS.add(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database
        target = Path(parsed.database)
        assert not target.exists() or target.stat().st_size == 0, f"{target} is not empty"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_migrated_template("sqlite"), target)
        return url
    template = _migrated_template("postgres")
    with _postgres_admin().connect() as conn:
        conn.execute(text(f'DROP DATABASE "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}" TEMPLATE "{template}"'))
    return url


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
