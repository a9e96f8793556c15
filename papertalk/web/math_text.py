"""Abstracts cut for the pages (``split_abstract``); ``math_html`` (TeX as sanitized MathML) lives in
``core.math_html``, shared with the digest emails."""

from __future__ import annotations

from functools import lru_cache

from papertalk.core.math_html import math_html

__all__ = ["math_html", "split_abstract"]


@lru_cache(maxsize=20_000)
def split_abstract(text: str, lead_chars: int = 320) -> tuple[str, str]:
    """The abstract's first sentences (about ``lead_chars``) and the rest, cut between sentences and
    never inside math, so both halves render on their own. Kept like ``math_html``: the papers a site
    shows change slowly, and the character loop is a visible part of a trending page's render."""
    if len(text) <= lead_chars + 80:
        return text, ""
    cut = 0
    inside = False
    for i, ch in enumerate(text):
        if ch == "$":
            inside = not inside
        if not inside and ch in ".!?" and i + 1 < len(text) and text[i + 1] == " " and i >= lead_chars // 2:
            cut = i + 1
            if cut >= lead_chars:
                break
    if cut == 0 or len(text) - cut < 40:
        return text, ""
    return text[:cut], text[cut:].lstrip()
