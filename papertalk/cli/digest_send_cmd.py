"""``papertalk digest send``: queue the digest emails that are due and hand them to the SMTP server
through the outbox (what the worker does each few minutes), or ``--dry-run`` list what would go out."""

from __future__ import annotations

import typer

from papertalk.cli.context import app_context, fail, print_json


def send_cmd(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="Only list what would be sent (nothing is written)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Send the digest emails that are due: each subscriber's latest finished day (or week) once its hour
    has come in their timezone, over PAPERTALK_SMTP_*. A crash or kill loses none and a re-run sends none
    twice (docs/digests.md). Exit status 1 when some failed or the server could not be reached.
    Examples: papertalk digest send --dry-run · papertalk digest send --json"""
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.mail.outbox_sending import MailJob, plan, send_due

    app = app_context(ctx)
    job = MailJob(app.settings.mail, app.settings.people.public_base_url, app.settings.ranking)
    try:
        engine = open_database(app.settings)
        if dry_run:
            planned = plan(engine, job, app.now())
        else:
            columns = (TextColumn("[bold]sending digests"), BarColumn(), MofNCompleteColumn())
            with Progress(*columns, console=app.errors, disable=as_json, transient=False) as progress:
                task = progress.add_task("messages", total=None)

                def advance(done: int, total: int) -> None:
                    progress.update(task, completed=done, total=total)

                summary = send_due(engine, job, app.clock, advance)
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None
    if dry_run:
        if as_json:
            print_json({"would_send": planned})
            return
        for p in planned:
            app.console.print(f"{escape(p['period'])}  {escape(p['user'])} <{escape(p['email'])}>  "
                              f"[dim]{escape(p['message_id'])} · {p['state']}[/]", highlight=False)  # fmt: skip
        app.console.print(f"{len(planned)} message{'s' if len(planned) != 1 else ''} would be sent.")
        return
    counts = {k: v for k, v in vars(summary).items() if k != "planned"}
    if as_json:
        print_json(counts)
    else:
        app.console.print(f"{summary.sent} sent ({summary.resent_unconfirmed} again after a crash), "
                          f"{summary.retried} to retry later, {summary.failed} failed.")  # fmt: skip
    if summary.stopped:
        app.errors.print(f"[bold red]error:[/] {escape(summary.stopped)}", highlight=False, soft_wrap=True)
    if summary.failed or summary.stopped:
        raise typer.Exit(1)
