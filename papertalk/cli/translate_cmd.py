"""``papertalk translate``: translate one day's digest papers into a language by hand, as the worker does."""

from __future__ import annotations

import typer

from papertalk.cli.context import app_context, fail, print_json


def translate(
    ctx: typer.Context,
    lang: str = typer.Option(..., "--lang", "-l", help="The language to translate into, e.g. zh, de, pt-BR."),
    date: str | None = typer.Option(
        None, "--date", "-d", help="The day (YYYY-MM-DD) whose digests' papers to translate; default yesterday (UTC)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON for scripts."),
) -> None:
    """Translate the titles and abstracts of a day's digest papers (everyone's, each public network's and
    the own digests of the people reading LANG) with the translator set (PAPERTALK_TRANSLATOR). Papers
    translated before from the same text are skipped; failures are asked again later.
    Example: papertalk translate --lang zh --date 2026-12-06"""
    from datetime import date as Date
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from papertalk.core.person_settings import language_problem
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.digests.digest_dates import today_in
    from papertalk.services.digests.translating import SOURCE_LANGUAGE, digest_papers, translate_papers
    from papertalk.translators.choice import translator_from

    app = app_context(ctx)
    problem = language_problem(lang)
    if problem or lang.lower() == SOURCE_LANGUAGE:
        raise fail(app, f"--lang {lang!r}: {problem or 'the papers are in English already'}")
    try:
        day = Date.fromisoformat(date) if date else today_in(ZoneInfo("UTC"), app.now()) - timedelta(days=1)
    except ValueError:
        raise fail(app, f"--date {date!r}: expected a day such as 2026-12-06") from None
    translator = translator_from(app.settings.translator, app.settings.networks)
    if translator is None:
        raise fail(app, "no translator is set: set PAPERTALK_TRANSLATOR to libretranslate or openai (docs/digests.md)")
    try:
        engine = open_database(app.settings)
        papers = digest_papers(engine, app.settings.ranking, app.now(), day, lang)
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None
    columns = (TextColumn(f"[bold]translating into {lang}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=app.errors, disable=as_json, transient=False) as progress:
        task = progress.add_task("papers", total=len(papers))

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = translate_papers(engine, translator, lang, papers, app.now(), advance)
    for error in summary.errors:
        app.errors.print(f"[yellow]warning:[/] {error}", highlight=False, markup=True, soft_wrap=True)
    if as_json:
        counts = ("papers", "translated", "already", "waiting", "failed", "rejected", "stopped_early")
        print_json({"language": lang, "day": day.isoformat(), **{k: getattr(summary, k) for k in counts}})
    else:
        app.console.print(
            f"{day.isoformat()} · {lang}: {summary.papers} papers, {summary.translated} translated, "
            f"{summary.already} already, {summary.waiting} waiting, {summary.failed} failed "
            f"({summary.rejected} rejected for a lost formula or id)"
            + (" · stopped early: the translator kept failing" if summary.stopped_early else ""),
            highlight=False,
        )
    if summary.failed and not summary.translated and not summary.already:
        raise typer.Exit(1)
