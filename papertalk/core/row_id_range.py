"""The range of a row id (and a version number) in this schema, for every entrance that takes one from
outside (pages, API, command line): a number beyond it is refused where it comes in, never bound in a
query, whose driver would fail on it."""

from __future__ import annotations

import re

# Ids and versions are INTEGER columns: 64 bits on SQLite, but 32 on PostgreSQL (SERIAL), whose driver
# refuses 2**31 ("integer out of range") as SQLite's refuses 2**63; the smaller bound holds on both.
MAX_ROW_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII digits only: str.isdigit() also takes '²', which int() refuses


def parse_row_id(raw: str, least: int = 1) -> int | None:
    """The number a form or query field holds, or None when it holds anything else (not ASCII digits,
    below ``least``: 1 for an id, 0 for a version, or beyond what the column holds)."""
    if not _DIGITS.fullmatch(raw):
        return None
    number = int(raw)
    return number if least <= number <= MAX_ROW_ID else None
