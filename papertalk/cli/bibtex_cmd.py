"""``papertalk bibtex ID…``: BibTeX entries of several papers at once, in the order given."""

from __future__ import annotations

import sys

import typer

from papertalk.cli.context import app_context, fail


def bibtex(
    ctx: typer.Context,
    ids: list[str] = typer.Argument(..., help="arXiv ids or URLs (at most 200)."),
) -> None:
    """Print a BibTeX entry for each paper (from the stored metadata); ids papertalk does not hold are named
    on stderr, and the exit status is then 1. Example: papertalk bibtex 2611.13279 hep-th/9901001 > refs.bib
    """
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.pages.page_request import PageRequestError
    from papertalk.services.portability.paper_bibtex import bibtex_of_ids

    app = app_context(ctx)
    try:
        made = bibtex_of_ids(open_database(app.settings), ids)
    except (StaleSchemaError, PageRequestError) as exc:
        raise fail(app, str(exc)) from None
    sys.stdout.write(made.text)
    if made.unknown:
        raise fail(app, "\n".join(f"{i}: not in papertalk (import or enrich it first)" for i in made.unknown), code=1)
