"""Parse one arXiv OAI-PMH response (a ``ListRecords`` or ``GetRecord`` page) into papers.

The one job of this module: turn the bytes of one OAI-PMH response into ``Paper`` records, the ids of
deleted records, the records we cannot read, the OAI-level error if the server answered with one, and
the page's resumption token. Pure: no network, no database, no clock; ``oai_pmh`` fetches and retries.

* Metadata formats: ``arXiv`` (structured authors, ``created``/``updated`` dates) and ``arXivRaw``
  (one authors string, one ``<version>`` per version with an RFC 822 date). Elements are matched by
  local name, so a format element that lost its namespace still reads.
* ``arxiv_id`` comes from the metadata ``<id>`` via ``core.arxiv_ids`` (old- and new-style ids).
* Titles, abstracts, comments and names keep their LaTeX; XML whitespace runs collapse to one space and
  ends are stripped. An empty value counts as absent.
* ``categories``: the space-separated ``<categories>`` in order (arXiv lists the primary first), once each.
* ``doi``: the first of the DOIs the field lists (arXiv separates several with spaces).
* Dates are UTC epoch seconds. ``arXiv``: ``published_at`` is ``created``, ``updated_at`` is ``updated``
  (or ``created`` when there is one version, as the Atom API does); versions are not listed. ``arXivRaw``:
  ``versions`` as ``(n, submitted at)`` oldest first, ``published_at`` v1's date, ``updated_at`` the latest
  version's, ``latest_version`` the highest number.
* ``arXivRaw`` authors are split at top-level commas, semicolons, colons, `` and `` and `` & `` (not inside
  parentheses or braces); parenthesized affiliations are dropped, a ``Jr.``/``III`` piece joins the name
  before it, and ``et al.`` is dropped. Names without a letter or digit (``:``) are dropped in both formats.

A deleted record (``<header status="deleted">``) adds its id to ``deleted``. A record without metadata,
in another format (``oai_dc``), or without a valid ``<id>`` or a ``<title>`` becomes an ``OaiRecordError``;
the other records are still returned. An OAI ``<error code>`` fills ``oai_error`` and the page has no
papers. A document that is not XML, is truncated or is not an OAI-PMH response raises ``OaiParseError``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from xml.parsers.expat import errors as expat_errors

from papertalk.core.arxiv_ids import MAX_VERSION_DIGITS, parse_arxiv_id
from papertalk.core.records import Paper

__all__ = ["OaiError", "OaiPage", "OaiParseError", "OaiRecordError", "parse_list_records", "split_authors"]

_XML_SPACE_CHARS = " \t\r\n"  # XML whitespace only: a no-break space in a title is content
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_OAI_ID_PREFIX = "oai:arxiv.org:"
_TRUNCATION_ERRORS = frozenset(
    expat_errors.codes[message]
    for message in (
        expat_errors.XML_ERROR_NO_ELEMENTS,
        expat_errors.XML_ERROR_UNCLOSED_TOKEN,
        expat_errors.XML_ERROR_PARTIAL_CHAR,
        expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
    )
)
# arXivRaw authors: separators at the top level, and pieces that are not names of their own
_SPLIT_MARK = "\x00"
_KEPT_SPACE = "\x01"  # a space inside {...} (LaTeX): never a separator
_ANY_SEPARATOR = re.compile(r"[,;:]")
_AUTHOR_SPLIT = re.compile(r"\x00(?:\s*and\s)?|\s(?:and|&)\s")
_SUFFIX = re.compile(r"(?:jr|sr|ii|iii|iv)\.?", re.IGNORECASE)
_ET_AL = re.compile(r"et\.?\s+al\.?", re.IGNORECASE)
_TRAILING_ET_AL = re.compile(r"\s+et\.?\s+al\.?\s*$", re.IGNORECASE)
_HAS_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class OaiError:
    """An OAI-PMH ``<error>``: ``noRecordsMatch``, ``badResumptionToken``, ``badArgument``, ..."""

    code: str
    message: str


@dataclass(frozen=True)
class OaiRecordError:
    """A record we could not read: ``where`` is its OAI identifier, else its position (``"record 3"``)."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True)
class OaiPage:
    """One response: papers, deleted ids and record errors in document order, the resumption token (None
    when absent or empty: the list is complete) with its counts, or the OAI error the server answered."""

    papers: list[Paper]
    deleted: list[str]
    errors: list[OaiRecordError]
    resumption_token: str | None
    complete_list_size: int | None
    cursor: int | None
    oai_error: OaiError | None


