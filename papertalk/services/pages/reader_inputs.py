"""The fingerprint of what a signed-in reader's trending page reads about them (storage.networks.reader_inputs):
the web app's key for keeping their rendered page a few seconds, checked afresh on every request."""

from __future__ import annotations

from papertalk.core.people_records import User
from papertalk.storage.engine import Engine
from papertalk.storage.networks.reader_inputs import reader_fingerprint


def reader_inputs(engine: Engine, reader: User, asked_network: str | None) -> str:
    """Equal for two requests exactly when the reader's settings, offered networks (with the version of their
    accounts), ``asked_network`` (with its version) and their blocks are equal."""
    with engine.connect() as conn:
        return reader_fingerprint(conn, reader.id, asked_network)
