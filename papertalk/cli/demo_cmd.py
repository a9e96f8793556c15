"""``papertalk demo``: build the synthetic demo world, import it, and show what is trending."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn

from papertalk.cli.context import AppContext, app_context

if TYPE_CHECKING:
    from papertalk.config import Settings
    from papertalk.storage.engine import Engine


def demo(
    ctx: typer.Context,
    directory: Path = typer.Option(Path("demo-data"), "--dir", help="Where to write the demo files and database."),
    seed: int = typer.Option(42, "--seed", help="Same seed, same world."),
    papers: int = typer.Option(3000, "--papers", min=10, help="How many synthetic papers."),
    accounts: int = typer.Option(400, "--accounts", min=10, help="How many synthetic accounts."),
    posts: int = typer.Option(30000, "--posts", min=10, help="How many synthetic posts (all kinds)."),
    days: int = typer.Option(42, "--days", min=2, help="Days of attention before now."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the demo world on the web afterwards."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address the demo web app listens on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port the demo web app listens on."),
) -> None:
    """Build a realistic SYNTHETIC world (papers, accounts, posts, reposts, quotes, replies), import it
    through the real import path into a fresh SQLite file, and show what is trending.

    Everything it shows is demo data, and says so.
    """
    from papertalk.cli.import_cmd import print_summary
    from papertalk.cli.serve_cmd import run_server
    from papertalk.cli.trending_cmd import print_table
    from papertalk.demo.database import build_demo
    from papertalk.demo.world import WorldSize
    from papertalk.services.database import open_database
    from papertalk.services.ranking.trending import TrendingQuery, trending

    app = app_context(ctx)
    size = WorldSize(papers=papers, accounts=accounts, posts=posts, days=days)
    app.console.print(
        Panel.fit(
            "[bold]papertalk demo[/]: everything below is [bold yellow]DEMO DATA[/], a synthetic world "
            f"generated from seed {seed}.\n"
            "The papers, people and posts are made up; the counting and ranking are real.",
            border_style="yellow",
        )
    )
    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=app.console,
    ) as progress:

        def on_progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done)

        world = build_demo(directory, seed, app.now(), size, on_progress)
    print_summary(app.console, world.summary)
    engine = open_database(world.settings)
    for query in (
        TrendingQuery(window="week", limit=10),
        TrendingQuery(window="week", network=world.network, limit=5),
    ):
        result = trending(engine, world.settings, app.now(), query)
        print_table(app.console, result, explain=False)
    yesterday = show_yesterdays_digest(app, engine, world.settings)
    engine.dispose()
    url = world.settings.database_url
    app.console.print(
        f"\n[yellow]{world.label}[/]\nDemo database: {world.database}\nExplore it:\n"
        f"  papertalk --database {url} trending --window today\n"
        f"  papertalk --database {url} trending --network {world.network} --explain --limit 3\n"
        f"  papertalk --database {url} trending --window month --json\n"
        f"  papertalk --database {url} digest show --date {yesterday} --markdown",
        highlight=False,
        soft_wrap=True,
    )
    who = world.sign_in
    app.console.print(
        f"\n[yellow]DEMO sign-in[/] (demo people, demo password): name [bold]{who.name}[/], "
        f"password [bold]{who.password}[/] at /signin, to see My network and the shared demo reading group.",
        highlight=False,
        soft_wrap=True,
    )
    if serve:
        app.console.print(
            f"\n[bold]Open http://{host}:{port} in a browser[/] to explore the demo world "
            f"(yesterday's digest: http://{host}:{port}/digest/{yesterday})."
        )
        run_server(app, world.settings, host, port)


def show_yesterdays_digest(app: AppContext, engine: Engine, settings: Settings) -> str:
    """Print the top five of everyone's digest of yesterday (UTC); returns that day's name."""
    from datetime import timedelta

    from rich.markup import escape

    from papertalk.services.digests.digest_dates import day_period, today_in
    from papertalk.services.digests.digest_streams import stream_for
    from papertalk.services.digests.digest_view import digest

    stream = stream_for(engine, None, None, None)
    period = day_period(today_in(stream.zone(), app.now()) - timedelta(days=1))
    found = digest(engine, settings.ranking, app.now(), period, stream)
    app.console.print(f"\n[bold]Digest {period.name}[/] (everyone, UTC): the day's top papers")
    for item in found.items[:5]:
        title = (item.paper.title if item.paper else None) or f"arXiv:{item.arxiv_id}"
        app.console.print(f"{item.rank:>3}. {escape(title)} [dim]({item.posts} posts, {item.people} people)[/]")
    return period.name
