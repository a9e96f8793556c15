"""PostgreSQL: the four weighted parts of a paper's ``search_vector``, built in Python as ``tsvector``
literals equal to what ``search_schema.pg_field_vectors`` computes in the database (for the catalogue import).

Why: PostgreSQL's text-search parser was ~80 % of the catalogue import's time there (docs/performance.md),
while the import's parser process has a core to spare. The import sends each part as a literal; the
database casts it (``::tsvector``, a few times cheaper than parsing the text) and concatenates the four
parts with ``||`` as the SQL expression does, so the offsets between fields are PostgreSQL's own.

Exactness: a part is built here only where PostgreSQL's result is plain to predict; every other part is
None, and the database computes that one with its own expression. A part is built when:

* its text is ASCII (PostgreSQL's ``[[:alnum:]]`` and ``lower()`` follow the database's locale beyond it);
* for the categories, the text holds only letters, digits, ``.``, ``-`` and spaces (``CATS_SQL`` gives the
  parser that text without cleaning it);
* no run of letters and digits is read by PostgreSQL's parser as two tokens: digits, ``e``, digits, then a
  letter (``7e3zy`` is the number ``7e3`` and the word ``zy``); found by fuzzing every short run;
* no run is 2,048 characters or longer (PostgreSQL skips those words), the field has at most 16,383 runs
  (later positions are clamped) and no word occurs over 255 times (later positions are dropped).

Within those bounds ``to_tsvector('simple', …)`` of text whose separators are spaces numbers the runs of
letters and digits 1, 2, 3 …, lowercased. ``tests/test_pg_search_vector.py`` compares both on PostgreSQL.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from collections.abc import Sequence

# Every ASCII character but a lowercase letter or a digit becomes a space (the text is lowered first).
_SEPARATORS = str.maketrans({c: " " for c in map(chr, range(128)) if not ("a" <= c <= "z" or "0" <= c <= "9")})
_SPLIT_NUMBER = re.compile(r"(?<![a-z0-9])[0-9]+e[0-9]+[a-z]")
_DIGIT_E_DIGIT = re.compile(r"[0-9]e[0-9]")  # what every _SPLIT_NUMBER match holds, ~3x quicker to rule out
_CATEGORIES = re.compile(r"[A-Za-z0-9. \-]*")
_LONGEST_WORD = 2047  # PostgreSQL's MAXSTRLEN - 1
_LAST_POSITION = 16383  # PostgreSQL's MAXENTRYPOS - 1: later positions are all clamped to it
_MOST_POSITIONS = 255  # to_tsvector keeps at most this many positions of one word (MAXNUMPOS - 1)
_POSITION_SUFFIXES = {weight: [f":{n}{weight}" for n in range(1, _LAST_POSITION + 1)] for weight in ("A", "B", "C", "")}

VectorParts = tuple[str | None, str | None, str | None, str | None]  # title A, authors B, abstract C, cats D


def part_literal(text: str, weight: str) -> str | None:
    """``setweight(to_tsvector('simple', <text with non-alphanumerics as spaces>), weight)`` as a literal
    (``weight`` is ``"A"``, ``"B"``, ``"C"`` or ``""`` for D), or None where it cannot be sure.

    One ``word:position`` entry per run: ``tsvector`` input merges the entries of a word, so grouping them
    here would only cost time (this runs for every field of every imported paper)."""
    if not text.isascii():
        return None
    lowered = text.lower()
    if _DIGIT_E_DIGIT.search(lowered) and _SPLIT_NUMBER.search(lowered):
        return None
    words = lowered.translate(_SEPARATORS).split()
    count = len(words)
    if count > _LAST_POSITION:
        return None
    if count > _MOST_POSITIONS and Counter(words).most_common(1)[0][1] > _MOST_POSITIONS:
        return None
    if len(text) > _LONGEST_WORD and max(map(len, words), default=0) > _LONGEST_WORD:
        return None
    # map stops with the words: each gets ":1A", ":2A" … (adding prebuilt suffixes is ~2x an f-string)
    return " ".join(map(operator.add, words, _POSITION_SUFFIXES[weight]))


def category_text(categories: str) -> str:
    """``search_schema.CATS_SQL`` in Python: each category as one token, then each archive."""
    joined = categories.replace("-", "1")
    return (joined.replace(".", "0") + " " + joined.replace(".", " z")).lower()


def vector_parts(title: str | None, authors: str | None, abstract: str | None, categories: str | None) -> VectorParts:
    """The four parts as literals (None where the database must compute one). The vector of a paper with no
    title is NULL whatever the parts say."""
    cats = categories or ""
    return (
        part_literal(title or "", "A"),
        part_literal(authors or "", "B"),
        part_literal(abstract or "", "C"),
        part_literal(category_text(cats), "") if _CATEGORIES.fullmatch(cats) else None,
    )


def row_vector_parts(row: Sequence[object]) -> VectorParts:
    """``vector_parts`` of a ``paper_rows.paper_row`` (title, authors, abstract, categories at 1–4)."""
    title, authors, abstract, categories = row[1], row[2], row[3], row[4]
    return vector_parts(
        title if isinstance(title, str) else None,
        authors if isinstance(authors, str) else None,
        abstract if isinstance(abstract, str) else None,
        categories if isinstance(categories, str) else None,
    )
