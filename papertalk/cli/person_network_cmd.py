"""``papertalk follow --user NAME``, ``unfollow --user NAME`` and ``follows import --user NAME``: a
person's own network from the server's command line (the operator acting for them)."""

from __future__ import annotations

import typer

from papertalk.cli.context import AppContext, fail


def follow_for(app: AppContext, user_name: str, account: str) -> None:
    from papertalk.services.capture.accounts import AccountError
    from papertalk.services.capture.fetchers import build_registry
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.networks.my_network import follow, person_named
    from papertalk.services.people.permissions import OPERATOR
    from papertalk.services.people.user_accounts import UnknownUser

    try:
        engine = open_database(app.settings)
        owner = person_named(engine, user_name)
        followed = follow(engine, build_registry(app.settings), OPERATOR, owner, account, app.now())
    except (AccountError, StaleSchemaError, UnknownUser) as exc:
        raise fail(app, str(exc)) from None
    app.console.print(f"{owner.name} follows {followed.ref} ({followed.platform_id})", highlight=False)


def unfollow_for(app: AppContext, user_name: str, account: str) -> None:
    from papertalk.services.capture.accounts import AccountError
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.networks.my_network import person_named, unfollow
    from papertalk.services.people.permissions import OPERATOR
    from papertalk.services.people.user_accounts import UnknownUser

    try:
        engine = open_database(app.settings)
        owner = person_named(engine, user_name)
        gone = unfollow(engine, OPERATOR, owner, account)
    except (AccountError, StaleSchemaError, UnknownUser) as exc:
        raise fail(app, str(exc)) from None
    said = "no longer follows" if gone else "did not follow"
    app.console.print(f"{owner.name} {said} {account}", highlight=False)


def import_for(app: AppContext, user_name: str, account: str) -> None:
    from papertalk.services.capture.accounts import AccountError
    from papertalk.services.capture.fetchers import build_registry
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.networks.my_network import import_graph, person_named
    from papertalk.services.people.permissions import OPERATOR
    from papertalk.services.people.user_accounts import UnknownUser

    try:
        engine = open_database(app.settings)
        owner = person_named(engine, user_name)
        done = import_graph(engine, build_registry(app.settings), OPERATOR, owner, account, app.now())
    except (AccountError, StaleSchemaError, UnknownUser) as exc:
        raise fail(app, str(exc)) from None
    app.console.print(
        f"{owner.name}: {done.followed} accounts read from {account}, {done.new_in_network} newly followed "
        f"({done.sources_new} new sources)",
        highlight=False,
    )


def unfollow_cmd(
    ctx: typer.Context,
    account: str = typer.Argument(..., help="PLATFORM:HANDLE, e.g. bluesky:alice.bsky.social"),
    user: str = typer.Option(..., "--user", help="The person whose network it leaves."),
) -> None:
    """Take an account out of a person's network (its capture goes on: others may follow it)."""
    from papertalk.cli.context import app_context

    unfollow_for(app_context(ctx), user, account)