class OaiParseError(ValueError):
    """The whole document is unusable: not XML, truncated, or not an OAI-PMH response. One-line message."""


def parse_list_records(xml: bytes | str) -> OaiPage:
    """Parse one OAI-PMH ``ListRecords`` (or ``GetRecord``) response; raise ``OaiParseError`` if unusable."""
    root = _parse_document(xml)
    papers: list[Paper] = []
    deleted: list[str] = []
    errors: list[OaiRecordError] = []
    token: ET.Element | None = None
    for child in root:
        name = _local(child.tag)
        if name == "error":
            error = OaiError(child.get("code", "").strip(), _text(child) or "")
            return OaiPage([], [], [], None, None, None, error)
        if name not in ("ListRecords", "GetRecord"):
            continue
        position = 0
        for item in child:
            kind = _local(item.tag)
            if kind == "record":
                position += 1
                result = _record(item, position)
                if isinstance(result, Paper):
                    papers.append(result)
                elif isinstance(result, OaiRecordError):
                    errors.append(result)
                else:
                    deleted.append(result)
            elif kind == "resumptionToken":
                token = item
    if token is None:
        return OaiPage(papers, deleted, errors, None, None, None, None)
    size, cursor = _int(token.get("completeListSize")), _int(token.get("cursor"))
    return OaiPage(papers, deleted, errors, _text(token), size, cursor, None)


def _parse_document(xml: bytes | str) -> ET.Element:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        line, column = exc.position
        what = expat_errors.messages.get(exc.code, "XML error")
        kind = "is truncated or empty" if exc.code in _TRUNCATION_ERRORS else "is not XML"
        raise OaiParseError(f"OAI-PMH response {kind}: {what} at line {line}, column {column}") from None
    if _local(root.tag) != "OAI-PMH":
        raise OaiParseError(f"not an OAI-PMH response: root element is <{root.tag[:80]}>")
    return root


def _record(record: ET.Element, position: int) -> Paper | OaiRecordError | str:
    """One ``<record>`` as a paper, the id of a deleted record, or the reason it is neither."""
    header = _child(record, "header")
    identifier = _text(_child(header, "identifier"))
    where = identifier or f"record {position}"
    if header is not None and header.get("status") == "deleted":
        oai_id = identifier or ""
        if oai_id.lower().startswith(_OAI_ID_PREFIX):
            oai_id = oai_id[len(_OAI_ID_PREFIX) :]
        gone = parse_arxiv_id(oai_id)
        return OaiRecordError(where, "deleted record without an arXiv identifier") if gone is None else gone.arxiv_id
    metadata = _child(record, "metadata")
    fmt = next(iter(metadata), None) if metadata is not None else None
    if fmt is None:
        return OaiRecordError(where, "no <metadata>")
    kind = _local(fmt.tag)
    if kind not in ("arXiv", "arXivRaw"):
        return OaiRecordError(where, f"metadata format <{kind}> is not supported (only arXiv and arXivRaw)")
    fields: dict[str, list[ET.Element]] = {}
    for element in fmt:
        fields.setdefault(_local(element.tag), []).append(element)
    raw_id = _first_text(fields, "id")
    if raw_id is None:
        return OaiRecordError(where, "missing <id>")
    ref = parse_arxiv_id(raw_id)
    if ref is None:
        return OaiRecordError(where, f"<id> {raw_id[:60]!r} is not an arXiv paper id")
    title = _first_text(fields, "title")
    if title is None:
        return OaiRecordError(where, "missing <title>")
    versions: tuple[tuple[int, int], ...] = ()
    if kind == "arXiv":
        names = (_structured_name(a) for box in fields.get("authors", ()) for a in box if _local(a.tag) == "author")
        authors = tuple(name for name in names if name is not None)
        published = _day(_first_text(fields, "created"))
        updated = _day(_first_text(fields, "updated"))
        updated = published if updated is None else updated
        latest = ref.version
    else:
        authors = split_authors(_first_text(fields, "authors") or "")
        numbers, versions = _versions(fields.get("version", []))
        published = versions[0][1] if versions and versions[0][0] == 1 else None
        updated = versions[-1][1] if versions else None
        latest = max(numbers) if numbers else ref.version
    return Paper(
        arxiv_id=ref.arxiv_id,
        title=title,
        authors=authors,
        abstract=_first_text(fields, "abstract"),
        categories=tuple(dict.fromkeys((_first_text(fields, "categories") or "").split())),
        published_at=published,
        updated_at=updated,
        latest_version=latest,
        doi=_first_doi(_first_text(fields, "doi")),
        journal_ref=_first_text(fields, "journal-ref"),
        comments=_first_text(fields, "comments"),
        versions=versions,
    )


