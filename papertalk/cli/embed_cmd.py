"""``papertalk embed``: semantic vectors for the discussed papers (``--all``: every titled paper) with the
model ``PAPERTALK_EMBEDDER`` names, stored in the database for similar papers and For you."""

from __future__ import annotations

import typer

from papertalk.cli.context import app_context, fail, print_json


def embed(
    ctx: typer.Context,
    everything: bool = typer.Option(False, "--all", help="Every titled paper, not only the discussed ones."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary for scripts."),
) -> None:
    """Compute the papers' semantic vectors (resumable: an unchanged paper is never embedded again).

    Needs PAPERTALK_EMBEDDER=wordllama and the extra: pip install 'papertalk[embed]'. Batches of 1,000
    papers are committed as they go; run it again after an interruption, or after new papers arrived, and
    it does only what is missing or changed. Example: PAPERTALK_EMBEDDER=wordllama papertalk embed --all
    """
    from papertalk.cli.progress import row_progress
    from papertalk.embedders.choice import embedder_from
    from papertalk.embedders.embedder import EmbedderUnavailable
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        embedder = embedder_from(app.settings.embedder)
    except EmbedderUnavailable as exc:
        raise fail(app, f"embed: {exc}") from None
    if embedder is None:
        raise fail(app, "embed: no model chosen: set PAPERTALK_EMBEDDER=wordllama (see docs/settings.md)")
    from papertalk.services.discover.embedding import embed_papers

    try:
        engine = open_database(app.settings)
        with row_progress(app.errors, enabled=not as_json and app.errors.is_terminal) as progress:
            task = progress.add_task("embedding papers", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=max(total, 1))

            report = embed_papers(engine, embedder, app.now(), everything, advance)
    except StaleSchemaError as exc:
        raise fail(app, f"embed: {exc}") from None
    summary = {
        "model": report.model,
        "scope": "all" if everything else "discussed",
        "considered": report.considered,
        "embedded": report.embedded,
        "unchanged": report.unchanged,
    }
    if as_json:
        print_json(summary)
        return
    app.console.print(
        f"{report.embedded:,} papers embedded, {report.unchanged:,} unchanged of {report.considered:,} "
        f"({summary['scope']}, {report.model})"
    )
