"""``papertalk trending``: the ranked list as a Rich table or JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from papertalk.cli.context import app_context, fail, print_csv, print_json

if TYPE_CHECKING:
    from papertalk.services.ranking.trending import TrendingResult


def trending(
    ctx: typer.Context,
    window: str = typer.Option("week", "--window", "-w", help="today, week, month or all."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=1000, help="How many papers."),
    page: int = typer.Option(1, "--page", min=1, help="Page of --limit papers."),
    network: str | None = typer.Option(
        None, "--network", help="Count only this network's accounts (default: everyone)."
    ),
    category: str | None = typer.Option(
        None, "--category", "-c", help="Only papers of this primary arXiv category, e.g. cs.LG (as the web's filter)."
    ),
    new_only: bool = typer.Option(
        False, "--new", help="Only papers first submitted within the window (the web's 'new papers only')."
    ),
    explain: bool = typer.Option(False, "--explain", help="Show who counted, when, and with which weight."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV (the --json fields, without the breakdown)."),
) -> None:
    """Show the papers people are talking about, best first.

    Score = sum over accounts of weight x 2^(-age/half-life), one vote per account per paper
    (see docs/ranking.md). Examples: papertalk trending --window today --limit 10 ·
    papertalk trending --category cs.LG --new
    """
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.ranking.trending import TrendingQuery, UnknownNetwork
    from papertalk.services.ranking.trending import trending as rank_trending

    app = app_context(ctx)
    try:
        app.settings.ranking.window(window)
        engine = open_database(app.settings)
        result = rank_trending(
            engine,
            app.settings,
            app.now(),
            TrendingQuery(
                window=window,
                network=network,
                limit=limit,
                offset=(page - 1) * limit,
                explain=explain,
                new_only=new_only,
                category=category,
            ),
        )
    except (StaleSchemaError, UnknownNetwork, ValueError) as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        print_json(result_json(result))
    elif as_csv:
        print_csv(CSV_COLUMNS, result_json(result)["papers"])
    else:
        print_table(app.console, result, explain)


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


CSV_COLUMNS = ("rank", "arxiv_id", "score", "posts", "people", "title", "authors", "categories", "abs_url")


def result_json(result: TrendingResult) -> dict[str, Any]:
    return {
        "window": result.window.name,
        "audience": result.audience,
        "new_only": result.new_only,
        "category": result.category,
        "now": _iso(result.now),
        "demo": result.demo,
        "papers": [
            {
                "rank": item.rank,
                "arxiv_id": item.arxiv_id,
                "score": round(item.score, 6),
                "posts": item.posts,
                "people": item.people,
                "title": item.paper.title if item.paper else None,
                "authors": list(item.paper.authors) if item.paper else [],
                "categories": list(item.paper.categories) if item.paper else [],
                "abs_url": f"https://arxiv.org/abs/{item.arxiv_id}",
                "breakdown": [
                    {
                        "account": c.account,
                        "first_at": _iso(c.first_at),
                        "weight": c.weight,
                        "decay": round(c.decay, 6),
                        "contribution": round(c.contribution, 6),
                    }
                    for c in item.breakdown
                ],
            }
            for item in result.items
        ],
    }


def print_table(console: Console, result: TrendingResult, explain: bool) -> None:
    title = f"Trending on arXiv · {result.window.name} · {result.audience}"
    if result.new_only:
        title += " · new papers only"
    if result.category:
        title += f" · {result.category}"
    if result.demo:
        title = f"[yellow]DEMO DATA[/] · {title}"
    table = Table(title=title, title_justify="left", expand=False)
    table.add_column("#", justify="right")
    table.add_column("score", justify="right")
    table.add_column("posts", justify="right")
    table.add_column("people", justify="right")
    table.add_column("arXiv id", no_wrap=True)
    table.add_column("title", overflow="fold")
    for item in result.items:
        title_text = item.paper.title if item.paper and item.paper.title else "[dim](metadata not fetched yet)[/]"
        table.add_row(str(item.rank), f"{item.score:.2f}", str(item.posts), str(item.people), item.arxiv_id, title_text)
    if not result.items:
        console.print(f"No paper has been mentioned in this window ({result.window.name}).")
        return
    console.print(table)
    if explain:
        for item in result.items:
            why = Table(
                title=f"{item.rank}. {item.arxiv_id}: score {item.score:.3f} from {item.people} people",
                title_justify="left",
                show_edge=False,
            )
            why.add_column("account", overflow="fold")
            why.add_column("first mention", no_wrap=True)
            why.add_column("weight", justify="right")
            why.add_column("decay", justify="right")
            why.add_column("adds", justify="right")
            for c in item.breakdown:
                why.add_row(c.account, _local(c.first_at), f"{c.weight:g}", f"{c.decay:.3f}", f"{c.contribution:.3f}")
            console.print(why)


def _local(ts: int) -> str:
    """A time in the reader's own timezone, as people read it in a terminal."""
    return datetime.fromtimestamp(ts, UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z")
