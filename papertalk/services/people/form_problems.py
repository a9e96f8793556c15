"""A refused input of a people form or command, with the field it belongs to (shown next to that field)."""

from __future__ import annotations


class FormProblem(ValueError):
    """``field: what is wrong``; ``field`` says where a page shows it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        field, sep, _ = message.partition(": ")
        self.field = field if sep and field.isidentifier() else "form"
        self.message = message


def check(*problems: str | None) -> None:
    """Raise the first problem found, if any."""
    for problem in problems:
        if problem:
            raise FormProblem(problem)
