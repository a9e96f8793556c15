"""What every command gets from the entry point: the settings, the clock, and a console for output."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import typer
from rich.console import Console
from rich.markup import escape

from papertalk.config import Settings


def error_console() -> Console:
    return Console(stderr=True, emoji=False)


@dataclass
class AppContext:
    settings: Settings
    clock: Callable[[], float] = time.time
    # No emoji codes: a reject at line 100 of a file prints "posts.jsonl:100:", which Rich would turn into 💯,
    # and titles may hold such codes too.
    console: Console = field(default_factory=lambda: Console(emoji=False))
    errors: Console = field(default_factory=error_console)

    def now(self) -> int:
        return int(self.clock())


def app_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, AppContext), "the root callback builds the context"
    return obj


def fail(app: AppContext, message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error that says what to do, and return the exit to raise."""
    return fail_on(app.errors, message, code)


def fail_on(errors: Console, message: str, code: int = 2) -> typer.Exit:
    """``fail`` before the context exists; each line of ``message`` (one per problem) is one error line."""
    for line in message.splitlines() or [message]:
        errors.print(f"[bold red]error:[/] {escape(line)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def print_json(value: object) -> None:
    """``--json`` output: indented, one document, on stdout (never wrapped or styled by Rich)."""
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() + "\n")


def print_csv(columns: Sequence[str], records: list[dict[str, Any]]) -> None:
    """``--csv`` output: a header, then one line per record, on stdout (``core.csv_cells``)."""
    from papertalk.core.csv_cells import records_csv

    sys.stdout.write(records_csv(columns, records))
