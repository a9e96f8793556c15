"""Printing rejected input lines as ``FILE:LINE: reason`` on standard error, without flooding the terminal."""

from __future__ import annotations

from rich.console import Console

MAX_SHOWN = 200


class RejectPrinter:
    """Shows the first ``MAX_SHOWN`` rejected lines, then says that the rest are only counted."""

    def __init__(self, errors: Console) -> None:
        self.errors = errors
        self.shown = 0

    def __call__(self, name: str, line: int | str, reason: str) -> None:
        self.shown += 1
        if self.shown <= MAX_SHOWN:
            self.errors.print(f"{name}:{line}: {reason}", highlight=False, markup=False, soft_wrap=True)
        elif self.shown == MAX_SHOWN + 1:
            self.errors.print("(further rejected lines are counted but not shown)", highlight=False)

    def line(self, text: str) -> None:
        """A reject already worded as one line (``file:item: reason``)."""
        self.shown += 1
        if self.shown <= MAX_SHOWN:
            self.errors.print(text, highlight=False, markup=False, soft_wrap=True)
        elif self.shown == MAX_SHOWN + 1:
            self.errors.print("(further rejected lines are counted but not shown)", highlight=False)
