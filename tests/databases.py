"""The tests' databases: an empty or migrated SQLite file, or a PostgreSQL database of its own per test.

Migrating a new database runs every migration: about 0.1 s on SQLite and 1-2 s on PostgreSQL (its DDL),
paid by each of the ~2,000 tests that want a migrated database. Each test process migrates one template
per backend instead, and a test's database is a copy of it: a file copy, or CREATE DATABASE ... TEMPLATE
(25-200 ms). tests/test_schema.py still runs the migrations themselves on both backends.

PostgreSQL 15 checkpoints on every DROP DATABASE (up to 0.7 s on a busy machine), so a test's database is
dropped by a thread of the test process while the next test runs, and all are dropped before it exits.
Names carry the test process's id: databases left by a killed run are dropped by the next one."""

from __future__ import annotations

import atexit
import functools
import os
import queue
import re
import shutil
import tempfile
import threading
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.schema import upgrade

POSTGRES_URL = os.environ.get("PAPERTALK_TEST_POSTGRES_URL")
_OURS = re.compile(r"pt_(?:template_)?(\d+)_[0-9a-f]{12}")  # pt_[template_]<pid>_<random>


@functools.cache
def _postgres_admin() -> Engine:
    """One autocommit engine on the test server's own database, for CREATE and DROP DATABASE; the first
    use drops what killed test processes left behind."""
    assert POSTGRES_URL
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        names = conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE 'pt\\_%'")).scalars().all()
        for name in names:
            found = _OURS.fullmatch(name)
            if found and not _alive(int(found.group(1))):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return admin


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _database_url(name: str) -> str:
    assert POSTGRES_URL
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def _new_name(kind: str = "") -> str:
    return f"pt_{kind}{os.getpid()}_{uuid.uuid4().hex[:12]}"


class _Dropper:
    """DROP DATABASE on a thread of its own, in the order asked; ``drain`` waits for all of them."""

    def __init__(self) -> None:
        self.names: queue.Queue[str | None] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="test-database-dropper", daemon=True)
        self.thread.start()
        atexit.register(self.drain)

    def _run(self) -> None:
        while (name := self.names.get()) is not None:
            try:
                drop_database(name)
            except SQLAlchemyError as error:  # the next run's clean-up drops it (its pid is gone)
                warnings.warn(f"could not drop test database {name}: {error}", stacklevel=1)

    def drain(self) -> None:
        self.names.put(None)
        self.thread.join(120)


@functools.cache
def _dropper() -> _Dropper:
    return _Dropper()


def drop_database(name: str) -> None:
    with _postgres_admin().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def postgres_database(template: str | None = None) -> Iterator[str]:
    """A URL to a database of its own on the test PostgreSQL server (empty, or a copy of ``template``),
    dropped afterwards (in the background), whoever is still connected to it."""
    name = _new_name()
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with _postgres_admin().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    try:
        yield _database_url(name)
    finally:
        _dropper().names.put(name)


_MIGRATED_TEMPLATES: dict[str, str] = {}
_MIGRATED_URLS: set[str] = set()  # databases already copied from a template: migrating them again is a no-op


def migrated_template(backend: str) -> str:
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
            name = _new_name("template_")
            with _postgres_admin().connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            engine = make_engine(_database_url(name))
            upgrade(engine)
            engine.dispose()
            atexit.register(drop_database, name)  # registered after the dropper's drain: runs after it
            _dropper()
            _MIGRATED_TEMPLATES[backend] = name
    return _MIGRATED_TEMPLATES[backend]


def remember_migrated(url: str) -> str:
    """Note that the database at ``url`` was made from a migrated template; returns ``url``."""
    _MIGRATED_URLS.add(url)
    return url


def migrate_fast(url: str) -> str:
    """Give the empty database at ``url`` the newest schema by copying this process's migrated template
    into it (the same result as ``upgrade``, much faster); returns ``url``."""
    if url in _MIGRATED_URLS:
        return url
    template = migrated_template("sqlite" if make_url(url).get_backend_name() == "sqlite" else "postgres")
    return remember_migrated(copy_into(url, template))


def copy_into(url: str, template: str) -> str:
    """Make the empty database at ``url`` a copy of ``template`` (a SQLite file, or a PostgreSQL database
    nobody is connected to); returns ``url``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database
        target = Path(parsed.database)
        assert not target.exists() or target.stat().st_size == 0, f"{target} is not empty"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)
        return url
    with _postgres_admin().connect() as conn:
        conn.execute(text(f'DROP DATABASE "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}" TEMPLATE "{template}"'))
    return url


def kept_template(backend: str, fill: Callable[[Engine, str], None]) -> str:
    """A migrated database of ``backend`` that ``fill`` fills (given its engine and URL), kept until this
    test process ends: a template for ``copy_into``. Returns its SQLite path or PostgreSQL name."""
    if backend == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="papertalk-template-")) / "kept.sqlite3"
        atexit.register(shutil.rmtree, path.parent, True)
        url = migrate_fast(f"sqlite:///{path}")
        location = str(path)
    else:
        location = _new_name("template_")
        with _postgres_admin().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{location}" TEMPLATE "{migrated_template("postgres")}"'))
        atexit.register(drop_database, location)
        url = _database_url(location)
    engine = make_engine(url)
    fill(engine, url)
    engine.dispose()
    return location
