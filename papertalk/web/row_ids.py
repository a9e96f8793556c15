"""The integers a request names a database row by (a summary, comment, list, item, network, token or
invitation id, a version it was made on), bounded in this one place to what their columns hold, so a
larger number is refused with a message naming the field instead of reaching the driver (which cannot
bind it: a 500). A path naming no row is a 404 (see the app's validation handler); a body, query or form
field out of range is a 400 next to the field."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

from papertalk.core.row_id_range import MAX_ROW_ID, parse_row_id
from papertalk.services.people.form_problems import FormProblem

_IDS = f"a row id: a whole number from 1 to {MAX_ROW_ID}"
_VERSIONS = f"the version this change was made on: a whole number from 0 to {MAX_ROW_ID}"  # a list starts at 0

# A row id in a URL path (/summaries/{summary_id}, /api/v1/lists/{list_id}, …) and in a JSON body.
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description=_IDS)]
RowIdField = Annotated[int, Field(ge=1, le=MAX_ROW_ID, description=_IDS)]
# The version a change was made on (stale ones are refused), in a query string and in a JSON body.
VersionQuery = Annotated[int, Query(ge=0, le=MAX_ROW_ID, description=_VERSIONS)]
VersionField = Annotated[int, Field(ge=0, le=MAX_ROW_ID, description=_VERSIONS)]


def form_row_id(raw: str, field: str) -> int:
    """The row id in form field ``field``; a FormProblem (400, shown next to the field) when it holds
    anything else."""
    return _checked(raw, field, 1, _IDS)


def form_version(raw: str, field: str = "version") -> int:
    """The version number in form field ``field``, checked like ``form_row_id`` (0 allowed)."""
    return _checked(raw, field, 0, _VERSIONS)


def _checked(raw: str, field: str, least: int, expected: str) -> int:
    number = parse_row_id(raw, least)
    if number is None:
        raise FormProblem(f"{field}: {raw[:24]!r} is not {expected}")
    return number


__all__ = [
    "MAX_ROW_ID",
    "RowId",
    "RowIdField",
    "VersionField",
    "VersionQuery",
    "form_row_id",
    "form_version",
    "parse_row_id",
]
