"""``papertalk catalogue import``: load arXiv's public metadata snapshot into the local catalogue."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import orjson
import typer

from papertalk.cli.context import app_context, fail
from papertalk.cli.input_paths import path_problem
from papertalk.cli.progress import byte_progress
from papertalk.cli.rejects import RejectPrinter

app = typer.Typer(help="The local catalogue of arXiv papers (title, authors, abstract, ...).", no_args_is_help=True)


@app.command("import")
def import_snapshot(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="arxiv-metadata-oai-snapshot.json (JSON lines), or parts of it."),
    restart: bool = typer.Option(False, "--restart", help="Read from the start even if an earlier run got further."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON (no progress bar)."),
) -> None:
    """Stream the public arXiv metadata snapshot into the database.

    Re-importing updates papers and never duplicates them; an interrupted import resumes. Bad lines are
    reported as FILE:LINE: reason and skipped. Exit status 1 if any line was rejected.
    """
    from papertalk.services.catalogue.snapshot_import import CatalogueImporter
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.line_files import total_size

    app = app_context(ctx)
    problem = path_problem(files, folders="a directory; give the snapshot's JSON-lines file")
    if problem:
        raise fail(app, problem)
    try:
        engine = open_database(app.settings, create_if_empty=True)
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None
    on_reject = RejectPrinter(app.errors)

    progress = byte_progress(app.errors, enabled=not as_json and app.errors.is_terminal)
    with progress:
        task = progress.add_task("catalogue", total=total_size(files) or None)
        importer = CatalogueImporter(
            engine, app.now(), on_reject=on_reject, on_progress=lambda n: progress.advance(task, n)
        )
        for path in files:
            importer.import_path(path, restart=restart)
    engine.dispose()
    summary = importer.summary
    if as_json:
        sys.stdout.write(orjson.dumps(asdict(summary), option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        app.console.print(
            f"catalogue: {summary.lines:,} lines read, {summary.papers:,} papers written, "
            f"{summary.rejected:,} lines rejected"
        )
        for name, line in summary.resumed_at.items():
            app.console.print(f"{name}: resumed after line {line:,} (--restart reads it all)")
    if summary.rejected:
        raise typer.Exit(1)
