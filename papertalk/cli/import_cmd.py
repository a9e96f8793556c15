"""``papertalk import``: load neutral JSON-lines files of posts, with progress and a summary.

The services are imported in the functions that use them, so that every other command (and ``--help``)
starts without loading the import path, and a neutral import without the X one; see ``cli/main.py``.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
import typer
from rich.console import Console
from rich.table import Table

from papertalk.cli.context import AppContext, app_context, fail
from papertalk.cli.input_paths import is_pipe, path_problem
from papertalk.cli.progress import byte_progress
from papertalk.cli.rejects import RejectPrinter

if TYPE_CHECKING:
    from papertalk.services.ingest.post_files import ImportSummary
    from papertalk.storage.engine import Engine


def import_files(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(
        ..., help="JSON-lines files in the neutral post format (docs/formats.md); - for stdin."
    ),
    restart: bool = typer.Option(
        False, "--restart", help="Read files from the start even if an earlier import got further."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON (no progress bar)."),
    fmt: str = typer.Option(
        "neutral",
        "--format",
        help="neutral (JSON lines, docs/formats.md), x-archive (an X data archive: directory or .zip), "
        "x-v1 or x-v2 (files of X API replies; docs/sources-formats.md).",
    ),
) -> None:
    """Import posts. Safe to re-run: nothing is counted twice, and an interrupted import resumes.

    Bad lines are reported as FILE:LINE: reason and skipped; every good line is imported.
    Exit status: 0 if every line was imported, 1 if any line was rejected, 2 on a usage error.
    """
    app = app_context(ctx)
    if fmt != "neutral":
        import_x_files(app, files, fmt, as_json)
        return
    problem = path_problem(files, folders="a directory; for an X data archive add --format x-archive", pipes=True)
    if problem:
        raise fail(app, problem)
    from papertalk.services.ingest.post_files import Importer
    from papertalk.services.line_files import total_size

    engine = open_or_fail(app)
    on_reject = RejectPrinter(app.errors)

    real_files = [f for f in files if str(f) != "-" and not is_pipe(f)]
    progress = byte_progress(app.errors, enabled=not as_json and app.errors.is_terminal)
    with progress:
        task = progress.add_task("importing", total=total_size(real_files) or None)
        importer = Importer(
            engine,
            now=app.now(),
            batch_size=app.settings.import_batch_size,
            on_reject=on_reject,
            on_progress=lambda n: progress.advance(task, n),
            ranking=app.settings.ranking,
        )
        for path in files:
            if str(path) == "-":
                importer.import_stream(sys.stdin.buffer, "<stdin>")
            elif is_pipe(path):
                with path.open("rb") as stream:
                    importer.import_stream(stream, str(path))
            else:
                importer.import_path(path, restart=restart)
    engine.dispose()
    report(app, importer.summary, as_json)


def open_or_fail(app: AppContext) -> Engine:
    from papertalk.services.database import StaleSchemaError, open_database

    try:
        return open_database(app.settings, create_if_empty=True)
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None


def import_x_files(app: AppContext, paths: list[Path], fmt: str, as_json: bool) -> None:
    """``--format x-archive|x-v1|x-v2``: X archives and API files through the same ingest path."""
    from papertalk.services.ingest.x_import import FORMATS, ArchiveError, XImporter

    if fmt not in FORMATS:
        raise fail(app, f"unknown --format {fmt!r}: use neutral, {', '.join(FORMATS)}")
    folders = None if fmt == "x-archive" else f"a directory; --format {fmt} reads files of API replies"
    problem = path_problem(paths, folders=folders)
    if problem:
        raise fail(app, problem)
    first = None
    if fmt == "x-archive":
        from papertalk.services.ingest.x_archive_reading import start_reading

        # The first archive's reading processes start now and work while this one opens the database.
        try:
            first = start_reading(paths[0], app.settings.import_batch_size)
        except ArchiveError as exc:
            raise fail(app, str(exc)) from None
    engine = open_or_fail(app)
    printer = RejectPrinter(app.errors)
    progress = byte_progress(app.errors, enabled=not as_json and app.errors.is_terminal)
    with progress:
        task = progress.add_task("importing", total=None)
        importer = XImporter(
            engine,
            now=app.now(),
            batch_size=app.settings.import_batch_size,
            on_reject=printer.line,
            on_progress=lambda n: progress.advance(task, n),
            ranking=app.settings.ranking,
        )
        try:
            for n, path in enumerate(paths):
                if fmt == "x-archive":
                    importer.import_archive(path, first if n == 0 else None)
                else:
                    importer.import_api_file(path, fmt)
        except ArchiveError as exc:
            raise fail(app, str(exc)) from None
    engine.dispose()
    summary = importer.summary
    followed = None
    if fmt == "x-archive" and summary.following:
        followed = (
            f"following.js: {summary.following:,} accounts in network 'following' "
            f"({summary.following_network_size:,} in all)"
        )
    report(app, summary, as_json, followed)


def report(app: AppContext, summary: ImportSummary, as_json: bool, note: str | None = None) -> None:
    """The summary as JSON or a table (then ``note``, if any); exit status 1 if any line was rejected."""
    if as_json:
        sys.stdout.write(orjson.dumps(asdict(summary), option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        print_summary(app.console, summary)
        if note:
            app.console.print(note)
    if summary.rejected:
        raise typer.Exit(1)


def print_summary(console: Console, summary: ImportSummary) -> None:
    table = Table(title="import summary", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("files", f"{summary.files:,}")
    table.add_row("lines read", f"{summary.lines:,}")
    table.add_row("posts read", f"{summary.posts_read:,}")
    table.add_row("new posts", f"{summary.posts_new:,}")
    table.add_row("posts completed", f"{summary.posts_completed:,}")
    table.add_row("paper citations", f"{summary.mentions:,}")
    table.add_row("new papers", f"{summary.papers_new:,}")
    table.add_row("lines rejected", f"[red]{summary.rejected:,}[/]" if summary.rejected else "0")
    console.print(table)
    for name, line in summary.resumed_at.items():
        console.print(f"{name}: resumed after line {line:,} (an earlier import got that far; --restart reads it all)")
