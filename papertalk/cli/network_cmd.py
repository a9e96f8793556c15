"""``papertalk network`` and ``papertalk block``: whose votes make "my network", and who never counts."""

from __future__ import annotations

import typer

from papertalk.cli.context import app_context, fail

app = typer.Typer(help="Groups of accounts whose votes make a 'my network' ranking.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Network name, e.g. 'lab'."),
    accounts: list[str] = typer.Argument(
        ..., help="Accounts as PLATFORM:HANDLE or PLATFORM:ID, e.g. bluesky:ada.bsky.social"
    ),
) -> None:
    """Add captured accounts to a network (created if new)."""
    from papertalk.services.capture.accounts import AccountError, add_to_network
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        added = add_to_network(open_database(app.settings), name, accounts)
    except (AccountError, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    app.console.print(f"network {name}: {added} accounts")


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List networks and their sizes."""
    from papertalk.services.capture.accounts import list_networks
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        networks = list_networks(open_database(app.settings))
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None
    for name, size in networks:
        app.console.print(f"{name}\t{size} accounts")
    if not networks:
        app.console.print("no networks yet: papertalk network add NAME PLATFORM:HANDLE...")


def block(
    ctx: typer.Context,
    accounts: list[str] = typer.Argument(..., help="Accounts as PLATFORM:HANDLE, e.g. x:arxiv_bot"),
    unblock: bool = typer.Option(False, "--unblock", help="Count these accounts again."),
) -> None:
    """Never count these accounts (aggregator bots) in any ranking."""
    from papertalk.services.capture.accounts import AccountError, block_accounts
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        block_accounts(open_database(app.settings), app.settings, accounts, blocked=not unblock)
    except (AccountError, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    app.console.print(f"{'unblocked' if unblock else 'blocked'}: {', '.join(accounts)}")
