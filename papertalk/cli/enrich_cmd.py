"""``papertalk enrich``: fetch titles, authors and abstracts from arXiv for papers known only by id."""

from __future__ import annotations

import sys
from dataclasses import asdict

import orjson
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from papertalk.cli.context import app_context, fail


def enrich(
    ctx: typer.Context,
    limit: int = typer.Option(1000, "--limit", "-n", min=1, help="At most this many papers this run."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON (no progress bar)."),
) -> None:
    """Fill in papers known only by their arXiv id, through the arXiv API.

    Asks for up to 100 ids per request and at most one request every 3 seconds, as arXiv asks, counting
    the requests of every papertalk process on the database (a worker enriching at the same time);
    retries politely on 429/5xx/timeouts. Ids arXiv does not know are asked again later, with growing
    delays, and given up after 8 tries. Needs the network; everything else in papertalk works offline.
    """
    from papertalk.arxiv.api_client import ArxivApiError
    from papertalk.services.catalogue.enrich import arxiv_client, pending_count
    from papertalk.services.catalogue.enrich import enrich as run_enrich
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        engine = open_database(app.settings)
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None
    now = app.now()
    total = min(limit, pending_count(engine, now))
    progress = Progress(
        TextColumn("[bold]asking arXiv"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=app.errors,
        disable=as_json or not app.errors.is_terminal,
    )
    client = arxiv_client(engine, app.settings.arxiv_api_url)  # paced with the workers' enrichment
    try:
        with progress:
            task = progress.add_task("papers", total=total)
            summary = run_enrich(engine, client, now, limit, lambda done, _t: progress.update(task, completed=done))
    except ArxivApiError as exc:
        raise fail(app, f"{exc} (what was fetched before is saved; run again later)", code=1) from None
    finally:
        client.close()
        engine.dispose()
    if as_json:
        sys.stdout.write(orjson.dumps(asdict(summary), option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    app.console.print(
        f"asked arXiv about {summary.asked:,} papers: {summary.filled:,} filled in, "
        f"{summary.unknown:,} unknown to arXiv (asked again later)"
    )
    for error in summary.api_errors[:20]:
        app.errors.print(f"arXiv API: {error}", highlight=False, markup=False)
