"""Parse one arXiv export API response (the Atom feed ``export.arxiv.org/api/query`` returns) into papers.

The one job of this module: turn the bytes of one response page into ``Paper`` records, the per-entry
problems (the API's own error entries, entries we cannot read) and the page's OpenSearch counts. Pure:
no network, no database, no clock; the caller fetches, retries and stores.

* ``arxiv_id`` comes from the entry's ``<id>`` URL (``http://arxiv.org/abs/2104.12255v1``,
  ``http://arxiv.org/abs/hep-ex/0406020v1``) via ``core.arxiv_ids``; its ``vN`` is ``latest_version``.
* Titles, abstracts, names and the ``arxiv:`` fields keep their LaTeX; XML whitespace runs (the API
  wraps lines) collapse to one space and ends are stripped. An empty value counts as absent.
* ``categories``: ``arxiv:primary_category`` first, then each ``<category term>`` once, in feed order.
* ``published_at`` / ``updated_at``: UTC epoch seconds; a missing or malformed date is ``None``.
* ``versions`` stays ``()``: the API names only the latest version.

An entry that is an API error (id under ``arxiv.org/api/errors``), or has no ``<id>``, an id that is not
an arXiv paper, or no ``<title>`` becomes an ``AtomEntryError``; the other entries are still returned.
A document that is not XML, is truncated or is not an Atom feed raises ``AtomParseError``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.parsers.expat import errors as expat_errors

from papertalk.core.arxiv_ids import parse_arxiv_id
from papertalk.core.records import Paper

__all__ = ["AtomEntryError", "AtomPage", "AtomParseError", "parse_feed"]

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"

_FEED = _ATOM + "feed"
_ENTRY = _ATOM + "entry"
_ID = _ATOM + "id"
_TITLE = _ATOM + "title"
_SUMMARY = _ATOM + "summary"
_AUTHOR = _ATOM + "author"
_NAME = _ATOM + "name"
_CATEGORY = _ATOM + "category"
_PUBLISHED = _ATOM + "published"
_UPDATED = _ATOM + "updated"
_PRIMARY = _ARXIV + "primary_category"
_DOI = _ARXIV + "doi"
_JOURNAL_REF = _ARXIV + "journal_ref"
_COMMENT = _ARXIV + "comment"
_TOTAL = _OPENSEARCH + "totalResults"
_START = _OPENSEARCH + "startIndex"
_PER_PAGE = _OPENSEARCH + "itemsPerPage"

_API_ERROR_MARK = "arxiv.org/api/errors"
_XML_SPACE_CHARS = " \t\r\n"  # XML whitespace only: a no-break space in a title is content
_XML_SPACE = re.compile(r"[ \t\r\n]+")
# expat errors that mean "the input stopped early" rather than "the input is garbled"
_TRUNCATION_ERRORS = frozenset(
    expat_errors.codes[message]
    for message in (
        expat_errors.XML_ERROR_NO_ELEMENTS,
        expat_errors.XML_ERROR_UNCLOSED_TOKEN,
        expat_errors.XML_ERROR_PARTIAL_CHAR,
        expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
    )
)


@dataclass(frozen=True)
class AtomEntryError:
    """An entry the API returned as an error, or one we could not read.

    ``where`` is the entry's ``<id>`` when it has one, else its 1-based position (``"entry 3"``).
    """

    where: str
    reason: str


@dataclass(frozen=True)
class AtomPage:
    """One response page: its papers and entry errors in feed order, and its OpenSearch counts."""

    papers: list[Paper]
    errors: list[AtomEntryError]
    total_results: int | None
    start_index: int | None
    items_per_page: int | None


class AtomParseError(ValueError):
    """The whole document is unusable: not XML, truncated, or not an Atom feed. One-line message."""


def parse_feed(xml: bytes | str) -> AtomPage:
    """Parse one arXiv API Atom response; raise ``AtomParseError`` when the document is unusable."""
    root = _parse_document(xml)
    papers: list[Paper] = []
    errors: list[AtomEntryError] = []
    counts: dict[str, int | None] = {_TOTAL: None, _START: None, _PER_PAGE: None}
    position = 0
    for child in root:
        tag = child.tag
        if tag == _ENTRY:
            position += 1
            result = _entry(child, position)
            if isinstance(result, Paper):
                papers.append(result)
            else:
                errors.append(result)
        elif tag in counts:
            counts[tag] = _int(child.text)
    return AtomPage(papers, errors, counts[_TOTAL], counts[_START], counts[_PER_PAGE])


def _parse_document(xml: bytes | str) -> ET.Element:
    """The ``<feed>`` root element, or ``AtomParseError`` saying what is wrong and where."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        line, column = exc.position
        what = expat_errors.messages.get(exc.code, "XML error")
        kind = "is truncated or empty" if exc.code in _TRUNCATION_ERRORS else "is not XML"
        raise AtomParseError(f"arXiv API response {kind}: {what} at line {line}, column {column}") from None
    if root.tag != _FEED:
        shown = root.tag.replace(_ATOM, "atom:")[:80]
        raise AtomParseError(f"arXiv API response is not an Atom feed: root element is <{shown}>")
    return root


