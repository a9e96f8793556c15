"""What reference managers export, read into a list plan (pure): BibTeX (bibtexparser, which reads past
an entry it cannot parse, such as one with unbalanced braces, and says where) and CSL-JSON. An entry with
an arXiv eprint, URL or DOI naming arXiv is a paper; else its URL (or DOI) makes a link item; else its
title is matched against the catalogue like any unlinked title. ``annote`` / ``note`` becomes the verdict."""

from __future__ import annotations

import json
import logging
import re

from bibtexparser.entrypoint import parse_string

from papertalk.core.arxiv_ids import find_arxiv_refs, parse_arxiv_id
from papertalk.core.list_import_parse import MAX_ITEMS, TITLE_MAX, ListPlan, PlannedItem

_BRACES = re.compile(r"[{}]")


def _plain(value: object) -> str:
    return " ".join(_BRACES.sub("", str(value or "")).split())


def _reference(line: int, fields: dict[str, str]) -> PlannedItem | None:
    title = _plain(fields.get("title"))[:TITLE_MAX]
    item = PlannedItem(line, title)
    eprint = fields.get("eprint", "")
    ref = parse_arxiv_id(eprint) if eprint else None
    found = [ref] if ref else find_arxiv_refs(" ".join(fields.get(k, "") for k in ("url", "doi", "journal", "note")))
    url = fields.get("url", "").strip()
    doi = fields.get("doi", "").strip()
    if found:
        item.arxiv_id = found[0].arxiv_id
    elif url.lower().startswith(("http://", "https://")):
        item.url = url
    elif doi:
        item.url = "https://doi.org/" + doi
    item.verdict = (
        _plain(fields.get("annote") or fields.get("note", ""))[:500] if not found or fields.get("annote") else ""
    )
    if not item.title:
        item.title = f"arXiv:{item.arxiv_id}" if item.arxiv_id else (item.url or "")[:TITLE_MAX]
    return item if item.title else None


def parse_bibtex(text: str) -> ListPlan:
    plan = ListPlan(title="Imported references")
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)  # its warnings are our report's lines
    library = parse_string(text)
    for entry in library.entries[:MAX_ITEMS]:
        fields = {f.key.lower(): str(f.value) for f in entry.fields}
        item = _reference((entry.start_line or 0) + 1, fields)
        if item is None:
            plan.problems.append(
                f"line {(entry.start_line or 0) + 1}: @{entry.entry_type}{{{entry.key}: no title, link or eprint"
            )
        else:
            plan.items.append(item)
    for failed in library.failed_blocks:
        reason = str(getattr(failed.error, "abort_reason", "") or failed.error or "unreadable entry").strip()
        plan.problems.append(f"line {(failed.start_line or 0) + 1}: not understood as BibTeX: {reason[:120]}")
    if len(library.entries) > MAX_ITEMS:
        plan.problems.append(f"page: over {MAX_ITEMS:,} entries; the rest is not imported")
    return plan


def parse_csl_json(text: str) -> ListPlan | None:
    """The plan of a CSL-JSON array, or None when the text is not one."""
    try:
        entries = json.loads(text)
    except ValueError:
        return None
    if not isinstance(entries, list):
        return None
    plan = ListPlan(title="Imported references")
    for number, entry in enumerate(entries[:MAX_ITEMS], start=1):
        if not isinstance(entry, dict):
            plan.problems.append(f"entry {number}: not a CSL-JSON object")
            continue
        fields = {
            "title": str(entry.get("title", "")),
            "url": str(entry.get("URL", "")),
            "doi": str(entry.get("DOI", "")),
            "note": str(entry.get("note", "")),
            "eprint": str(entry.get("number", "")) if "arxiv" in str(entry.get("publisher", "")).lower() else "",
        }
        item = _reference(number, fields)
        if item is None:
            plan.problems.append(f"entry {number}: no title, link or arXiv id")
        else:
            plan.items.append(item)
    return plan


def looks_like_bibtex(text: str) -> bool:
    return text.lstrip().startswith(("@", "%")) and "@" in text[:5000] and "{" in text[:5000]
