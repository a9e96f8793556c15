"""``papertalk posts``: the newest captured posts that cite a paper, filtered by paper, account, network
or platform, as a Rich table or JSON (the web's posts page, for the terminal and scripts)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Column, Table

from papertalk.cli.context import app_context, fail, print_csv, print_json

if TYPE_CHECKING:
    from papertalk.services.pages.posts_page import PostWithPapers


def posts(
    ctx: typer.Context,
    paper: str | None = typer.Option(None, "--paper", help="Only posts citing this paper (arXiv id or URL)."),
    account: str | None = typer.Option(None, "--account", help="Only posts by this account (PLATFORM:HANDLE)."),
    network: str | None = typer.Option(None, "--network", help="Only posts by the accounts of this network."),
    platform: str | None = typer.Option(None, "--platform", help="Only posts on this platform, e.g. bluesky."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=1000, help="How many posts."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV (the --json fields)."),
) -> None:
    """List the newest captured posts that cite a paper, newest first, with the papers each cites.

    Filters combine. Examples: papertalk posts --paper 2411.00001 · papertalk posts --network lab -n 50
    """
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.pages.posts_page import PostFilterError, PostQuery, recent_posts

    app = app_context(ctx)
    query = PostQuery(paper, account, network, platform.lower() if platform else None, limit)
    try:
        found = recent_posts(open_database(app.settings), app.now(), query)
    except (PostFilterError, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        print_json([post_json(item) for item in found])
        return
    if as_csv:
        columns = ("created_at", "platform", "kind", "author", "display_name", "url", "text", "arxiv_ids")
        print_csv(columns, [post_json(item) for item in found])
        return
    if not found:
        app.console.print("no captured post matches (see `papertalk sources` and `papertalk import`)")
        return
    table = Table(
        "when (UTC)", "platform", Column("author", overflow="fold"), "kind", "papers", Column("text", overflow="fold")
    )
    for item in found:
        p = item.post
        table.add_row(
            _when(p.created_at), p.platform, escape(p.author), p.kind, " ".join(item.arxiv_ids), escape(p.text)
        )
    app.console.print(table)


def post_json(item: PostWithPapers) -> dict[str, object]:
    p = item.post
    return {
        "platform": p.platform,
        "kind": p.kind,
        "author": p.author,
        "display_name": p.display_name,
        "created_at": datetime.fromtimestamp(p.created_at, UTC).isoformat().replace("+00:00", "Z"),
        "url": p.url,
        "text": p.text,
        "arxiv_ids": list(item.arxiv_ids),
    }


def _when(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M")
