"""Rich progress bars for long jobs, quiet when output is for scripts (``--json``) or not a terminal."""

from __future__ import annotations

import threading

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)


def byte_progress(console: Console, enabled: bool) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not (enabled and console.is_terminal),
        transient=False,
    )


def row_progress(console: Console, enabled: bool) -> Progress:
    """Rows of tables (an export, a restore, a copy): one bar per table, with its rows and the time left."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f} rows"),
        TimeRemainingColumn(),
        console=console,
        disable=not (enabled and console.is_terminal),
        transient=False,
    )


class TableBars:
    """One progress bar per table, made as the table starts (tables may be copied on several threads)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}
        self.lock = threading.Lock()

    def __call__(self, table: str, done: int, total: int) -> None:  # a Progress of services.portability
        with self.lock:
            if table not in self.tasks:
                self.tasks[table] = self.progress.add_task(table, total=max(total, 1))
            self.progress.update(self.tasks[table], completed=done if total else 1)  # an empty table is done