def _versions(elements: list[ET.Element]) -> tuple[set[int], tuple[tuple[int, int], ...]]:
    """Version numbers seen, and ``(n, submitted at)`` for those with a readable date, oldest first."""
    numbers: set[int] = set()
    dated: dict[int, int] = {}
    for element in elements:
        label = element.get("version", "").strip().lower().removeprefix("v")
        if not (label.isdigit() and label.isascii()) or len(label) > MAX_VERSION_DIGITS:
            continue
        number = int(label)
        numbers.add(number)
        when = _rfc822(_text(_child(element, "date")))
        if when is not None and number not in dated:
            dated[number] = when
    return numbers, tuple(sorted(dated.items()))


def split_authors(value: str) -> tuple[str, ...]:
    """An arXivRaw authors string as names: ``"A. One, B. Two (MIT), and C. Three, Jr."`` -> 3 names.

    Splits only at the top level: never inside ``(...)`` (affiliations, dropped) or ``{...}`` (LaTeX, kept).
    """
    flat = _XML_SPACE.sub(" ", value)
    marked = _mark_top_level(flat)
    if marked is None:  # unbalanced brackets: split everywhere rather than drop names after a stray "("
        marked = _ANY_SEPARATOR.sub(_SPLIT_MARK, flat)
    names: list[str] = []
    for piece in _AUTHOR_SPLIT.split(marked):
        name = _TRAILING_ET_AL.sub("", piece.replace(_KEPT_SPACE, " ")).strip(" ")
        name = _XML_SPACE.sub(" ", name)
        if not _HAS_WORD.search(name) or _ET_AL.fullmatch(name):
            continue
        if names and _SUFFIX.fullmatch(name):
            names[-1] = f"{names[-1]} {name}"
        else:
            names.append(name)
    return tuple(names)


def _mark_top_level(text: str) -> str | None:
    """``text`` with top-level ``,;:`` turned into a split mark, ``(...)`` removed and spaces inside
    ``{...}`` protected; None when the brackets do not balance."""
    out: list[str] = []
    stack: list[str] = []
    for ch in text:
        if ch in "({":
            stack.append(ch)
        if not stack:
            out.append(_SPLIT_MARK if ch in ",;:" else ch)
        elif stack[0] == "{":
            out.append(_KEPT_SPACE if ch == " " else ch)
        if ch in ")}" and stack:
            if stack[-1] != ("(" if ch == ")" else "{"):
                return None
            stack.pop()
    return None if stack else "".join(out)


def _structured_name(author: ET.Element) -> str | None:
    parts = {_local(p.tag): _text(p) for p in author}
    name = " ".join(p for p in (parts.get("forenames"), parts.get("keyname"), parts.get("suffix")) if p)
    return name if _HAS_WORD.search(name) else None


def _first_doi(value: str | None) -> str | None:
    if value is None:
        return None
    first = value.split()[0].rstrip(",;")
    return first or None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    if element is None:
        return None
    return next((c for c in element if _local(c.tag) == name), None)


def _first_text(fields: dict[str, list[ET.Element]], name: str) -> str | None:
    found = fields.get(name)
    return _text(found[0]) if found else None


def _text(element: ET.Element | None) -> str | None:
    """An element's text with whitespace runs collapsed and ends stripped; None when absent or empty."""
    if element is None:
        return None
    raw = element.text if len(element) == 0 else "".join(element.itertext())
    if not raw:
        return None
    text = raw.strip(_XML_SPACE_CHARS)
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        text = _XML_SPACE.sub(" ", text)
    return text or None


def _day(value: str | None) -> int | None:
    """UTC epoch seconds of midnight on a ``YYYY-MM-DD`` date; None when unreadable."""
    if not value:
        return None
    try:
        return int(datetime.strptime(value.strip(), "%Y-%m-%d").replace(tzinfo=UTC).timestamp())
    except ValueError:
        return None


def _rfc822(value: str | None) -> int | None:
    """UTC epoch seconds of ``Mon, 2 Apr 2007 19:18:42 GMT``; None when unreadable."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return int((moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).timestamp())


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isdigit() and value.isascii() else None
