"""Text with TeX math (``$...$``) as safe HTML: math becomes MathML on the server (latex2mathml), the
rest is escaped, and the result goes through nh3 with an allow-list of MathML elements."""

from __future__ import annotations

from functools import lru_cache
from html import escape

import nh3
from markupsafe import Markup

from papertalk.core.math_spans import MathSpan, math_spans
from papertalk.core.mathml import MATHML_ATTRIBUTES, MATHML_TAGS, typeset

_CLEANER_TAGS = MATHML_TAGS | {"span", "code", "small"}
_ATTRIBUTES = {tag: MATHML_ATTRIBUTES for tag in MATHML_TAGS} | {"span": {"class"}, "code": {"class"}}


def _math(span: MathSpan) -> str:
    return typeset(span.tex, display=span.display, allowed=span.typeset)


@lru_cache(maxsize=20_000)
def math_html(text: str) -> Markup:
    """Escaped text with its ``$...$`` and ``$$...$$`` spans rendered as sanitized MathML (within the
    bounds of ``core.math_spans``; past them, as escaped TeX with a note)."""
    parts = math_spans(text)
    if len(parts) == 1:
        return Markup(escape(text, quote=False))  # no math: escaping alone is enough
    html = "".join(escape(p, quote=False) if isinstance(p, str) else _math(p) for p in parts)
    return Markup(nh3.clean(html, tags=_CLEANER_TAGS, attributes=_ATTRIBUTES, link_rel=None))


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
