"""A person's settings as use cases: read them, and save the form's timezone, categories of interest and
preferred language, all or nothing (the first refused field is said, next to that field)."""

from __future__ import annotations

from papertalk.core.people_records import User
from papertalk.core.person_settings import PersonSettings, language_problem, parse_categories, timezone_problem
from papertalk.services.people.form_problems import check
from papertalk.services.people.permissions import Actor, require_self
from papertalk.storage.engine import Engine
from papertalk.storage.people.person_settings_rows import read_settings, write_settings


def settings_of(engine: Engine, user: User) -> PersonSettings:
    with engine.connect() as conn:
        return read_settings(conn, user.id)


def save_settings(
    engine: Engine, actor: Actor, owner: User, timezone: str, categories: str, language: str
) -> PersonSettings:
    """Check every field, then store them together; FormProblem for the first refused one."""
    if isinstance(actor, User):
        require_self(actor, owner.id, "change the settings")
    parsed, categories_problem = parse_categories(categories)
    check(timezone_problem(timezone.strip()), categories_problem, language_problem(language.strip()))
    chosen = PersonSettings(timezone.strip(), parsed, language.strip())
    with engine.begin() as conn:
        write_settings(conn, owner.id, chosen)
    return chosen
