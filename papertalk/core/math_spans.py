"""Text split into plain runs and TeX math (``$...$``, ``$$...$$``), each formula marked whether it may be
typeset: the bound on math work, kept in one place for every renderer of text (the web's titles and
abstracts today, the notes pipeline later).

Typesetting is the slow part (latex2mathml took 23 s and wrote 4 MB of MathML for one 500,000-character
formula), and its time and output grow with the TeX given: a formula longer than ``MAX_FORMULA_CHARS``,
or any formula once a text has had ``MAX_MATH_CHARS`` of math typeset, is shown as its TeX source."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_FORMULA_CHARS = 2_000  # ~0.03 s and ~17 KB of MathML on the shared 2-core machine
MAX_MATH_CHARS = 10_000  # per text: a title or abstract with far more math than any real one
_MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class MathSpan:
    """A formula: its TeX (without the dollars), display or inline, and whether it may be typeset."""

    tex: str
    display: bool
    typeset: bool


def math_spans(text: str) -> list[str | MathSpan]:
    """``text`` as plain runs and formulas, in order; formulas past the bounds have ``typeset`` false."""
    parts: list[str | MathSpan] = []
    last = 0
    budget = MAX_MATH_CHARS
    for m in _MATH.finditer(text):
        parts.append(text[last : m.start()])
        tex = m.group(1) or m.group(2)
        typeset = len(tex) <= min(MAX_FORMULA_CHARS, budget)
        budget -= len(tex) if typeset else 0
        parts.append(MathSpan(tex, m.group(1) is not None, typeset))
        last = m.end()
    parts.append(text[last:])
    return parts
