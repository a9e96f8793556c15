"""``papertalk follow --user NAME``, ``unfollow --user NAME`` and ``follows import --user NAME``: a
person's own network from the server's command line (the operator acting for them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from papertalk.cli.context import AppContext, fail

if TYPE_CHECKING:
    from papertalk.core.people_records import User
    from papertalk.fetching.pages import FetcherRegistry
    from papertalk.storage.engine import Engine

# What a command does for the person, given the database, the fetchers and the person: the line it prints.
PersonAction = Callable[["Engine", "FetcherRegistry", "User"], str]


def for_person(app: AppContext, user_name: str, action: PersonAction) -> None:
    """Run ``action`` as the operator for the user named ``user_name``; a refusal is one error line."""
    from papertalk.services.capture.accounts import AccountError
    from papertalk.services.capture.fetchers import build_registry
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.networks.my_network import person_named
    from papertalk.services.people.user_accounts import UnknownUser

    try:
        engine = open_database(app.settings)
        said = action(engine, build_registry(app.settings), person_named(engine, user_name))
    except (AccountError, StaleSchemaError, UnknownUser) as exc:
        raise fail(app, str(exc)) from None
    app.console.print(said, highlight=False)


def follow_for(app: AppContext, user_name: str, account: str) -> None:
    from papertalk.services.networks.my_network import follow
    from papertalk.services.people.permissions import OPERATOR

    def run(engine: Engine, registry: FetcherRegistry, owner: User) -> str:
        followed = follow(engine, registry, OPERATOR, owner, account, app.now())
        return f"{owner.name} follows {followed.ref} ({followed.platform_id})"

    for_person(app, user_name, run)


def import_for(app: AppContext, user_name: str, account: str) -> None:
    from papertalk.services.networks.my_network import import_graph
    from papertalk.services.people.permissions import OPERATOR

    def run(engine: Engine, registry: FetcherRegistry, owner: User) -> str:
        done = import_graph(engine, registry, OPERATOR, owner, account, app.now())
        return (
            f"{owner.name}: {done.followed} accounts read from {account}, {done.new_in_network} newly followed "
            f"({done.sources_new} new sources)"
        )

    for_person(app, user_name, run)


def unfollow_for(app: AppContext, user_name: str, account: str) -> None:
    """Take an account out of a person's network (its capture goes on while any network follows it)."""
    from papertalk.services.networks.my_network import unfollow
    from papertalk.services.people.permissions import OPERATOR

    def run(engine: Engine, _registry: FetcherRegistry, owner: User) -> str:
        gone = unfollow(engine, OPERATOR, owner, account)
        return f"{owner.name} {'no longer follows' if gone else 'did not follow'} {account}"

    for_person(app, user_name, run)
