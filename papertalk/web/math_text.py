"""Text with TeX math (``$...$``) as safe HTML: math becomes MathML on the server (latex2mathml), the
rest is escaped, and the result goes through nh3 with an allow-list of MathML elements."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

import nh3
from latex2mathml.converter import convert
from markupsafe import Markup

_MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", re.DOTALL)
MATHML_TAGS = {
    "math", "semantics", "annotation", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msup", "msub",
    "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mstyle", "mtable", "mtr", "mtd",
    "menclose", "mpadded", "mphantom", "merror", "mfenced",
}  # fmt: skip
MATHML_ATTRIBUTES = {
    "xmlns", "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "accent",
    "accentunder", "linethickness", "columnalign", "rowspacing", "columnspacing", "width", "height", "depth",
    "notation", "minsize", "maxsize", "movablelimits", "symmetric", "encoding", "largeop", "form",
}  # fmt: skip
_CLEANER_TAGS = MATHML_TAGS | {"span"}
_ATTRIBUTES = {tag: MATHML_ATTRIBUTES for tag in MATHML_TAGS} | {"span": {"class"}}


def _math(tex: str, display: bool) -> str:
    try:
        return convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds of errors on TeX it does not know
        return f'<span class="tex">{escape("$" + tex + "$")}</span>'


@lru_cache(maxsize=20_000)
def math_html(text: str) -> Markup:
    """Escaped text with its ``$...$`` and ``$$...$$`` spans rendered as sanitized MathML."""
    parts: list[str] = []
    last = 0
    for m in _MATH.finditer(text):
        parts.append(escape(text[last : m.start()], quote=False))
        parts.append(_math(m.group(1) or m.group(2), display=m.group(1) is not None))
        last = m.end()
    parts.append(escape(text[last:], quote=False))
    html = "".join(parts)
    if last == 0:
        return Markup(html)  # no math: escaping alone is enough
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
