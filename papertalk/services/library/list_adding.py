"""Adding items to a list: an arXiv paper (an id or an arXiv URL; its title from the catalogue) or any other
link with a title. Adding appends, so it conflicts with no one's edit and needs no version."""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.config import Settings
from papertalk.core.arxiv_ids import parse_arxiv_id
from papertalk.core.written_text import RENDERER_VERSION, Flavour
from papertalk.services.library import list_attention
from papertalk.services.library.list_editing import Saved, change, one_line, section_by_path, written
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import Actor
from papertalk.storage.catalogue.paper_rows import papers_by_arxiv_id
from papertalk.storage.engine import Connection, Engine
from papertalk.storage.library import list_content_rows
from papertalk.storage.library.list_content_rows import NewItem

URL_MAX = 2000


@dataclass(frozen=True, slots=True)
class Target:
    """What an add box named: a paper, or a link."""

    arxiv_id: str | None
    url: str | None


def target_of(text: str) -> Target | None:
    """A paper (id or arXiv URL) or an http(s) link; None for anything else (the caller searches for it)."""
    text = text.strip()
    if not text or len(text) > URL_MAX:
        return None
    ref = parse_arxiv_id(text)
    if ref is not None:
        return Target(ref.arxiv_id, None)
    if text.lower().startswith(("https://", "http://")) and not any(c.isspace() for c in text):
        return Target(None, text)
    return None


def link_pairs(text: str) -> tuple[tuple[str, str], ...]:
    """Extra links, one a line: ``label https://…`` or a bare URL."""
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        url = words[-1]
        if not url.lower().startswith(("https://", "http://")) or len(url) > URL_MAX:
            raise FormProblem(f"links: line {number}: end the line with an http(s) address")
        pairs.append((" ".join(words[:-1])[:80] or "link", url))
    return tuple(pairs[:20])


def new_item(
    conn: Connection,
    target: Target,
    section_id: int | None,
    title: str,
    verdict: str,
    note: str,
    tags: str = "",
    links: str = "",
) -> NewItem:
    if target.arxiv_id is not None:
        known = papers_by_arxiv_id(conn, [target.arxiv_id]).get(target.arxiv_id)
        title = title.strip() or (known.title if known and known.title else f"arXiv:{target.arxiv_id}")
    return NewItem(
        section_id,
        target.arxiv_id,
        target.url,
        one_line(" ".join(title.split()), "title"),
        written(verdict, "verdict", Flavour.LINE),
        written(note, "note", Flavour.FULL),
        RENDERER_VERSION,
        link_pairs(links),
        tuple(dict.fromkeys(t.strip("#,").lower()[:40] for t in tags.split() if t.strip("#,")))[:20],
    )


def add_item(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    list_id: int,
    what: str,
    *,
    now: int,
    title: str = "",
    section: str | int | None = None,
    verdict: str = "",
    note: str = "",
    tags: str = "",
    links: str = "",
) -> Saved:
    """Append a paper or a link; ``section`` is a section id or a path such as ``Tuesday/Main talks``."""
    target = target_of(what)
    if target is None:
        raise FormProblem("paper: give an arXiv id, an arXiv or other http(s) link, or search for the paper")
    if target.url is not None and not title.strip():
        raise FormProblem("title: a link needs a title")

    def apply(conn: Connection) -> None:
        if isinstance(section, str):
            section_id = section_by_path(conn, list_id, section)
        else:
            section_id = section
            if section_id is not None and section_id not in {
                s[0] for s in list_content_rows.sections_of(conn, list_id)
            }:
                raise FormProblem("section: no such section in this list")
        item = new_item(conn, target, section_id, title, verdict, note, tags, links)
        made = list_content_rows.insert_items(conn, list_id, [item], getattr(actor, "id", None), now)
        list_attention.count_items(conn, settings, list_id, made, now)  # a paper on a public list: a post

    return change(engine, actor, list_id, None, f"added {target.arxiv_id or target.url}"[:200], apply, now)
