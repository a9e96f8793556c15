"""The root command group: a database that cannot be opened ends any command with one line and exit 2.

The check is here, around every command, because any of them (``serve`` and ``worker`` included) may be
the first to connect; the error's class is imported only when something failed, so start-up stays light.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from papertalk.cli.context import error_console, fail_on


class OneLineErrors(TyperGroup):
    # Typer's base spells the parameter with its private copy of click's Context; the context it passes
    # is always a typer.Context (a subclass), so the narrower public name is safe here.
    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except Exception as error:
            from papertalk.storage.unreachable import DatabaseUnreachableError

            if isinstance(error, DatabaseUnreachableError):
                raise fail_on(error_console(), str(error)) from None
            raise
