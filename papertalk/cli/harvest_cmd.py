"""``papertalk harvest``: bulk metadata from arXiv's OAI-PMH interface, resumable."""

from __future__ import annotations

import sys
from dataclasses import asdict

import orjson
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from papertalk.cli.context import app_context, fail


def harvest(
    ctx: typer.Context,
    from_date: str = typer.Option(..., "--from", help="Harvest records changed on or after this date (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, "--until", help="... and on or before this date (YYYY-MM-DD)."),
    set_spec: str | None = typer.Option(None, "--set", help="An arXiv OAI set, e.g. cs, math, physics:hep-th."),
    restart: bool = typer.Option(False, "--restart", help="Start over instead of resuming an interrupted harvest."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON (no progress bar)."),
) -> None:
    """Harvest arXiv metadata in bulk through OAI-PMH (metadataPrefix arXivRaw).

    Polite: one request at a time, at least 3 s apart, honouring 503 Retry-After. Each page is saved
    with its resumption token, so running the same command again after an interruption continues
    where it stopped. Needs the network.
    """
    from papertalk.arxiv.oai_pmh import OaiHarvester, OaiHarvestError, OaiSettings
    from papertalk.services.catalogue.harvest import harvest as run_harvest
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        engine = open_database(app.settings, create_if_empty=True)
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None
    progress = Progress(
        TextColumn("[bold]harvesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=app.errors,
        disable=as_json or not app.errors.is_terminal,
    )
    try:
        source = OaiHarvester(OaiSettings(base_url=app.settings.oai_url))
    except ValueError as exc:
        raise fail(app, str(exc)) from None
    try:
        with progress:
            task = progress.add_task("records", total=None)
            summary = run_harvest(
                engine,
                source,
                app.now(),
                from_date,
                set_spec,
                until,
                restart,
                lambda done, total: progress.update(task, completed=done, total=total),
            )
    except (OaiHarvestError, ValueError) as exc:
        raise fail(app, f"{exc} (pages already harvested are saved; run the same command to resume)", 1) from None
    finally:
        source.close()
        engine.dispose()
    if as_json:
        sys.stdout.write(orjson.dumps(asdict(summary), option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    resumed = " (resumed)" if summary.resumed else ""
    app.console.print(
        f"harvest {summary.name}{resumed}: {summary.pages:,} pages, {summary.papers:,} papers, "
        f"{summary.deleted:,} deleted records, {summary.record_errors:,} unreadable records"
    )
