"""``papertalk follow``, ``follows import``, ``sources``, ``fetch`` and ``worker``: capture from the networks.

The capture services (fetchers for every platform, HTTP, feeds) are imported in the commands that use
them, so that the other commands start without them; see ``cli/main.py``.
"""

from __future__ import annotations

import logging
import re
import signal
import sys
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from papertalk.cli.context import AppContext, app_context, fail, print_json
from papertalk.core.records import DEFAULT_NETWORK

if TYPE_CHECKING:
    from papertalk.services.capture.source_runs import RunOutcome
    from papertalk.storage.capture.source_rows import SourceRow

sources_app = typer.Typer(
    help="Capture sources: list them (no sub-command), add, disable, enable or remove them.",
    invoke_without_command=True,
)
JSON_HELP = "Print JSON for scripts."
follows_app = typer.Typer(help="Import follow graphs.", no_args_is_help=True)

_EVERY = re.compile(r"^(\d+)\s*([smhd]?)$")
_UNITS = {"": 60, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> int:
    """Seconds in ``15m``, ``2h``, ``1d``, ``90s`` (a bare number is minutes)."""
    match = _EVERY.match(text.strip().lower())
    if not match:
        raise ValueError(f"--every {text!r}: write an interval like 15m, 2h or 1d")
    return int(match.group(1)) * _UNITS[match.group(2)]


def follow_cmd(
    ctx: typer.Context,
    account: str = typer.Argument(..., help="PLATFORM:HANDLE, e.g. bluesky:alice.bsky.social"),
    network: str = typer.Option(DEFAULT_NETWORK, "--network", help="Network to add the account to."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    user: str | None = typer.Option(None, "--user", help="Add it to this person's own network instead."),
) -> None:
    """Follow an account: store it, add it to a network, and capture its posts from now on."""
    if user is not None:
        from papertalk.cli.person_network_cmd import follow_for

        follow_for(app_context(ctx), user, account)
        return
    from papertalk.fetching.pages import FetchError
    from papertalk.services.capture.accounts import AccountError
    from papertalk.services.capture.fetchers import build_registry
    from papertalk.services.capture.following import follow
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        engine = open_database(app.settings)
        author, done = follow(engine, build_registry(app.settings), account, app.now(), network)
    except (AccountError, FetchError, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        followed = {"platform": author.platform, "platform_id": author.platform_id, "handle": author.handle}
        print_json({"account": followed, **vars(done)})
        return
    app.console.print(
        f"following {author.platform}:{author.handle or author.platform_id} ({author.platform_id}); "
        f"network {done.network}: {done.network_size} accounts; "
        f"run `papertalk fetch` to capture its posts"
    )


def unfollow_cmd(
    ctx: typer.Context,
    account: str = typer.Argument(..., help="PLATFORM:HANDLE (or PLATFORM:ID) of a followed account"),
    network: str = typer.Option(DEFAULT_NETWORK, "--network", help="Network to take the account out of."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    user: str | None = typer.Option(None, "--user", help="Take it out of this person's own network instead."),
) -> None:
    """Stop following an account: take it out of the network and, when no other network follows it, delete
    the source capturing its posts (the posts captured so far stay and keep counting)."""
    if user is not None:
        from papertalk.cli.person_network_cmd import unfollow_for

        unfollow_for(app_context(ctx), user, account)
        return
    from papertalk.services.capture.accounts import AccountError
    from papertalk.services.capture.following import unfollow
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        done = unfollow(open_database(app.settings), account, network)
    except (AccountError, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        print_json({"account": account, **vars(done)})
        return
    removed = f"; source {done.source_removed} removed" if done.source_removed else ""
    app.console.print(f"unfollowed {account}; network {done.network}: {done.network_size} accounts{removed}")


@follows_app.command("import")
def follows_import(
    ctx: typer.Context,
    account: str = typer.Argument(..., help="PLATFORM:HANDLE whose follows to import"),
    network: str = typer.Option(DEFAULT_NETWORK, "--network", help="Network to add the accounts to."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    user: str | None = typer.Option(None, "--user", help="Add them to this person's own network instead."),
) -> None:
    """Follow everyone an account follows (paged, with progress)."""
    if user is not None:
        from papertalk.cli.person_network_cmd import import_for

        import_for(app_context(ctx), user, account)
        return
    from papertalk.fetching.pages import FetchError
    from papertalk.services.capture.accounts import AccountError
    from papertalk.services.capture.fetchers import build_registry
    from papertalk.services.capture.following import import_follows
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        engine = open_database(app.settings)
        with _progress(app) as progress:
            task = progress.add_task(f"follows of {account}", total=None)
            done = import_follows(
                engine,
                build_registry(app.settings),
                account,
                app.now(),
                network,
                on_account=lambda n: progress.advance(task, n),
            )
    except (AccountError, FetchError, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        print_json({"account": account, **vars(done)})
        return
    app.console.print(
        f"{done.accounts} accounts followed ({done.sources_new} new sources); "
        f"network {done.network}: {done.network_size} accounts"
    )


@sources_app.callback()
def sources_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List every source: state, last and next run, cursor, posts captured, last error. Names are shown
    whole however narrow the terminal (they are what disable, enable, remove and fetch take)."""
    if ctx.invoked_subcommand is not None:
        return
    from papertalk.services.capture import sources as source_service
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        rows = source_service.list_sources(open_database(app.settings))
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        print_json([_row_json(r) for r in rows])
        return
    if not rows:
        app.console.print(
            "no sources yet: papertalk follow bluesky:HANDLE, or papertalk sources add bluesky:search arxiv.org"
        )
        return
    # The name folds onto more lines rather than being cut: it is what the other commands take.
    table = Table(Column("name", overflow="fold"), "state", "last run", "next run", "cursor", "posts", "last error")
    for r in rows:
        table.add_row(
            r.name,
            _state(r),
            _when(r.last_run_at),
            _when(r.next_run_at),
            _short(r.cursor),
            str(r.posts_captured),
            r.last_error or "",
        )
    app.console.print(table)


@sources_app.command("add")
def sources_add(
    ctx: typer.Context,
    kind: str = typer.Argument(..., help="PLATFORM:KIND, e.g. bluesky:search or bluesky:feed"),
    target: str = typer.Argument(..., help="What to read: a query (arxiv.org), an account id, a feed URL"),
    every: str = typer.Option("15m", "--every", help="Interval between runs, e.g. 15m, 2h, 1d."),
) -> None:
    """Add a source, e.g. `papertalk sources add bluesky:search arxiv.org --every 15m`."""
    from papertalk.fetching.pages import FetchError
    from papertalk.services.capture import sources as source_service
    from papertalk.services.capture.fetchers import build_registry
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    platform, sep, listing = kind.partition(":")
    try:
        if not sep or not platform or not listing:
            raise ValueError(f"{kind!r}: write the source kind as PLATFORM:KIND, e.g. bluesky:search")
        interval = parse_every(every)
        registry = build_registry(app.settings)
        registry.fetcher(platform.lower(), listing)  # unknown platform or kind: say which are known
        row, created = source_service.add(
            open_database(app.settings), platform.lower(), listing, target, app.now(), interval_seconds=interval
        )
    except (ValueError, FetchError, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    app.console.print(f"{'added' if created else 'updated'} {row.name} (every {row.interval_seconds // 60} min)")


def _change_sources(ctx: typer.Context, names: list[str], action: str) -> None:
    from papertalk.services.capture import sources as source_service
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        engine = open_database(app.settings)
        if action == "removed":
            source_service.remove(engine, names)
        else:
            source_service.set_enabled_by_name(engine, names, enabled=action == "enabled")
    except (source_service.UnknownSource, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    for name in names:
        app.console.print(f"{action} {name}", highlight=False, soft_wrap=True)


SOURCE_NAMES = typer.Argument(..., help="Source names as `papertalk sources` lists them, e.g. rss:feed:https://…")


@sources_app.command("disable")
def sources_disable(ctx: typer.Context, names: list[str] = SOURCE_NAMES) -> None:
    """Stop running sources (kept, with their cursors; `papertalk sources enable` resumes them)."""
    _change_sources(ctx, names, "disabled")


@sources_app.command("enable")
def sources_enable(ctx: typer.Context, names: list[str] = SOURCE_NAMES) -> None:
    """Run disabled sources again, from where they stopped."""
    _change_sources(ctx, names, "enabled")


@sources_app.command("remove")
def sources_remove(ctx: typer.Context, names: list[str] = SOURCE_NAMES) -> None:
    """Delete sources and their cursors (the posts they captured stay and keep counting)."""
    _change_sources(ctx, names, "removed")


def fetch_cmd(
    ctx: typer.Context,
    names: list[str] | None = typer.Argument(None, help="Source names to run now (default: every due source)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Run every due source once (cron-friendly), or the named ones now."""
    from papertalk.fetching.pages import FetchError
    from papertalk.services.capture.fetchers import build_registry
    from papertalk.services.capture.short_links import link_expander, resolver_for
    from papertalk.services.capture.source_runs import run_due
    from papertalk.services.database import StaleSchemaError, open_database

    app = app_context(ctx)
    try:
        engine = open_database(app.settings)
        summary = run_due(
            engine,
            build_registry(app.settings),
            app.now(),
            app.settings.ranking,
            names=names or None,
            on_reject=lambda line: app.errors.print(f"[yellow]rejected:[/] {line}", highlight=False, soft_wrap=True),
            on_done=None if as_json else lambda o: _print_outcome(app, o),
            expand=link_expander(engine, resolver_for(app.settings.networks), app.now),
            claim_batch=app.settings.worker_claim_batch,
        )
    except (FetchError, StaleSchemaError) as exc:
        raise fail(app, str(exc)) from None
    if as_json:
        print_json({"runs": [vars(r) for r in summary.runs], "posts_new": summary.posts_new})
    elif not summary.runs:
        app.console.print("nothing is due (see `papertalk sources`)")
    if summary.failed:
        raise typer.Exit(1)


def worker_cmd(
    ctx: typer.Context,
    tick: float = typer.Option(5.0, "--tick", min=0.1, help="Seconds between looks at the schedule."),
    live: bool = typer.Option(
        True,
        "--live/--no-live",
        help="Also run the live listeners (Jetstream). Each listener runs in one worker only, whichever takes "
        "its lease first; the others skip it and take over if that worker stops. Scheduled sources are shared "
        "out among all the workers.",
    ),
    enrich: bool = typer.Option(
        True,
        "--enrich/--no-enrich",
        help="Also fetch metadata of new papers from the arXiv API every 10 minutes (in one worker only, "
        "whichever takes its lease first; arXiv's pace of one request every 3 s holds across processes).",
    ),
) -> None:
    """Run the schedule and the live listeners (Jetstream) until Ctrl-C; stops cleanly, loses nothing."""
    from papertalk.services.capture.fetchers import build_registry
    from papertalk.services.capture.short_links import link_expander, resolver_for
    from papertalk.services.catalogue.enrich import arxiv_client
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.jobs.worker import Worker
    from papertalk.services.mail.outbox_sending import MailJob
    from papertalk.translators.choice import translator_from

    app = app_context(ctx)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s", stream=sys.stderr)
    stop = threading.Event()
    try:
        engine = open_database(app.settings)
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        expand = link_expander(engine, resolver_for(app.settings.networks), app.now)
        registry = build_registry(app.settings, stop)
        metadata = arxiv_client(engine, app.settings.arxiv_api_url) if enrich else None
        try:
            Worker(
                engine,
                registry,
                stop,
                app.clock,
                app.settings.ranking,
                tick,
                expand,
                live,
                metadata,
                claim_batch=app.settings.worker_claim_batch,
                mail=MailJob(app.settings.mail, app.settings.people.public_base_url, app.settings.ranking),
                translator=translator_from(app.settings.translator, app.settings.networks),
            ).run()
        finally:
            if metadata is not None:
                metadata.close()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    app.console.print("worker stopped")


def _print_outcome(app: AppContext, o: RunOutcome) -> None:
    status = f"[red]failed: {o.error}[/]" if o.error else "ok"
    app.console.print(
        f"{o.source}: {o.pages} pages, {o.posts} posts ({o.posts_new} new), {o.rejected} rejected — {status}",
        highlight=False,
    )


def _progress(app: AppContext) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed} accounts"),
        TimeElapsedColumn(),
        console=app.errors,
        transient=True,
    )


def _row_json(r: SourceRow) -> dict[str, object]:
    return {**vars(r), "state": _state(r)}


def _state(r: SourceRow) -> str:
    if not r.enabled:
        return "disabled"
    if r.error_count:
        return f"failing ({r.error_count}x)"
    return "ok" if r.last_run_at is not None else "new"


def _when(ts: int | None) -> str:
    return "" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M")


def _short(text: str | None, width: int = 40) -> str:
    if not text:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"
