"""Parse what a person types into the search box into a backend-neutral ``SearchQuery``.

Tokens are separated by whitespace; field names are case-insensitive; everything comes out lowercased
except categories, which come out as arXiv writes them.

* ``word``: every word must match. Only leading and trailing punctuation is stripped, so inner hyphens,
  dots, slashes and brackets stay (``Mixture-of-Experts`` -> ``mixture-of-experts``, ``GPT-4,`` -> ``gpt-4``,
  ``$\\mathbb{R}^n$`` -> ``mathbb{r}^n``). A trailing ``)``/``]``/``}`` stays when it closes a bracket of
  the word (``O(n)`` and ``(O(n))`` -> ``o(n)``), and so do trailing ``+``/``#`` (``C++``, ``C#``).
* ``"an exact phrase"``: its words cleaned as above, joined by one space. A quote always opens a phrase,
  even inside a token: ``foo"bar baz"`` is the word ``foo`` and the phrase ``bar baz``.
* ``-word`` and ``-"a phrase"``: must not match (both land in ``excluded``). Fields cannot be excluded.
* ``title:word``, ``title:"a phrase"``, ``author:name``, ``author:"de la cruz"``.
* ``cat:cs.lg`` -> ``cs.LG``, ``cat:cond-mat.stat-mech`` as is, ``cat:cs`` = the whole archive.
* ``year:2016``, ``year:2016..2018``, ``date:2024-03-01..2024-03-31``, ``after:2024-01-01``,
  ``before:2024-06-30``: every limit is inclusive; a date may be YYYY, YYYY-MM or YYYY-MM-DD; a range may
  leave one end open (``year:2016..``); several limits intersect.
* Any other ``name:`` prefix (``http:``, ``foo:``) is part of a plain word. A field may follow leading
  punctuation: ``(cat:cs.LG)``.

A query of nothing but one arXiv id or URL (optionally after the word ``arXiv``) also sets ``arxiv_id``;
its words are kept, as a fallback for a paper not in the catalogue. Repeated terms collapse.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from papertalk.core.arxiv_ids import ARCHIVES, parse_arxiv_id
from papertalk.core.records import ArxivRef

__all__ = ["QueryError", "SearchQuery", "parse_query"]

# \s* then a run without whitespace or quotes, then maybe a quoted part (which may span whitespace).
_TOKEN = re.compile(r'\s*(?P<bare>[^\s"]*)(?:"(?P<inner>[^"]*)(?P<close>"?))?')
_FIELD = re.compile(r"(title|author|cat|year|date|after|before):")
_CATEGORY = re.compile(r"([a-z]+(?:-[a-z]+)?)(?:\.([a-z]+(?:-[a-z]+)*))?")
_DAY = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", re.ASCII)
_ALL_ARCHIVES = ARCHIVES | {"econ", "eess", "q-fin", "stat"}  # new-style-only archives too
_LOWER_SUBJECT = frozenset({"cond-mat", "physics"})  # cond-mat.stat-mech, physics.optics
_OPENER = {")": "(", "]": "[", "}": "{"}
_CLOSER = {o: c for c, o in _OPENER.items()}
_EXPECTED = {
    "title": 'a word or a "phrase"',
    "author": 'a name or a "full name"',
    "cat": "an arXiv category like cs.LG, math.OC or hep-th",
    "year": "a year like 2016 or a range 2016..2018",
    "date": "a date like 2024-03-01 or a range 2024-03-01..2024-03-31",
    "after": "a date like 2024-01-01",
    "before": "a date like 2024-06-30",
}


# Far more than 32 terms need; it also keeps every word under PostgreSQL's 2,047-character limit for a
# tsquery word, which would otherwise fail there while SQLite searched.
MAX_QUERY_CHARS = 1_000


class QueryError(ValueError):
    """The query cannot be understood; the message is one line saying what is wrong and where."""


@dataclass(frozen=True)
class SearchQuery:
    """What to search for; every part must hold (``excluded`` must not). See the module docstring."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    title_terms: tuple[str, ...] = ()
    author_terms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    arxiv_id: ArxivRef | None = None
    excluded: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when the query constrains nothing (empty or punctuation-only input)."""
        return self == _EMPTY


_EMPTY = SearchQuery()
_LISTS = ("words", "phrases", "title_terms", "author_terms", "categories", "excluded")


def _clean(s: str) -> str:
    """Strip leading and trailing punctuation, keeping closing brackets that close one inside the word."""
    start, end = 0, len(s)
    while start < end and not s[start].isalnum():
        start += 1
    opens = {c: s.count(o, start, end) for c, o in _OPENER.items()}
    closes = {c: s.count(c, start, end) for c in _OPENER}
    while end > start and not (ch := s[end - 1]).isalnum():
        if ch in "+#" or (ch in closes and opens[ch] >= closes[ch]):
            break
        if ch in closes:
            closes[ch] -= 1
        elif ch in _CLOSER:
            opens[_CLOSER[ch]] -= 1
        end -= 1
    return s[start:end]


def _phrase(s: str) -> str:
    return " ".join(w for w in map(_clean, s.lower().split()) if w)


def _period(s: str) -> tuple[date, date] | None:
    """First and last day of YYYY, YYYY-MM or YYYY-MM-DD; None if it is not one."""
    m = _DAY.fullmatch(s)
    if m is None:
        return None
    y, mo, d = (int(g) if g else 0 for g in m.groups())
    try:
        if d:
            return date(y, mo, d), date(y, mo, d)
        if mo:
            return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
        return date(y, 1, 1), date(y, 12, 31)
    except ValueError:  # month 13, day 0, year 0000...
        return None


@dataclass
class _Parts:
    lists: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in _LISTS})
    date_from: date | None = None
    date_to: date | None = None

    def token(self, bare: str, inner: str | None) -> None:
        i = 0
        while i < len(bare) and not bare[i].isalnum():
            i += 1
        negated, body = bare.startswith("-"), bare[i:].lower()
        raw = bare if inner is None else f'{bare}"{inner}"'
        m = _FIELD.match(body)
        if m is not None and (inner is None or m.end() == len(body)):
            if negated:
                raise QueryError(f'{raw}: only words and "phrases" can be excluded, not {m[1]}:')
            value = body[m.end() :] if inner is None else inner
            if not value and inner is None:
                raise QueryError(f"{m[1]}: needs {_EXPECTED[m[1]]} right after the colon")
            self.field(m[1], value, raw)
            return
        if inner is not None and body:  # foo"bar baz": the word, then a phrase of its own
            self.token(bare, None)
            negated = False
        text = _clean(body) if inner is None else _phrase(inner)
        if text:
            self.lists["excluded" if negated else "words" if inner is None else "phrases"].append(text)

    def field(self, name: str, value: str, raw: str) -> None:
        if name in ("title", "author"):
            if text := _phrase(value):
                self.lists[f"{name}_terms"].append(text)
            return
        value = " ".join(value.lower().split()).rstrip(",;:!?)]}")
        if name == "cat":
            m = _CATEGORY.fullmatch(value)
            if m is None or m[1] not in _ALL_ARCHIVES:
                raise QueryError(f"{raw}: expected {_EXPECTED[name]}")
            archive, subject = m.groups()
            if subject is not None:
                archive += "." + (subject if archive in _LOWER_SUBJECT else subject.upper())
            self.lists["categories"].append(archive)
            return
        ends = value.split("..")
        periods = [_period(e) if e else None for e in ends]
        if (
            not any(ends)
            or len(ends) > 2
            or (len(ends) == 2 and name in ("after", "before"))
            or any(e and (p is None or (name == "year" and len(e) != 4)) for e, p in zip(ends, periods, strict=True))
        ):
            raise QueryError(f"{raw}: expected {_EXPECTED[name]}")
        first, last = periods[0], periods[-1]
        start = first[0] if first is not None and name != "before" else None
        end = last[1] if last is not None and name != "after" else None
        if start is not None and end is not None and start > end:
            raise QueryError(f"{raw}: the range ends before it starts")
        if start is not None:
            self.date_from = start if self.date_from is None else max(self.date_from, start)
        if end is not None:
            self.date_to = end if self.date_to is None else min(self.date_to, end)

    def build(self, max_terms: int) -> SearchQuery:
        t = {k: tuple(dict.fromkeys(v)) for k, v in self.lists.items()}
        if (n := sum(map(len, t.values()))) > max_terms:
            raise QueryError(f"too many search terms: {n} (at most {max_terms})")
        if self.date_from is not None and self.date_to is not None and self.date_from > self.date_to:
            raise QueryError(f"the date limits leave no days: from {self.date_from} to {self.date_to}")
        words = t["words"]
        only_words = self.date_from is None and self.date_to is None and n == len(words)
        alone = len(words) == 1 or (len(words) == 2 and words[0] == "arxiv")  # "arXiv: 2101.00001"
        ref = parse_arxiv_id(words[-1]) if only_words and alone else None
        return SearchQuery(
            words, t["phrases"], t["title_terms"], t["author_terms"], t["categories"],
            self.date_from, self.date_to, ref, t["excluded"],
        )  # fmt: skip


def parse_query(text: str, max_terms: int = 32) -> SearchQuery:
    """Parse a search-box query; raises ``QueryError`` when it cannot be understood."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text):,} characters long; at most {MAX_QUERY_CHARS:,} are searched")
    parts, pos = _Parts(), 0
    while (m := _TOKEN.match(text, pos)) is not None and m.end() > pos:
        pos = m.end()
        inner = m["inner"]
        if inner is not None and not m["close"]:
            snippet = " ".join(inner.split())[:40]
            raise QueryError(f'unclosed quote after "{snippet}' if snippet else "unclosed quote at the end")
        if m["bare"] or inner is not None:
            parts.token(m["bare"], inner)
    return parts.build(max_terms)
