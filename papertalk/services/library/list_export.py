"""A list exported: Markdown in the conference write-up's layout (which imports back to the same list),
BibTeX of every paper it holds, CSV (one row per item) and JSON (also the twin of the list's page)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from papertalk.core.bibtex import bibtex
from papertalk.core.list_markdown import list_markdown
from papertalk.core.list_records import ListView
from papertalk.services.library.list_reading import papers_of
from papertalk.storage.engine import Engine

KINDS = ("md", "bib", "csv", "json")


def exported(engine: Engine, view: ListView, kind: str) -> tuple[str, str] | None:
    """(body, media type) of the list exported as ``kind``: md, bib, csv or json."""
    if kind == "md":
        return list_markdown(view), "text/markdown; charset=utf-8"
    if kind == "bib":
        ids = [i.arxiv_id for i in view.all_items() if i.arxiv_id]
        papers = papers_of(engine, ids)
        return "\n".join(
            bibtex(papers[a]) for a in dict.fromkeys(ids) if a in papers
        ), "application/x-bibtex; charset=utf-8"
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["section", "title", "arxiv_id", "url", "verdict", "note", "tags", "state"])
        names = {s.id: s.title for s in view.sections} | {
            c.id: f"{s.title}/{c.title}" for s in view.sections for c in s.children
        }
        for i in view.all_items():
            writer.writerow(
                [
                    names.get(i.section_id or 0, ""),
                    i.title,
                    i.arxiv_id or "",
                    i.url or "",
                    i.verdict_source,
                    i.note_source,
                    " ".join(i.tags),
                    i.read_state,
                ]
            )
        return out.getvalue(), "text/csv; charset=utf-8"
    if kind == "json":
        return json.dumps(view_json(view), ensure_ascii=False, indent=1), "application/json"
    return None


def _item_json(i: Any) -> dict[str, object]:
    return {
        "id": i.id,
        "title": i.title,
        "arxiv_id": i.arxiv_id,
        "url": i.url,
        "verdict": i.verdict_source,
        "verdict_html": i.verdict_html,
        "note": i.note_source,
        "note_html": i.note_html,
        "links": [list(p) for p in i.links],
        "tags": list(i.tags),
        "state": i.read_state,
    }


def view_json(view: ListView) -> dict[str, object]:
    """A list as JSON (its page's twin and its JSON export)."""
    r = view.ref
    return {
        "id": r.id,
        "title": r.title,
        "owner": r.owner_name,
        "visibility": r.visibility,
        "version": r.version,
        "description": r.description_source,
        "description_html": r.description_html,
        "editors": list(view.editors),
        "digest_day": r.digest_day,
        "items": [_item_json(i) for i in view.items],
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "items": [_item_json(i) for i in s.items],
                "sections": [
                    {"id": c.id, "title": c.title, "items": [_item_json(i) for i in c.items]} for c in s.children
                ],
            }
            for s in view.sections
        ],
    }
