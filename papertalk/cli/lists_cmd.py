"""``papertalk lists``: reading lists from the server's command line: add a paper or link to a list, show a
list, export it (Markdown, BibTeX, CSV, JSON), import a page of notes (previewed; saved with --save)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from papertalk.cli.context import AppContext, app_context, fail, print_json
from papertalk.core.row_id_range import MAX_ROW_ID

if TYPE_CHECKING:
    from papertalk.core.list_records import ListView
    from papertalk.storage.engine import Engine

app = typer.Typer(
    help="Reading lists: add papers and links, show, export and import lists (the web's /lists).",
    no_args_is_help=True,
)
JSON_HELP = "Print JSON for scripts."
USER_HELP = "The person who does it (their user name): lists belong to people."


def _engine(app: AppContext) -> Engine:
    from papertalk.services.database import StaleSchemaError, open_database

    try:
        return open_database(app.settings)
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None


def _view(app: AppContext, engine: Engine, list_id: int) -> ListView:
    from papertalk.services.library.list_access import ListNotFound
    from papertalk.services.library.list_reading import list_view
    from papertalk.services.people.permissions import OPERATOR

    try:
        return list_view(engine, OPERATOR, list_id)  # the operator reads the database anyway
    except ListNotFound as exc:
        raise fail(app, str(exc)) from None


@app.command("add")
def add(
    ctx: typer.Context,
    list_id: int = typer.Argument(
        ..., metavar="LIST", min=1, max=MAX_ROW_ID, help="The list's number (as in /lists/NUMBER)."
    ),
    what: str = typer.Argument(..., help="An arXiv id (1607.06450), an arXiv URL, or any http(s) link."),
    user: str = typer.Option(..., "--user", help=USER_HELP),
    section: str | None = typer.Option(
        None, "--section", help="A section path, e.g. 'Tuesday/Main talks' (made if new)."
    ),
    verdict: str = typer.Option("", "--verdict", help="A one-line verdict (Markdown, $math$)."),
    title: str = typer.Option("", "--title", help="The title (needed for a link; a paper's comes from the catalogue)."),
    note: str = typer.Option("", "--note", help="A longer note (Markdown with math)."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Add a paper or a link to a list, as USER (who must own or edit it).

    Example: papertalk lists add 3 1607.06450 --user ada --section "Tuesday/Main talks" --verdict "Simple, works"
    """
    from papertalk.services.library.list_access import ListNotFound
    from papertalk.services.library.list_adding import add_item
    from papertalk.services.networks.my_network import person_named
    from papertalk.services.people.form_problems import FormProblem
    from papertalk.services.people.permissions import NotAllowed
    from papertalk.services.people.user_accounts import UnknownUser

    app = app_context(ctx)
    engine = _engine(app)
    try:
        saved = add_item(
            engine,
            app.settings,
            person_named(engine, user),
            list_id,
            what,
            now=app.now(),
            title=title,
            section=section,
            verdict=verdict,
            note=note,
        )
    except (FormProblem, ListNotFound, NotAllowed, UnknownUser) as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        print_json({"list": list_id, "version": saved.version})
    else:
        app.console.print(f"list {list_id}: added {what} (version {saved.version})", highlight=False)


@app.command("show")
def show(
    ctx: typer.Context,
    list_id: int = typer.Argument(..., metavar="LIST", min=1, max=MAX_ROW_ID, help="The list's number."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Print a list: its sections and items with their verdicts."""
    from papertalk.core.list_markdown import list_markdown
    from papertalk.services.library.list_export import view_json

    app = app_context(ctx)
    view = _view(app, _engine(app), list_id)
    if as_json:
        print_json(view_json(view))
    else:
        app.console.print(list_markdown(view), highlight=False, markup=False)


@app.command("export")
def export(
    ctx: typer.Context,
    list_id: int = typer.Argument(..., metavar="LIST", min=1, max=MAX_ROW_ID, help="The list's number."),
    kind: str = typer.Option("md", "--format", help="md (imports back), bib, csv or json."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Export a list as Markdown (the conference write-up layout), BibTeX, CSV or JSON."""
    from papertalk.services.library.list_export import KINDS, exported

    app = app_context(ctx)
    if kind not in KINDS:
        raise fail(app, f"--format: one of {', '.join(KINDS)}")
    engine = _engine(app)
    made = exported(engine, _view(app, engine, list_id), kind)
    assert made is not None
    if output is None:
        typer.echo(made[0], nl=False)
        return
    try:
        output.write_text(made[0], encoding="utf-8")
    except OSError as exc:
        raise fail(app, f"{output}: {exc.strerror}") from None
    app.console.print(f"list {list_id}: written to {output}", highlight=False)


@app.command("import")
def import_page(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="A page of notes: Markdown, HTML or plain text."),
    user: str = typer.Option(..., "--user", help=USER_HELP),
    save: bool = typer.Option(False, "--save", help="Save it (without: only show the preview)."),
    choose: list[str] = typer.Option([], "--choose", help="LINE=ARXIV_ID: the paper an unlinked title names."),
    visibility: str = typer.Option("private", "--visibility", help="private, unlisted or public."),
    page_format: str = typer.Option(
        "auto", "--format", help="auto (from the file's extension or text), markdown, text, html, bibtex, csl-json."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Import a page of notes as a new list. First run shows the preview: sections, items, what was not
    understood, and for each unlinked title the catalogue's candidates; run again with --save (and
    --choose LINE=ID for the titles you confirm) to save it, in one transaction."""
    from papertalk.services.library.list_import import format_of, preview, save_import
    from papertalk.services.networks.my_network import person_named
    from papertalk.services.people.form_problems import FormProblem
    from papertalk.services.people.permissions import NotAllowed
    from papertalk.services.people.user_accounts import UnknownUser

    app = app_context(ctx)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise fail(app, f"{path}: {exc.strerror}") from None
    choices: dict[int, str] = {}
    for given in choose:
        line, sep, arxiv_id = given.partition("=")
        if not sep or not line.isdigit():
            raise fail(app, f"--choose {given!r}: write LINE=ARXIV_ID, e.g. 12=1607.06450")
        choices[int(line)] = arxiv_id.strip()
    engine = _engine(app)
    try:
        owner = person_named(engine, user)
        kind = format_of(page_format, path.name)
        if save:
            list_id, problems = save_import(
                engine, app.settings, owner, text, choices, visibility, app.now(), kind=kind
            )
            report: dict[str, object] = {"list": list_id, "problems": problems}
        else:
            found = preview(engine, text, kind)
            plan = found.plan
            report = {
                "title": plan.title,
                "sections": len(plan.sections),
                "items": len(plan.all_items()),
                "problems": plan.problems,
                "unlinked": [
                    {
                        "line": i.line,
                        "title": i.title,
                        "candidates": [[c.arxiv_id, c.title] for c in found.candidates.get(i.line, [])],
                    }
                    for i in plan.all_items()
                    if i.unlinked
                ],
            }
    except (FormProblem, NotAllowed, UnknownUser) as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        print_json(report)
        return
    for key, value in report.items():
        if isinstance(value, list):
            for entry in value:
                app.console.print(f"{path}: {key}: {entry}", highlight=False, markup=False)
        else:
            app.console.print(f"{key}: {value}", highlight=False, markup=False)
    if not save:
        app.console.print("preview only: run again with --save to save it", highlight=False)
