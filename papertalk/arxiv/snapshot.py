"""Parse one line of the public arXiv metadata snapshot (Kaggle's ``arxiv-metadata-oai-snapshot.json``).

The one job of this module: one JSON line in, one ``Paper`` out, or ``BadSnapshotLine`` with a one-line
reason naming the field. Pure: no I/O; the importer that streams the file lives in services. It runs
about three million times per import, so it skips per-line work where it can (about 16 µs a line: orjson,
str methods rather than regexes, cached day arithmetic for dates).

* ``arxiv_id`` from ``id`` via ``core.arxiv_ids`` (``0704.0001``, ``hep-th/9901001``, ``math/0309136``).
* ``title``, ``abstract``, ``comments``, ``journal-ref``: LaTeX kept; whitespace runs (the snapshot wraps
  lines) collapse to one space and ends are stripped, exactly as ``arxiv.atom`` does; empty is ``None``.
* ``authors``: ``authors_parsed`` entries ``[keyname, forenames, suffix, affiliation...]`` become
  "Forenames Keyname Suffix"; when that is missing or malformed, the ``authors`` string is split on
  commas and "and" after dropping parenthesized affiliations (and a trailing "et al").
* ``categories``: split on whitespace, primary first, each once. ``doi``: the first of several.
* ``versions``: ``(n, created)`` pairs from ``[{"version": "vN", "created": <RFC 2822 date>}]``, sorted;
  ``latest_version`` is the highest, ``published_at`` the creation of v1 (else the earliest), and
  ``updated_at`` the ``update_date`` (midnight UTC) or else the latest version's creation.

Rejected: lines over 1 MiB, not JSON, not an object; no valid ``id`` or no ``title``; a field of the wrong
type; a malformed version label, version date or ``update_date``; a version number given twice.

``generate_snapshot_lines`` writes realistic synthetic lines in the same format for tests and benchmarks.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_tz

import orjson

from papertalk.core.arxiv_ids import parse_arxiv_id
from papertalk.core.records import Paper
from papertalk.core.utf8_position import invalid_utf8

__all__ = ["MAX_LINE_BYTES", "BadSnapshotLine", "parse_snapshot_line"]

MAX_LINE_BYTES = 1 << 20
_SPACE_CHARS = " \t\r\n"  # JSON/XML whitespace only: a no-break space in a title is content
_AUTHOR_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_PARENTHESIZED = re.compile(r"\([^()]*\)")
_NOT_NAMES = frozenset(("et al", "et al.", "others"))  # "B. Aubert, et al" lists no one more
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, 1)}
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY = 86400
_CACHE_LIMIT = 1 << 16  # distinct days since 1991 fit many times over
_DAY_STARTS: dict[str, int] = {}  # "Mon, 2 Apr 2007" -> epoch seconds of its midnight (UTC)
_DATES: dict[str, int] = {}  # "2008-11-26" -> epoch seconds of its midnight (UTC)
_VERSION_NUMBERS = {f"v{n}": n for n in range(1, 100)}
# A NUL character (only ever written ``\u0000`` in JSON) is read as a space: PostgreSQL cannot store it in
# text, and a paper should not be lost, nor read differently by the two backends, for a stray control byte.
# The escape counts only after an even number of backslashes (``\\u0000`` is the text "\u0000").
_NUL_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\u0000")


class BadSnapshotLine(ValueError):
    """A snapshot line that cannot become a paper; the one-line message names the field and the problem."""


def parse_snapshot_line(line: bytes) -> Paper:
    """Parse one snapshot line (a trailing newline is fine) into a ``Paper``; raise ``BadSnapshotLine``."""
    if len(line) > MAX_LINE_BYTES:
        raise BadSnapshotLine(f"line is {len(line):,} bytes, over the {MAX_LINE_BYTES:,}-byte limit")
    if b"\\u0000" in line:
        line = _NUL_ESCAPE.sub(rb"\1\\u0020", line)
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise BadSnapshotLine(invalid_utf8(line) or f"invalid JSON: {exc}") from None
    if type(data) is not dict:
        raise BadSnapshotLine(f"expected a JSON object, got {type(data).__name__}")
    get = data.get
    raw_id = get("id")
    if type(raw_id) is not str:
        raise BadSnapshotLine("id: missing" if raw_id is None else f"id: expected a string, got {_show(raw_id)}")
    ref = parse_arxiv_id(raw_id)
    if ref is None:
        raise BadSnapshotLine(f"id: not an arXiv identifier: {_show(raw_id)}")
    title = _text(get("title"), "title")
    if title is None:
        raise BadSnapshotLine("title: missing or empty")
    versions = _versions(get("versions"))
    updated_at = _date(get("update_date"))
    if versions:
        first_number, published_at = versions[0]
        if first_number != 1:
            published_at = min(at for _, at in versions)
        latest_version: int | None = versions[-1][0]
        if updated_at is None:
            updated_at = versions[-1][1]
    else:
        published_at, latest_version = None, ref.version
    categories = get("categories")
    if categories is None:
        category_tuple: tuple[str, ...] = ()
    elif type(categories) is str:
        parts = categories.split()
        category_tuple = tuple(parts) if len(parts) < 2 else tuple(dict.fromkeys(parts))
    else:
        raise BadSnapshotLine(f"categories: expected a string, got {type(categories).__name__}")
    doi = _text(get("doi"), "doi")
    if doi is not None and " " in doi:
        doi = doi.split(" ", 1)[0].rstrip(",;")
    return Paper(
        arxiv_id=ref.arxiv_id,
        title=title,
        authors=_authors(get("authors_parsed"), get("authors")),
        abstract=_text(get("abstract"), "abstract"),
        categories=category_tuple,
        published_at=published_at,
        updated_at=updated_at,
        latest_version=latest_version,
        doi=doi,
        journal_ref=_text(get("journal-ref"), "journal-ref"),
        comments=_text(get("comments"), "comments"),
        versions=versions,
    )


def _show(value: object) -> str:
    """A value for an error message: its repr, cut short (repr also keeps the message on one line)."""
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _text(value: object, field: str) -> str | None:
    """A string field with whitespace runs collapsed and ends stripped; None when null or empty."""
    if value is None:
        return None
    if type(value) is not str:
        raise BadSnapshotLine(f"{field}: expected a string, got {type(value).__name__}")
    return _collapse(value) or None


def _collapse(text: str) -> str:
    """``text`` with each run of spaces, tabs, CRs and LFs as one space, ends stripped.

    str.replace scans at C speed where a regex tests every position: on a 1,000-character abstract
    these few passes cost a tenth of ``re.sub("[ \\t\\r\\n]+", " ", text)``.
    """
    text = text.strip(_SPACE_CHARS)
    if "\n" in text:
        text = text.replace("\n", " ")
    if "\t" in text:
        text = text.replace("\t", " ")
    if "\r" in text:
        text = text.replace("\r", " ")
    while "  " in text:  # each pass halves the runs of spaces
        text = text.replace("  ", " ")
    return text


def _authors(parsed: object, raw: object) -> tuple[str, ...]:
    """Names from ``authors_parsed``; from the ``authors`` string when that is missing or malformed."""
    if type(parsed) is list and parsed:
        names: list[str] = []
        for entry in parsed:
            if type(entry) is not list or len(entry) < 2:
                break
            keyname, forenames = entry[0], entry[1]
            suffix = entry[2] if len(entry) > 2 else ""
            if type(keyname) is not str or type(forenames) is not str or type(suffix) is not str:
                break
            name = f"{forenames} {keyname} {suffix}".strip(_SPACE_CHARS)
            if "  " in name or "\n" in name or "\t" in name or "\r" in name:
                name = _collapse(name)
            if name:
                names.append(name)
        else:
            if names:
                return tuple(names)
    text = _text(raw, "authors")
    if text is None:
        return ()
    while "(" in text:  # "A. Mishchenko (1 and 2) and N. Nagaosa ((1) CREST, (2) Tokyo)"
        shorter = _PARENTHESIZED.sub(" ", text)
        if shorter == text:
            break
        text = shorter
    found = (" ".join(part.split()) for part in _AUTHOR_SEPARATOR.split(text))
    return tuple(name for name in found if name and name not in _NOT_NAMES)


def _versions(value: object) -> tuple[tuple[int, int], ...]:
    """``(version number, created at)`` pairs sorted by number; rejects malformed entries and repeats."""
    if value is None:
        return ()
    if type(value) is not list:
        raise BadSnapshotLine(f"versions: expected an array, got {type(value).__name__}")
    found: list[tuple[int, int]] = []
    for i, entry in enumerate(value):
        if type(entry) is not dict:
            raise BadSnapshotLine(f"versions[{i}]: expected an object, got {type(entry).__name__}")
        label, created = entry.get("version"), entry.get("created")
        number = _VERSION_NUMBERS.get(label) if type(label) is str else None
        if number is None:
            digits = label[1:] if type(label) is str and label[:1] == "v" else ""
            if not (digits.isascii() and digits.isdigit() and len(digits) <= 6 and int(digits) > 0):
                raise BadSnapshotLine(f"versions[{i}].version: expected 'v1', 'v2', ..., got {_show(label)}")
            number = int(digits)
        if type(created) is not str:
            raise BadSnapshotLine(f"versions[{i}].created: expected an RFC 2822 date, got {_show(created)}")
        found.append((number, _rfc2822(created, i)))
    if len(found) > 1:
        found.sort()
        if len({number for number, _ in found}) < len(found):
            raise BadSnapshotLine("versions: a version number appears more than once")
    return tuple(found)


def _rfc2822(value: str, i: int) -> int:
    """UTC epoch seconds of ``Mon, 2 Apr 2007 19:18:42 GMT``; other RFC 2822 forms take the slow path."""
    if value[-4:] == " GMT" and value[-13:-12] == " " and value[-10:-9] == ":" and value[-7:-6] == ":":
        day_start = _DAY_STARTS.get(value[:-13])
        if day_start is None:
            day_start = _day_start(value[:-13])
        clock = value[-12:-4]
        if day_start is not None and clock.isascii():
            try:
                hours, minutes, seconds = int(clock[:2]), int(clock[3:5]), int(clock[6:])
            except ValueError:
                pass
            else:
                if 0 <= hours < 24 and 0 <= minutes < 60 and 0 <= seconds < 60:
                    return day_start + hours * 3600 + minutes * 60 + seconds
    parsed = parsedate_tz(value)
    try:
        if parsed is None:
            raise ValueError(value)
        moment = datetime(*parsed[:6], tzinfo=UTC)  # validates the ranges
    except (ValueError, OverflowError):
        raise BadSnapshotLine(f"versions[{i}].created: not an RFC 2822 date: {_show(value)}") from None
    return int(moment.timestamp()) - (parsed[9] or 0)


def _day_start(day_part: str) -> int | None:
    """Midnight (UTC epoch seconds) of ``Mon, 2 Apr 2007``, cached; None when it is not such a date."""
    words = day_part.split()
    if words and words[0].endswith(","):
        words = words[1:]
    if len(words) != 3 or words[1] not in _MONTHS or not (words[0] + words[2]).isdigit():
        return None
    try:
        start = (date(int(words[2]), _MONTHS[words[1]], int(words[0])).toordinal() - _EPOCH_ORDINAL) * _DAY
    except ValueError:
        return None
    if len(_DAY_STARTS) < _CACHE_LIMIT:
        _DAY_STARTS[day_part] = start
    return start


def _date(value: object) -> int | None:
    """Midnight (UTC epoch seconds) of an ``update_date`` such as ``2008-11-26``, cached; None when null."""
    if value is None:
        return None
    if type(value) is str:
        start = _DATES.get(value)
        if start is not None:
            return start
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                start = (date.fromisoformat(value).toordinal() - _EPOCH_ORDINAL) * _DAY
            except ValueError:
                pass
            else:
                if len(_DATES) < _CACHE_LIMIT:
                    _DATES[value] = start
                return start
    raise BadSnapshotLine(f"update_date: expected a date like '2008-11-26', got {_show(value)}")
