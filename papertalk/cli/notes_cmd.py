"""``papertalk notes``: a person's summaries and notes from the server's command line (as the operator,
for the person named with --user): list, show, export (a zip of Markdown files with front matter, plus
JSON and CSV), import (Markdown files of that form), and re-render what an older renderer made."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from papertalk.cli.context import app_context, fail, print_json
from papertalk.core.row_id_range import MAX_ROW_ID

app = typer.Typer(help="People's summaries and notes: list, show, export, import.", no_args_is_help=True)
USER = typer.Option(..., "--user", help="Whose summaries and notes (a user name).")
JSON = typer.Option(False, "--json", help="Print JSON for scripts.")


def _row(s: object) -> dict[str, object]:
    from papertalk.core.summary_records import Summary

    assert isinstance(s, Summary)
    return {"id": s.id, "arxiv_id": s.arxiv_id, "kind": s.kind, "visibility": s.visibility, "title": s.title,
            "version": s.version, "score": s.score, "created_at": s.created_at, "updated_at": s.updated_at}  # fmt: skip


@app.command("list")
def list_(ctx: typer.Context, user: str = USER, as_json: bool = JSON) -> None:
    """List the person's summaries and notes: number, paper, kind, visibility, title."""
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.library.summary_export import person_named
    from papertalk.services.library.summary_lists import own
    from papertalk.services.people.form_problems import FormProblem

    app = app_context(ctx)
    try:
        engine = open_database(app.settings)
        texts = own(engine, person_named(engine, user))
    except (FormProblem, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        print_json([_row(s) for s in texts])
        return
    for s in texts:
        app.console.print(f"{s.id}\t{s.arxiv_id}\t{s.kind}\t{s.visibility}\t{s.title}", highlight=False)
    if not texts:
        app.console.print(f"{user} has no summaries or notes yet")


@app.command("show")
def show(ctx: typer.Context,
         number: int = typer.Argument(..., min=1, max=MAX_ROW_ID, help="The summary's or note's number."),
         user: str = USER, as_json: bool = JSON) -> None:  # fmt: skip
    """Print one of the person's summaries or notes as Markdown with its front matter."""
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.library.summaries import find
    from papertalk.services.library.summary_export import markdown_of, person_named
    from papertalk.services.library.summary_rights import SummaryNotFound
    from papertalk.services.people.form_problems import FormProblem

    app = app_context(ctx)
    try:
        engine = open_database(app.settings)
        found = find(engine, person_named(engine, user), number)
    except (FormProblem, StaleSchemaError, SummaryNotFound) as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        print_json({**_row(found), "source": found.source, "html": found.html})
        return
    sys.stdout.write(markdown_of(found))


@app.command("export")
def export(ctx: typer.Context, out: Path = typer.Argument(..., help="The zip file to write."),
           user: str = USER) -> None:  # fmt: skip
    """Write the person's summaries and notes to a zip: one Markdown file each, notes.json and notes.csv."""
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.library.summary_export import export_zip, person_named
    from papertalk.services.people.form_problems import FormProblem

    app = app_context(ctx)
    try:
        engine = open_database(app.settings)
        data = export_zip(engine, person_named(engine, user))
        out.write_bytes(data)
    except (FormProblem, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    except OSError as exc:
        raise fail(app, f"{out}: cannot write: {exc.strerror}") from None
    app.console.print(f"wrote {out} ({len(data):,} bytes)", highlight=False)


@app.command("import")
def import_(ctx: typer.Context, files: list[Path] = typer.Argument(..., help="Markdown files with front matter."),
            user: str = USER, as_json: bool = JSON) -> None:  # fmt: skip
    """Import Markdown files (front matter: arxiv_id, kind, visibility, title); a bad file is reported as
    FILE: reason and skipped; exit status 1 if any was."""
    from papertalk.cli.progress import byte_progress
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.library.summary_export import ImportProblem, import_markdown, person_named
    from papertalk.services.library.summary_rights import SummaryNotFound
    from papertalk.services.people.form_problems import FormProblem

    app = app_context(ctx)
    try:
        engine = open_database(app.settings)
        person = person_named(engine, user)
    except (FormProblem, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    saved, refused = [], []
    with byte_progress(app.errors, not as_json) as bar:
        task = bar.add_task("importing", total=sum(f.stat().st_size for f in files if f.is_file()))
        for path in files:
            try:
                text = path.read_bytes().decode("utf-8")
                saved.append(import_markdown(engine, app.settings, person, text, app.now()).id)
            except UnicodeDecodeError as exc:
                refused.append(f"{path}: not UTF-8 (byte {exc.start})")
            except OSError as exc:
                refused.append(f"{path}: cannot read: {exc.strerror}")
            except (ImportProblem, FormProblem, SummaryNotFound) as exc:
                refused.append(f"{path}: {exc}")
            bar.advance(task, path.stat().st_size if path.is_file() else 0)
    refused = [line.replace("\n", "\\n") for line in refused]  # a file name may hold a newline: one line each
    if as_json:
        print_json({"imported": saved, "refused": refused})
    else:
        app.console.print(f"imported {len(saved)}, refused {len(refused)}", highlight=False)
    if refused:
        raise fail(app, "\n".join(refused), 1)  # each line escaped: a name like "[draft].md" is not markup


@app.command("rerender")
def rerender(ctx: typer.Context) -> None:
    """Re-render and store every summary and note an older text renderer made (pages never render)."""
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.library.summaries import rerender_stale

    app = app_context(ctx)
    try:
        done = rerender_stale(open_database(app.settings))
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None
    app.console.print(f"re-rendered {done}", highlight=False)
