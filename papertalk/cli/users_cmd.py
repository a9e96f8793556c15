"""``papertalk users``: add, list, invite and disable the people who sign in (as the server's operator).

Passwords are asked for, never taken as an argument (it would stay in the shell's history and in ``ps``):
twice at a terminal without echo, or as the first two lines of standard input when it is not a terminal.
"""

from __future__ import annotations

import getpass
import sys

import typer

from papertalk.cli.context import AppContext, app_context, fail

app = typer.Typer(help="People who sign in to the web app: add, list, invite, disable.", no_args_is_help=True)


def read_password(app: AppContext) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password again: ")
    else:
        first, second = sys.stdin.readline().rstrip("\r\n"), sys.stdin.readline().rstrip("\r\n")
    if first != second:
        raise fail(app, "password: the two passwords differ; nothing was saved")
    return first


@app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="User name: letters a-z, digits, '.', '_', '-'."),
    email: str = typer.Option(..., "--email", help="Their email address."),
    admin: bool = typer.Option(False, "--admin", help="May invite, disable users and manage the site."),
) -> None:
    """Add a user; the password is asked for (twice), or read from standard input's first two lines."""
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.people.form_problems import FormProblem
    from papertalk.services.people.permissions import OPERATOR
    from papertalk.services.people.user_accounts import add_user

    app = app_context(ctx)
    try:
        engine = open_database(app.settings)
        user = add_user(engine, OPERATOR, name, email, read_password(app), admin, app.now())
    except (FormProblem, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    app.console.print(f"added {'admin ' if user.is_admin else ''}user {user.name} <{user.email}>", highlight=False)


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts.")) -> None:
    """List the users: name, email, admin, disabled, created."""
    import orjson

    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.people.permissions import OPERATOR
    from papertalk.services.people.user_accounts import list_users

    app = app_context(ctx)
    try:
        users = list_users(open_database(app.settings), OPERATOR)
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        rows = [
            {"name": u.name, "email": u.email, "admin": u.is_admin, "disabled": u.disabled, "created_at": u.created_at}
            for u in users
        ]
        sys.stdout.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    for u in users:
        flags = ", ".join(f for f, on in (("admin", u.is_admin), ("disabled", u.disabled)) if on)
        app.console.print(f"{u.name}\t{u.email}\t{flags}", highlight=False)
    if not users:
        app.console.print("no users yet: papertalk users add NAME --email E --admin")


@app.command("invite")
def invite_cmd(ctx: typer.Context) -> None:
    """Print a single-use invitation link (valid 7 days) under PAPERTALK_PUBLIC_BASE_URL."""
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.people.invitations import INVITATION_DAYS, invite
    from papertalk.services.people.permissions import OPERATOR

    app = app_context(ctx)
    try:
        link = invite(open_database(app.settings), app.settings.people, OPERATOR, app.now())
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None
    app.console.print(link, soft_wrap=True, highlight=False)
    app.errors.print(f"single use, valid {INVITATION_DAYS} days; it is shown only now")


@app.command("disable")
def disable(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The user's name."),
    enable: bool = typer.Option(False, "--enable", help="Let them sign in again."),
) -> None:
    """Stop a user signing in; their sessions and API tokens end at once (audited)."""
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.people.admin import set_disabled
    from papertalk.services.people.form_problems import FormProblem
    from papertalk.services.people.permissions import OPERATOR
    from papertalk.services.people.user_accounts import UnknownUser

    app = app_context(ctx)
    try:
        user = set_disabled(open_database(app.settings), OPERATOR, name, not enable, app.now())
    except (UnknownUser, StaleSchemaError, FormProblem) as exc:
        raise fail(app, str(exc)) from None
    app.console.print(f"{'enabled' if enable else 'disabled'} user {user.name}", highlight=False)
