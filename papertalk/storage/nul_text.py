"""Text PostgreSQL can store: a NUL character, which it refuses in text, is written as a space.

Any platform's JSON may carry one (``\\u0000``). Both backends get the space, so they hold the same data; the
callers check for a NUL first (``"\\x00" in text`` runs at C speed) and call these only when one is there.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from papertalk.core.records import Author

NUL = "\x00"
_Value = TypeVar("_Value")


def without_nul(value: _Value) -> _Value:
    """``value`` with each NUL as a space when it is a string; anything else as it is."""
    return value.replace(NUL, " ") if isinstance(value, str) else value  # type: ignore[return-value]


def author_without_nul(author: Author) -> Author:
    """``author`` with no NUL in its id, handle or name."""
    if NUL not in f"{author.platform_id}{author.handle}{author.display_name}":
        return author
    return replace(
        author,
        platform_id=without_nul(author.platform_id),
        handle=without_nul(author.handle),
        display_name=without_nul(author.display_name),
    )
