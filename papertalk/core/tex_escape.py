"""Text written in TeX (arXiv titles, author names, journal references) made safe for a BibTeX field.

arXiv's metadata is TeX source already: ``1T-TiSe$_{2}$``, ``Gr\\"obner``, ``{Ki(z)}``. So the text is kept
as written, math (``$...$``, ``$$...$$``) untouched, and only what would break the entry or LaTeX is
changed: outside math, the characters LaTeX reserves (``& % # _ ^`` and a lone ``$``) are escaped unless
a backslash escapes them already, and braces that do not pair are dropped, as BibTeX counts every
brace (escaped or not) to find where a field ends.
"""

from __future__ import annotations

import re

from papertalk.core.math_spans import MathSpan, math_spans

# A TeX command or escaped character (kept as written), else one reserved character (escaped).
_PLAIN_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|[&%#_$^]", re.DOTALL)
_ESCAPED = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "$": r"\$", "^": r"\textasciicircum{}"}


def bibtex_value(text: str) -> str:
    """``text`` for inside a braced BibTeX field: math intact, reserved characters escaped, braces paired."""
    parts = []
    # Folded lines first (arXiv wraps titles, sometimes inside a formula): one space, as TeX reads them.
    for part in math_spans(" ".join(text.split())):
        if isinstance(part, MathSpan):
            parts.append(f"$${part.tex}$$" if part.display else f"${part.tex}$")
        else:
            parts.append(_PLAIN_TOKEN.sub(lambda m: _ESCAPED.get(m.group(), m.group()), part))
    return _paired_braces("".join(parts))


def _paired_braces(text: str) -> str:
    """``text`` without the braces that have no partner (and the backslash escaping such a brace)."""
    unmatched: set[int] = set()
    opened: list[int] = []
    for i, char in enumerate(text):
        if char == "{":
            opened.append(i)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                unmatched.add(i)
    unmatched.update(opened)
    if not unmatched:
        return text
    drop = unmatched | {i - 1 for i in unmatched if i > 0 and text[i - 1] == "\\"}
    return "".join(char for i, char in enumerate(text) if i not in drop)
