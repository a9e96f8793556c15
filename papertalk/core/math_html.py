"""Text with TeX math (``$...$``) as safe HTML: math becomes MathML on the server (latex2mathml), the
rest is escaped, and the result goes through nh3 with an allow-list of MathML elements. Used by the web's
pages and by the digest emails (whose HTML part carries the same MathML)."""

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
