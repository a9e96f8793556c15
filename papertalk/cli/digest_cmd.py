"""``papertalk digest show``: one day's, week's or month's digest as a table, JSON or Markdown."""

from __future__ import annotations

import typer

from papertalk.cli.context import app_context, fail, print_json

app = typer.Typer(help="Dated digests: the top papers of a day, week or month.", no_args_is_help=True)


@app.command("show")
def show(
    ctx: typer.Context,
    date: str | None = typer.Option(
        None, "--date", "-d", help="2026-12-06 (a day), 2026-W49 (an ISO week) or 2026-12 (a month); default yesterday."
    ),
    network: str | None = typer.Option(
        None, "--network", help="Count only this network's accounts (default: everyone)."
    ),
    user: str | None = typer.Option(
        None, "--user", help="This person's own digest: their network, timezone, categories."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts (the page's JSON twin)."),
    markdown: bool = typer.Option(False, "--markdown", help="Print Markdown (TeX kept as written)."),
) -> None:
    """Show a digest: the papers whose first posts by each account fall in that period, as of its end
    (UTC, or the --user's timezone). A finished period is frozen by its first read, as on the web.
    Examples: papertalk digest show --date 2026-12-06 --markdown · papertalk digest show --date 2026-W49 --json"""
    from datetime import timedelta

    from rich.markup import escape

    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.digests.digest_dates import PeriodError, day_period, parse_period, today_in
    from papertalk.services.digests.digest_export import digest_data, digest_markdown
    from papertalk.services.digests.digest_streams import own_stream, stream_for
    from papertalk.services.digests.digest_view import digest
    from papertalk.services.networks.my_network import person_named
    from papertalk.services.pages.page_request import PageRequestError

    app = app_context(ctx)
    if as_json and markdown:
        raise fail(app, "choose one of --json and --markdown")
    if user and network:
        raise fail(app, "--user: a person's own digest counts their network; drop --network")
    try:
        engine = open_database(app.settings)
        stream = own_stream(engine, person_named(engine, user)) if user else stream_for(engine, None, None, network)
        period = parse_period(date) if date else day_period(today_in(stream.zone(), app.now()) - timedelta(days=1))
        found = digest(engine, app.settings.ranking, app.now(), period, stream)
    except (StaleSchemaError, PeriodError, PageRequestError, LookupError) as exc:
        raise fail(app, str(exc)) from None
    base = app.settings.people.public_base_url
    if as_json:
        print_json(digest_data(found, base))
    elif markdown:
        typer.echo(digest_markdown(found, base), nl=False)
    else:
        app.console.print(f"[bold]Digest {found.period.name}[/] · {stream.label} · {stream.timezone} · {found.state}")
        for item in found.items:
            title = (item.paper.title if item.paper else None) or f"arXiv:{item.arxiv_id}"
            app.console.print(f"{item.rank:>3}. {escape(title)}  [dim]arXiv:{item.arxiv_id} · {item.posts} posts · "
                              f"{item.people} people[/]", markup=True, highlight=False)  # fmt: skip
        if not found.items:
            app.console.print("No papers were discussed in this period.")


@app.command("freeze")
def freeze_cmd(
    ctx: typer.Context,
    date: str | None = typer.Option(
        None, "--date", "-d", help="Freeze this finished day, week or month (default: the last finished ones)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Store the finished digests of everyone, each public network and each person as they are now, so
    their pages never change again (the worker does this every few minutes; already frozen ones are kept)."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.digests.digest_dates import PeriodError, parse_period
    from papertalk.services.digests.digest_freezing import freeze_finished

    app = app_context(ctx)
    try:
        period = parse_period(date) if date else None
        engine = open_database(app.settings)
        columns = (TextColumn("[bold]freezing digests"), BarColumn(), TaskProgressColumn())
        with Progress(*columns, console=app.errors, disable=as_json, transient=False) as progress:
            task = progress.add_task("streams", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            stored = freeze_finished(engine, app.settings.ranking, app.now(), period, advance)
    except (StaleSchemaError, PeriodError) as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        print_json({"frozen": stored})
    else:
        app.console.print(f"{stored} digest{'s' if stored != 1 else ''} frozen.")
