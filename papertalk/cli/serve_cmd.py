"""``papertalk serve``: the web app (pages, JSON API, feeds) on one address, served by uvicorn."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from papertalk.cli.context import AppContext, app_context, fail

if TYPE_CHECKING:
    from papertalk.config import Settings


def run_server(app_ctx: AppContext, settings: Settings, host: str, port: int, workers_note: str = "") -> None:
    """Serve the web app over ``settings``' database until interrupted."""
    # Imported here: the web stack (FastAPI, uvicorn) is about a third of the CLI's import time, which
    # every other command (``papertalk import`` of an X archive, a capture run) would otherwise pay.
    import uvicorn

    from papertalk.services.database import StaleSchemaError
    from papertalk.web.app import create_app
    from papertalk.web.state import web_settings_from

    address = f"http://{host}:{port}"
    try:
        web = web_settings_from(settings.web, base_url=address)
        app = create_app(settings, web, app_ctx.clock)
    except (StaleSchemaError, ValueError) as error:
        raise fail(app_ctx, str(error)) from None
    app_ctx.console.print(f"Serving papertalk on [bold]{address}[/] {workers_note}(Ctrl-C stops)", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Serve the web app: trending, paper, posts, search and about pages, the JSON API and Atom feeds."""
    app = app_context(ctx)
    run_server(app, app.settings, host, port)
