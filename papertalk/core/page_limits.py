"""The limits of a page request, one set for an HTML page and its JSON twin (and the CLI's services).

A page and its JSON twin once took different limits (pages to 10,000 on one, 100,000 on the other;
queries of 500 or 1,000 characters): every check reads these names instead of spelling numbers."""

from __future__ import annotations

from papertalk.core.search_query import MAX_QUERY_CHARS

MAX_PAGE_NUMBER = 10_000  # 200,000 papers deep at 20 a page: further than anyone pages


def page_number_problem(number: int) -> str | None:
    """What is wrong with a 1-based page number (``page: …``), or None when it is in range."""
    if 1 <= number <= MAX_PAGE_NUMBER:
        return None
    return f"page: must be between 1 and {MAX_PAGE_NUMBER}, got {number}"


__all__ = ["MAX_PAGE_NUMBER", "MAX_QUERY_CHARS", "page_number_problem"]
