"""A person's summaries and notes taken away and brought back: a zip of Markdown files (front matter
naming the arXiv id, kind, visibility and title, then the text as written), with the same in JSON and CSV;
and Markdown files of that form read back in (a summary replaces the person's summary of that paper,
a note is added). Only the person's own texts are ever exported."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass

from papertalk.config import Settings
from papertalk.core.arxiv_ids import parse_arxiv_id
from papertalk.core.people_records import User
from papertalk.core.people_rules import name_key
from papertalk.core.summary_records import KINDS, Summary
from papertalk.services.library import summaries, summary_lists
from papertalk.services.library.summary_rights import SummaryNotFound
from papertalk.services.people.form_problems import FormProblem
from papertalk.storage.engine import Engine
from papertalk.storage.people.user_rows import user_by_key

FIELDS = ("arxiv_id", "kind", "visibility", "anonymous", "title", "created_at", "updated_at")


class ImportProblem(ValueError):
    """A Markdown file that cannot be imported: ``line: reason``."""


def person_named(engine: Engine, name: str) -> User:
    with engine.connect() as conn:
        found = user_by_key(conn, name_key(name))
    if found is None:
        raise FormProblem(f"user: nobody called {name[:64]!r}")
    return found


def markdown_of(s: Summary) -> str:
    head = {"arxiv_id": s.arxiv_id, "kind": s.kind, "visibility": s.visibility, "anonymous": s.anonymous,
            "title": s.title, "created_at": s.created_at, "updated_at": s.updated_at}  # fmt: skip
    lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in head.items()]
    # The text exactly as stored after the closing line (no newline added): importing the file gives it back.
    return "---\n" + "\n".join(lines) + "\n---\n" + s.source


def export_zip(engine: Engine, user: User) -> bytes:
    """The zip: ``<arxiv id>-<kind>-<number>.md`` for each text, ``notes.json`` and ``notes.csv``."""
    texts = summary_lists.own(engine, user)
    out = io.BytesIO()
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(("id", *FIELDS, "source"))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for s in texts:
            archive.writestr(f"{s.arxiv_id.replace('/', '_')}-{s.kind}-{s.id}.md", markdown_of(s))
            writer.writerow((s.id, s.arxiv_id, s.kind, s.visibility, s.anonymous, s.title, s.created_at,
                             s.updated_at, s.source))  # fmt: skip
        rows = [{"id": s.id, **{k: getattr(s, k) for k in FIELDS}, "source": s.source} for s in texts]
        archive.writestr("notes.json", json.dumps(rows, ensure_ascii=False, indent=2))
        archive.writestr("notes.csv", table.getvalue())
    return out.getvalue()


@dataclass(frozen=True)
class Parsed:
    arxiv_id: str
    kind: str
    visibility: str
    anonymous: bool
    title: str
    source: str


def parse_markdown(text: str) -> Parsed:
    """A file of the export's form; ImportProblem (``line N: what``) otherwise."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise ImportProblem("line 1: a front matter block starting with '---' is needed")
    closing = next((n for n, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
    if closing is None:
        raise ImportProblem("front matter: no closing '---' line")
    head: dict[str, object] = {}
    for number, line in enumerate(lines[1:closing], start=2):
        if not line.strip():
            continue
        key, sep, raw = line.partition(":")
        if not sep:
            raise ImportProblem(f"line {number}: expected 'key: value'")
        try:
            head[key.strip()] = json.loads(raw.strip())
        except ValueError:
            head[key.strip()] = raw.strip()
    source = "\n".join(lines[closing + 1 :])
    arxiv_id, kind = str(head.get("arxiv_id", "")), str(head.get("kind", "note"))
    if not arxiv_id:
        raise ImportProblem("front matter: arxiv_id is missing")
    if kind not in KINDS:
        raise ImportProblem(f"front matter: kind must be one of {', '.join(KINDS)}")
    return Parsed(arxiv_id, kind, str(head.get("visibility", "private")), head.get("anonymous") is True,
                  str(head.get("title", "")), source)  # fmt: skip


def import_markdown(engine: Engine, settings: Settings, user: User, text: str, now: int) -> Summary:
    """Save one file's text as the user's summary or note (ImportProblem, FormProblem or SummaryNotFound
    say why not)."""
    parsed = parse_markdown(text)
    ref = parse_arxiv_id(parsed.arxiv_id)
    if ref is None:
        raise ImportProblem(f"front matter: not an arXiv id: {parsed.arxiv_id[:80]!r}")
    draft = summaries.draft_of(parsed.title, parsed.source, parsed.visibility, parsed.anonymous, parsed.kind)
    arxiv_id = ref.arxiv_id
    if parsed.kind == "note":
        return summaries.save_note(engine, user, arxiv_id, draft, now)
    return summaries.save_summary(engine, settings, user, arxiv_id, draft, now)


__all__ = ["ImportProblem", "SummaryNotFound", "export_zip", "import_markdown", "person_named"]
