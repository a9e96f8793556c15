"""Importing a page of notes as a new list: read it (Markdown, plain text or HTML) into a plan, look each
unlinked talk title up in the local catalogue's search and offer its best candidates (never chosen
silently), then, once the person has seen the preview and chosen, save the whole list in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.config import Settings
from papertalk.core.html_notes import html_as_markdown, looks_like_html
from papertalk.core.list_import_parse import ListPlan, PlannedItem, PlannedSection, parse_notes
from papertalk.core.list_records import VISIBILITIES
from papertalk.core.reference_files import looks_like_bibtex, parse_bibtex, parse_csl_json
from papertalk.core.search_query import QueryError
from papertalk.core.written_text import RENDERER_VERSION, Flavour
from papertalk.services.library import list_attention
from papertalk.services.library.list_access import signed_in
from papertalk.services.library.list_editing import written
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import Actor
from papertalk.services.search.paper_search import SearchQueryError, search_papers
from papertalk.storage.catalogue.paper_rows import papers_titled
from papertalk.storage.engine import Connection, Engine
from papertalk.storage.library import list_content_rows, list_rows
from papertalk.storage.library.list_content_rows import NewItem

CANDIDATES = 3
MAX_MATCHED = 500  # unlinked titles looked up per import; past it they are kept as plain titles


@dataclass(frozen=True, slots=True)
class Candidate:
    arxiv_id: str
    title: str


@dataclass
class Preview:
    plan: ListPlan
    candidates: dict[int, list[Candidate]]  # by the item's line number


AUTO = "auto"
FORMATS = {
    AUTO: "found from the file's name or the text",
    "markdown": "Markdown",
    "text": "plain text (a page copied from a browser)",
    "html": "HTML",
    "bibtex": "BibTeX",
    "csl-json": "CSL-JSON",
}
_EXTENSIONS = {  # a .txt says nothing of what is in it (a BibTeX or HTML file saved as text): AUTO
    "md": "markdown",
    "markdown": "markdown",
    "html": "html",
    "htm": "html",
    "xhtml": "html",
    "bib": "bibtex",
    "bibtex": "bibtex",
    "json": "csl-json",
    "csl": "csl-json",
}


def format_of(kind: str, filename: str = "") -> str:
    """The format to read a page as: the person's explicit choice, else the file's extension, else AUTO
    (found from the text by ``read_page``)."""
    if kind not in FORMATS:
        raise FormProblem(f"format: one of {', '.join(FORMATS)}")
    if kind != AUTO:
        return kind
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return _EXTENSIONS.get(extension, AUTO)


def read_page(text: str, kind: str = AUTO) -> ListPlan:
    """The plan of a page read as ``kind`` (see FORMATS); AUTO finds BibTeX, CSL-JSON, HTML, or Markdown /
    plain text from the text itself."""
    if kind == "bibtex" or (kind == AUTO and looks_like_bibtex(text)):
        return parse_bibtex(text)
    if kind == "csl-json" or (kind == AUTO and text.lstrip().startswith("[")):
        references = parse_csl_json(text)
        if references is not None:
            return references
        if kind == "csl-json":
            return ListPlan(problems=["page: not CSL-JSON (a JSON array of objects); choose another format"])
    if kind == "html" or (kind == AUTO and looks_like_html(text)):
        return parse_notes(html_as_markdown(text))
    return parse_notes(text)


def candidates_for(engine: Engine, title: str) -> list[Candidate]:
    """The catalogue's best matches for a talk title (its words, searched as the search page does)."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in title).split() if len(w) > 2]
    if not words:
        return []
    try:
        results = search_papers(engine, " ".join(words[:12]), limit=CANDIDATES)
    except (SearchQueryError, QueryError):
        return []
    return [Candidate(h.paper.arxiv_id, h.paper.title or h.paper.arxiv_id) for h in results.hits]


def title_key(title: str) -> str:
    """A title as ``papers_titled`` compares it: lower case, spaces collapsed."""
    return " ".join(title.split()).lower()


def preview(engine: Engine, text: str, kind: str = AUTO) -> Preview:
    """The page's plan and each unlinked title's candidates: first every title looked up at once among the
    catalogue's titles (one indexed query: a talk is usually titled as its paper), then a search for each
    title that is no paper's title (bounded, but ~0.5 s each at 3M papers on a busy machine)."""
    plan = read_page(text, kind)
    unlinked = [i for i in plan.all_items() if i.unlinked][:MAX_MATCHED]
    with engine.connect() as conn:
        titled = papers_titled(conn, [title_key(i.title) for i in unlinked if i.title.strip()], CANDIDATES)
    found: dict[int, list[Candidate]] = {}
    for item in unlinked:
        exact = titled.get(title_key(item.title))
        if exact:
            found[item.line] = [Candidate(p.arxiv_id, p.title or p.arxiv_id) for p in exact]
        elif hits := candidates_for(engine, item.title):
            found[item.line] = hits
    return Preview(plan, found)


def _new_item(item: PlannedItem, section_id: int | None, choices: dict[int, str], problems: list[str]) -> NewItem:
    arxiv_id = item.arxiv_id or (choices.get(item.line) or None)
    try:
        verdict = written(item.verdict, "verdict", Flavour.LINE)
    except FormProblem as problem:
        problems.append(f"line {item.line}: {problem.message}; kept as the note")
        verdict, item.note_lines = ("", ""), [item.verdict, *item.note_lines]
    return NewItem(
        section_id,
        arxiv_id,
        item.url,
        item.title or "untitled",
        verdict,
        written(item.note, "note", Flavour.FULL),
        RENDERER_VERSION,
        tuple(item.links[:20]),
        tuple(t.lower() for t in item.tags[:20]),
        "read" if item.read else "to-read",
    )


def _save_section(
    conn: Connection,
    list_id: int,
    parent: int | None,
    section: PlannedSection,
    choices: dict[int, str],
    problems: list[str],
) -> list[NewItem]:
    section_id = list_content_rows.insert_section(conn, list_id, parent, section.title or "untitled")
    items = [_new_item(i, section_id, choices, problems) for i in section.items]
    for child in section.children:
        items.extend(_save_section(conn, list_id, section_id, child, choices, problems))
    return items


def save_import(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    text: str,
    choices: dict[int, str],
    visibility: str,
    now: int,
    title: str = "",
    kind: str = AUTO,
) -> tuple[int, list[str]]:
    """Save the page as a new list, each unlinked title as the paper chosen for it (``choices``: line →
    arXiv id, "" to keep it as a plain title); the list's id and the problems, in one transaction."""
    user = signed_in(actor, "import a list")
    if visibility not in VISIBILITIES:
        raise FormProblem(f"visibility: one of {', '.join(VISIBILITIES)}")
    plan = read_page(text, format_of(kind))
    problems = list(plan.problems)
    if not plan.all_items() and not plan.sections:
        raise FormProblem("page: no headings, bullets or links found; nothing to import")
    description = written(plan.description, "description", Flavour.FULL)
    with engine.begin() as conn:
        list_id = list_rows.insert_list(
            conn, user.id, (title.strip() or plan.title)[:200], (*description, RENDERER_VERSION), visibility, now
        )
        items = [_new_item(i, None, choices, problems) for i in plan.items]
        for section in plan.sections:
            items.extend(_save_section(conn, list_id, None, section, choices, problems))
        list_content_rows.insert_items(conn, list_id, items, user.id, now)
        list_attention.count_items(conn, settings, list_id, None, now)  # a public list's papers: posts
    return list_id, problems
