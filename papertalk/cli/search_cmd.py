"""``papertalk search QUERY``: matching papers as a Rich table or JSON; an id or arXiv URL shows that paper."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import orjson
import typer
from rich.console import Console
from rich.table import Table

from papertalk.cli.context import app_context, fail, print_csv

if TYPE_CHECKING:
    from papertalk.services.search.paper_search import SearchHit, SearchResults


def search(
    ctx: typer.Context,
    query: list[str] = typer.Argument(..., help='Words, "phrases", title:, author:, cat:cs.LG, year:2016 ...'),
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=500, help="How many papers."),
    page: int = typer.Option(1, "--page", min=1, help="Page of --limit papers."),
    order: str = typer.Option("relevance", "--order", help="relevance or trending."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV (the --json fields of each paper)."),
    as_bibtex: bool = typer.Option(False, "--bibtex", help="Print a BibTeX entry for each paper found."),
) -> None:
    """Search the papers in the catalogue.

    Every word must match (title, authors or abstract); "exact phrase"; -word excludes; title:word,
    author:"full name", cat:cs.LG or cat:cs, year:2016, year:2016..2018, date:2024-03-01..2024-03-31.
    An arXiv id or URL shows that paper. Example: papertalk search 'author:hinton "deep belief" year:..2010'
    """
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.search.paper_search import SearchQueryError, search_papers

    app = app_context(ctx)
    if order not in ("relevance", "trending"):
        raise fail(app, f"--order {order}: expected relevance or trending")
    ordering: Literal["relevance", "trending"] = "trending" if order == "trending" else "relevance"
    text = " ".join(query)
    try:
        engine = open_database(app.settings)
        result = search_papers(engine, text, limit=limit, offset=(page - 1) * limit, order=ordering)
    except SearchQueryError as exc:
        shown = text if len(text) <= 80 else text[:77] + "..."  # the message says what is wrong with it
        raise fail(app, f"search {shown!r}: {exc}") from None
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        sys.stdout.write(orjson.dumps(result_json(result), option=orjson.OPT_INDENT_2).decode() + "\n")
    elif as_csv:
        columns = ("arxiv_id", "score", "posts", "title", "authors", "categories", "published", "abs_url")
        print_csv(columns, [hit_json(h) for h in result.hits])
    elif as_bibtex:
        from papertalk.services.portability.paper_bibtex import bibtex_file

        sys.stdout.write(bibtex_file([h.paper for h in result.hits]))
    elif result.jump_to is not None and result.hits:
        print_paper(app.console, result.hits[0])
    else:
        print_table(app.console, result)


def _day(ts: int | None) -> str:
    return datetime.fromtimestamp(ts, UTC).date().isoformat() if ts is not None else ""


def hit_json(hit: SearchHit) -> dict[str, Any]:
    p = hit.paper
    return {
        "arxiv_id": p.arxiv_id,
        "score": round(hit.score, 6),
        "posts": hit.posts,
        "title": p.title,
        "authors": list(p.authors),
        "categories": list(p.categories),
        "published": _day(p.published_at) or None,
        "abs_url": f"https://arxiv.org/abs/{p.arxiv_id}",
    }


def result_json(result: SearchResults) -> dict[str, Any]:
    return {
        "query": result.query,
        "jump_to": result.jump_to,
        "total": result.total,
        "papers": [hit_json(h) for h in result.hits],
    }


def print_paper(console: Console, hit: SearchHit) -> None:
    p = hit.paper
    console.print(f"[bold]{p.title or p.arxiv_id}[/]", highlight=False)
    console.print(", ".join(p.authors), highlight=False)
    console.print(
        f"arXiv:{p.arxiv_id} · {' '.join(p.categories)} · {_day(p.published_at)} · captured posts: {hit.posts}",
        highlight=False,
    )
    console.print(f"https://arxiv.org/abs/{p.arxiv_id}", highlight=False)
    if p.abstract:
        console.print(p.abstract.strip(), highlight=False)


def print_table(console: Console, result: SearchResults) -> None:
    if not result.hits:
        console.print(f"No papers match {result.query!r}.", highlight=False)
        return
    count = "many" if result.total is None else str(result.total)
    table = Table(title=f"Papers matching {result.query!r} ({count})", title_justify="left")
    table.add_column("arXiv id", no_wrap=True)
    table.add_column("Title")
    table.add_column("Authors")
    table.add_column("Published", no_wrap=True)
    table.add_column("Posts", justify="right")
    table.add_column("Score", justify="right")
    for hit in result.hits:
        p = hit.paper
        authors = ", ".join(p.authors[:3]) + (" et al." if len(p.authors) > 3 else "")
        table.add_row(p.arxiv_id, p.title or "", authors, _day(p.published_at), str(hit.posts), f"{hit.score:.2f}")
    console.print(table)
