"""A database that cannot be opened, said in one line: which server or file, what went wrong, what to do.

``make_engine`` hooks ``watch_connects`` onto every engine: when a new connection fails (a wrong port,
an unknown host, a refused login, a missing database, an unwritable SQLite folder), the driver's
multi-line error becomes a ``DatabaseUnreachableError`` whose message the CLI prints as is.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext, make_url

# (pattern in the driver's message, what it means, what to do); the first match wins.
POSTGRES_CAUSES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r"Connection refused", re.I),
        "the connection was refused",
        "check the host and port, and that PostgreSQL is running there and accepts TCP connections",
    ),
    (
        re.compile(r"resolve host|could not translate host name|Name or service not known", re.I),
        "the host name is unknown",
        "check the host name",
    ),
    (
        re.compile(r'database "[^"]+" does not exist', re.I),
        "the database does not exist",
        "create it (createdb {name}) or name an existing one",
    ),
    (
        re.compile(r'role "[^"]+" does not exist', re.I),
        "the user does not exist",
        "check the user name",
    ),
    (
        re.compile(r"password authentication failed|authentication failed|no password supplied", re.I),
        "the login was refused",
        "check the user and password (or the server's pg_hba.conf)",
    ),
    (
        re.compile(r"too many clients|remaining connection slots", re.I),
        "the server has no free connection slots",
        "close idle clients or raise its max_connections, then retry",
    ),
    (
        re.compile(r"timeout expired|timed out", re.I),
        "the connection timed out",
        "check the host, port and firewall",
    ),
)
WHERE = "--database / PAPERTALK_DATABASE_URL"


class DatabaseUnreachableError(RuntimeError):
    """The database of the settings cannot be opened; the message is one line saying what to do."""


def describe(url: str, driver_message: str) -> str:
    """One line for a failed connection to ``url`` whose driver said ``driver_message``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return (
            f"cannot open the SQLite database {parsed.database}: {first_line(driver_message)}; "
            f"check that its folder exists and is writable, or fix {WHERE}"
        )
    server = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    target = f'database "{parsed.database}" as user "{parsed.username}"'
    for pattern, cause, action in POSTGRES_CAUSES:
        if pattern.search(driver_message):
            todo = action.format(name=parsed.database)
            return f"cannot reach PostgreSQL at {server} ({target}): {cause}; {todo}, in {WHERE}"
    return f"cannot reach PostgreSQL at {server} ({target}): {first_line(driver_message)}; check {WHERE}"


def first_line(message: str) -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


def watch_connects(engine: Engine) -> None:
    """Make a failed new connection of ``engine`` raise DatabaseUnreachableError (errors of statements on
    an open connection are left as they are)."""
    url = engine.url.render_as_string(hide_password=True)

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        if context.connection is None:  # no connection yet: the failure is in connecting
            raise DatabaseUnreachableError(describe(url, str(context.original_exception))) from None