def _entry(entry: ET.Element, position: int) -> Paper | AtomEntryError:
    """One ``<entry>`` as a paper, or as the reason it is not one."""
    id_url = title = summary = doi = journal_ref = comment = primary = None
    published = updated = None
    authors: list[str] = []
    terms: list[str] = []
    for child in entry:
        tag = child.tag
        if tag == _AUTHOR:
            name = _text(child.find(_NAME))
            if name is not None:
                authors.append(name)
        elif tag == _CATEGORY:
            term = child.get("term", "").strip()
            if term:
                terms.append(term)
        elif tag == _ID:
            id_url = _text(child)
        elif tag == _TITLE:
            title = _text(child)
        elif tag == _SUMMARY:
            summary = _text(child)
        elif tag == _PUBLISHED:
            published = _epoch(child.text)
        elif tag == _UPDATED:
            updated = _epoch(child.text)
        elif tag == _PRIMARY:
            primary = child.get("term", "").strip() or None
        elif tag == _DOI:
            doi = _text(child)
        elif tag == _JOURNAL_REF:
            journal_ref = _text(child)
        elif tag == _COMMENT:
            comment = _text(child)

    if id_url is None:
        return AtomEntryError(f"entry {position}", "missing <id>")
    if _API_ERROR_MARK in id_url:
        return AtomEntryError(id_url, summary or title or "arXiv API error entry without a message")
    ref = parse_arxiv_id(id_url)
    if ref is None:
        return AtomEntryError(id_url, "<id> is not an arXiv paper id")
    if title is None:
        return AtomEntryError(id_url, "missing <title>")
    categories = tuple(dict.fromkeys([primary, *terms] if primary else terms))
    return Paper(
        arxiv_id=ref.arxiv_id,
        title=title,
        authors=tuple(authors),
        abstract=summary,
        categories=categories,
        published_at=published,
        updated_at=updated,
        latest_version=ref.version,
        doi=doi,
        journal_ref=journal_ref,
        comments=comment,
    )


def _text(element: ET.Element | None) -> str | None:
    """An element's text with whitespace runs collapsed and ends stripped; None when absent or empty."""
    if element is None:
        return None
    raw = element.text if len(element) == 0 else "".join(element.itertext())
    if not raw:
        return None
    text = raw.strip(_XML_SPACE_CHARS)
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:  # most values need no regex
        text = _XML_SPACE.sub(" ", text)
    return text or None


def _epoch(value: str | None) -> int | None:
    """UTC epoch seconds of an RFC 3339 timestamp (``2021-04-20T16:07:14Z``); None when unreadable.

    A timestamp without an offset is taken as UTC, which is what the API means.
    """
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _int(value: str | None) -> int | None:
    """An OpenSearch count; None when missing or not a non-negative integer."""
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isdigit() and value.isascii() else None
