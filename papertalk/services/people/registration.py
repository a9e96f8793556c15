"""The registration setting in force: the one an admin stored in the database, else PAPERTALK_REGISTRATION.

Kept in ``instance_meta`` so every web process reads the same value the moment an admin changes it.
"""

from __future__ import annotations

from dataclasses import replace

from papertalk.config import REGISTRATION_MODES, PeopleSettings
from papertalk.storage.engine import Connection, Engine
from papertalk.storage.instance_meta import get_meta, set_meta

REGISTRATION_KEY = "registration"


def registration_mode(conn: Connection, people: PeopleSettings) -> str:
    stored = get_meta(conn, REGISTRATION_KEY)
    return stored if stored in REGISTRATION_MODES else people.registration


def in_force(engine: Engine, people: PeopleSettings) -> PeopleSettings:
    """``people`` with the registration mode the database holds, if an admin set one."""
    with engine.connect() as conn:
        mode = registration_mode(conn, people)
    return people if mode == people.registration else replace(people, registration=mode)


def store_mode(conn: Connection, mode: str) -> None:
    set_meta(conn, REGISTRATION_KEY, mode)
