"""CSV cells from JSON-like values: lists joined with "; ", None empty, and text a spreadsheet would run as a
formula (starting with ``= + - @``, tab or CR) given a leading ``'`` so that it stays text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()


def records_csv(columns: Sequence[str], records: Iterable[dict[str, Any]]) -> str:
    """``records`` (dicts, as the ``--json`` outputs make them) as CSV with ``columns`` in that order."""
    return csv_text(columns, ([record.get(c) for c in columns] for record in records))
