"""``papertalk similar ID``: the papers most like one paper of the catalogue, each with why, as a Rich
table or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from papertalk.cli.context import app_context, fail, print_json

if TYPE_CHECKING:
    from papertalk.services.discover.similar import SimilarPaper


def similar(
    ctx: typer.Context,
    paper: str = typer.Argument(..., help="An arXiv id (1607.06450, hep-th/9901001) or an arXiv URL."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, max=50, help="How many papers."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Papers like this one, from the catalogue's titles, abstracts, authors and categories.

    Each comes with its reason: the distinctive terms, authors and categories the two share. The first
    run on a catalogue takes its term statistics from a sample of it (seconds, once). Example:
    papertalk similar 1607.06450 --json
    """
    from papertalk.core.arxiv_ids import parse_arxiv_id
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.discover.similar import UnknownPaper, similar_papers

    app = app_context(ctx)
    ref = parse_arxiv_id(paper)
    if ref is None:
        raise fail(app, f"similar {paper[:80]!r}: not an arXiv id or arXiv URL")
    try:
        found = similar_papers(open_database(app.settings), ref.arxiv_id, limit, app.settings.embedder)
    except (UnknownPaper, StaleSchemaError) as exc:
        raise fail(app, f"similar {ref.arxiv_id}: {exc}") from None
    if as_json:
        print_json({"arxiv_id": ref.arxiv_id, "similar": [similar_json(s) for s in found]})
        return
    if not found:
        app.console.print(f"arXiv:{ref.arxiv_id} has no title yet (run papertalk enrich), or nothing is like it.")
        return
    table = Table(title=f"Papers like arXiv:{ref.arxiv_id}")
    for column in ("score", "arXiv id", "title", "why"):
        table.add_column(column)
    for s in found:
        table.add_row(f"{s.score:.3f}", s.paper.arxiv_id, s.paper.title or "", s.reason)
    app.console.print(table)


def similar_json(s: SimilarPaper) -> dict[str, Any]:
    return {
        "arxiv_id": s.paper.arxiv_id,
        "title": s.paper.title,
        "score": round(s.score, 6),
        "reason": s.reason,
        "shared_terms": list(s.terms),
        "shared_authors": list(s.authors),
        "shared_categories": list(s.categories),
        "meaning": None if s.meaning is None else round(s.meaning, 6),
        "categories": list(s.paper.categories),
        "abs_url": f"https://arxiv.org/abs/{s.paper.arxiv_id}",
    }
