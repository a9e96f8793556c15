"""``papertalk network`` (add, remove, list) and ``papertalk block``: who makes "my network", who never counts."""

from __future__ import annotations

import typer

from papertalk.cli.context import app_context, fail, print_json

app = typer.Typer(
    help="Groups of accounts whose votes make a 'my network' ranking: add, remove, list.", no_args_is_help=True
)
JSON_HELP = "Print JSON for scripts."


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


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Network name, e.g. 'lab'."),
    accounts: list[str] | None = typer.Argument(
        None, help="Accounts to take out, as PLATFORM:HANDLE; none: delete the whole network."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Take accounts out of a network, or delete the network (its accounts and their posts stay).

    Examples: papertalk network remove lab bluesky:ada.bsky.social · papertalk network remove lab
    """
    from papertalk.services.capture.accounts import AccountError, remove_from_network, remove_network
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        engine = open_database(app.settings)
        if accounts:
            size, deleted = remove_from_network(engine, name, accounts), False
        else:
            size, deleted = remove_network(engine, name), True
    except (AccountError, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        print_json({"network": name, "deleted": deleted, "accounts": size, "removed": accounts or []})
    elif deleted:
        app.console.print(f"network {name} deleted (it had {size} accounts)")
    else:
        app.console.print(f"network {name}: {size} accounts")


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List networks and their sizes."""
    from papertalk.services.capture.accounts import list_networks
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        networks = list_networks(open_database(app.settings))
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        print_json([{"network": name, "accounts": size} for name, size in networks])
        return
    for name, size in networks:
        app.console.print(f"{name}\t{size} accounts")
    if not networks:
        app.console.print("no networks yet: papertalk network add NAME PLATFORM:HANDLE...")


def block(
    ctx: typer.Context,
    accounts: list[str] = typer.Argument(..., help="Accounts as PLATFORM:HANDLE, e.g. x:arxiv_bot"),
    unblock: bool = typer.Option(False, "--unblock", help="Count these accounts again."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Never count these accounts (aggregator bots) in any ranking."""
    from papertalk.services.capture.accounts import AccountError, block_accounts
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        block_accounts(open_database(app.settings), app.settings, accounts, blocked=not unblock)
    except (AccountError, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        print_json({"blocked": not unblock, "accounts": accounts})
    else:
        app.console.print(f"{'unblocked' if unblock else 'blocked'}: {', '.join(accounts)}")
