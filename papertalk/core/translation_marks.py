"""Keeping formulas and arXiv ids out of a translator's hands: each TeX formula (``$…$``, ``$$…$$``,
``\\(…\\)``, ``\\[…\\]``) and arXiv id in a text is replaced by a numbered placeholder ``[[F1]]`` before the
text is sent, and put back after. An answer that drops, alters or repeats a placeholder, or invents one, is
refused (``MarkError``): a translation that lost a formula is never stored."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Display math first, so ``$$a$$`` is one formula, not two empty ones around ``a``.
_PROTECTED = re.compile(
    r"\$\$.+?\$\$"
    r"|(?<!\\)\$[^$\n]+?(?<!\\)\$"
    r"|\\\(.+?\\\)"
    r"|\\\[.+?\\\]"
    r"|(?:arXiv:)?\b\d{4}\.\d{4,5}(?:v\d+)?\b"
    r"|(?:arXiv:)?\b[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?\b",
    re.DOTALL,
)
_MARK = re.compile(r"\[\[F(\d+)\]\]")
_MARK_LIKE = re.compile(r"\[\s*\[\s*F\s*\d+\s*\]\s*\]|\[\[F|F\d+\]\]", re.IGNORECASE)


class MarkError(ValueError):
    """A translation whose placeholders are not exactly the ones sent; the message says which."""


@dataclass(frozen=True, slots=True)
class Protected:
    """A text with its formulas and ids replaced by ``[[F1]]``, ``[[F2]]``, …, and what each stands for."""

    text: str
    kept: tuple[str, ...]


def protect(text: str) -> Protected:
    kept: list[str] = []

    def mark(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"[[F{len(kept)}]]"

    return Protected(_PROTECTED.sub(mark, text), tuple(kept))


def restore(protected: Protected, translated: str) -> str:
    """``translated`` with each placeholder put back; MarkError unless each one sent is there exactly once."""
    found = Counter(int(n) for n in _MARK.findall(translated))
    sent = range(1, len(protected.kept) + 1)
    missing = [n for n in sent if found[n] == 0]
    repeated = [n for n in sent if found[n] > 1]
    invented = sorted(n for n in found if n not in sent)
    problems = [
        f"{what} {', '.join(f'[[F{n}]]' for n in numbers)}"
        for what, numbers in (("dropped", missing), ("repeated", repeated), ("invented", invented))
        if numbers
    ]
    if problems:
        raise MarkError("the translation " + "; ".join(problems))
    altered = _MARK_LIKE.search(_MARK.sub("", translated))
    if altered:
        raise MarkError(f"the translation altered a placeholder ({altered.group(0)!r})")
    return _MARK.sub(lambda m: protected.kept[int(m.group(1)) - 1], translated)
