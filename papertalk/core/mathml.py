"""TeX formulas as MathML (latex2mathml), and the MathML that the sanitizer lets through: one place for
every renderer of math (titles and abstracts on the web, the text people write)."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from latex2mathml.converter import convert

from papertalk.core.math_spans import MAX_FORMULA_CHARS

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
TOO_MUCH_MATH = f"(math not typeset: over {MAX_FORMULA_CHARS:,} characters, or too much math in this text)"
FORMULA_ERROR = "(this formula could not be typeset)"


def tex_source(tex: str, *, display: bool) -> str:
    """The formula as it was written, dollars included, escaped for HTML."""
    fence = "$$" if display else "$"
    return escape(fence + tex + fence, quote=False)


@lru_cache(maxsize=8192)  # texts repeat their formulas ($X$, $\theta$): ~0.5 ms each saved
def typeset(tex: str, *, display: bool, allowed: bool = True) -> str:
    """MathML for ``tex`` (unsanitized: the caller's allow-list cleans it), or the escaped TeX marked as
    not typeset (``allowed`` false: past the math bounds) or as an error (TeX latex2mathml cannot read)."""
    if not allowed:
        return f'<code class="tex">{tex_source(tex, display=display)}</code> <small>{TOO_MUCH_MATH}</small>'
    try:
        return convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds of errors on TeX it does not know
        return f'<span class="tex math-error" title="{FORMULA_ERROR}">{tex_source(tex, display=display)}</span>'
