"""How closeness in meaning (the cosine of two semantic vectors) joins the lexical closeness of two papers,
and how the reason names it. Pure: a pair without vectors keeps the words alone, so the base install (no
numpy, no model) ranks exactly as before."""

from __future__ import annotations

BLEND = 0.25  # a pair with vectors scores (1 - BLEND) x tf-idf cosine + BLEND x vector cosine (measured: docs)
SHOWN_FROM = 0.4  # a vector cosine from here up is named in the reason (unrelated abstracts: 0.1-0.3)


def blended(lexical: float, meaning: float | None) -> float:
    """The text score of a pair: the words alone when one of the two has no vector."""
    return lexical if meaning is None else (1.0 - BLEND) * lexical + BLEND * meaning


def meaning_reason(meaning: float | None, lexical_reason: str, like: str = "") -> str:
    """``lexical_reason`` led by the closeness in meaning when it is worth naming (``like``: what to)."""
    if meaning is None or meaning < SHOWN_FROM:
        return lexical_reason
    lead = f"Close in meaning{' to ' + like if like else ''} ({meaning:.2f})"
    if lexical_reason == "Close in wording":  # nothing shared to add
        return lead
    return f"{lead}; {lexical_reason[:1].lower()}{lexical_reason[1:]}"
