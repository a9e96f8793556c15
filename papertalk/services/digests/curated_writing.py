"""Composing a curated digest: check who may (curated_rights), check every field (a clear one-line problem
naming the field and line, nothing half saved), render the intro and the comments once through the one
text pipeline, and save the digest with its picks in one transaction. A save names the version it was
made on; one made on a stale copy is refused with the input kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from papertalk.core.curated_records import CuratedDigest
from papertalk.core.written_text import RENDERER_VERSION, Flavour
from papertalk.services.digests.curated_reading import with_papers
from papertalk.services.digests.curated_rights import composer, key_for
from papertalk.services.library.list_adding import URL_MAX, target_of
from papertalk.services.library.list_editing import one_line, written
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import Actor
from papertalk.storage.catalogue.paper_rows import papers_by_arxiv_id
from papertalk.storage.engine import Engine
from papertalk.storage.library import curated_rows, list_rows
from papertalk.storage.library.list_content_rows import NewItem

PICKS_MAX = 50
LINKS_MAX = 50


@dataclass(frozen=True, slots=True)
class PickInput:
    paper: str  # an arXiv id or URL
    comment: str = ""
    line: int = 0  # where it was written (1-based), for the problem's words


@dataclass(frozen=True, slots=True)
class LinkInput:
    title: str
    url: str
    author: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class CuratedInput:
    stream: str  # "own", "everyone" or a shared network's name
    day: str  # ISO date
    title: str
    intro: str  # Markdown with math
    picks: tuple[PickInput, ...] = ()
    links: tuple[LinkInput, ...] = ()
    published_at: int | None = None  # None: a draft


def picks_from_lines(text: str) -> tuple[PickInput, ...]:
    """``2612.00001 — a comment`` (or ``… | comment``), one paper a line."""
    picks = []
    for number, line in enumerate(text.splitlines(), start=1):
        paper, _, comment = line.strip().replace(" | ", " — ", 1).partition(" ")
        if paper:
            picks.append(PickInput(paper, comment.strip().removeprefix("—").removeprefix("-").strip(), number))
    return tuple(picks)


def links_from_lines(text: str) -> tuple[LinkInput, ...]:
    """``Title | Author | https://…`` (or ``Title | https://…``), one link a line."""
    links = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = [p.strip() for p in line.split("|")]
        if not any(parts):
            continue
        if len(parts) not in (2, 3):
            raise FormProblem(f"links: line {number}: write 'title | author | https://…' (author optional)")
        links.append(LinkInput(parts[0], parts[-1], parts[1] if len(parts) == 3 else "", number))
    return tuple(links)


def publish_time(text: str, timezone: str) -> int | None:
    """A ``YYYY-MM-DDTHH:MM`` (a datetime-local field) in ``timezone`` as a Unix time; None when empty."""
    text = text.strip()
    if not text:
        return None
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        raise FormProblem(f"publish_at: {text[:30]!r} is not a date and time like 2026-12-07T08:00") from None
    return int(local.replace(tzinfo=local.tzinfo or ZoneInfo(timezone)).timestamp())


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise FormProblem(f"day: {text[:30]!r} is not a day like 2026-12-07") from None


def _items(engine: Engine, given: CuratedInput) -> list[NewItem]:
    if len(given.picks) > PICKS_MAX or len(given.links) > LINKS_MAX:
        raise FormProblem(f"papers: at most {PICKS_MAX} papers and {LINKS_MAX} links")
    ids = []
    for n, pick in enumerate(given.picks, start=1):
        target = target_of(pick.paper)
        if target is None or target.arxiv_id is None:
            raise FormProblem(f"papers: line {pick.line or n}: {pick.paper[:60]!r} is no arXiv id or arXiv link")
        ids.append(target.arxiv_id)
    with engine.connect() as conn:
        known = papers_by_arxiv_id(conn, ids)
    items = []
    for n, (pick, arxiv_id) in enumerate(zip(given.picks, ids, strict=True), start=1):
        paper = known.get(arxiv_id)
        if paper is None:
            raise FormProblem(f"papers: line {pick.line or n}: arXiv:{arxiv_id} is not in papertalk's catalogue yet")
        comment = written(pick.comment, "papers", Flavour.LINE)
        title = " ".join((paper.title or f"arXiv:{arxiv_id}").split())[:1000]
        items.append(NewItem(None, arxiv_id, None, title, comment, ("", ""), RENDERER_VERSION))
    for n, link in enumerate(given.links, start=1):
        where = f"links: line {link.line or n}"
        target = target_of(link.url)
        if target is None or target.url is None or len(link.url) > URL_MAX:
            raise FormProblem(f"{where}: {link.url[:60]!r} is no http(s) address")
        title = one_line(link.title, where)
        author = one_line(link.author, where, required=False)
        items.append(NewItem(None, None, target.url, title, ("", ""), ("", ""), RENDERER_VERSION, author=author))
    return items


def save_curated(engine: Engine, actor: Actor | None, given: CuratedInput, expected: int | None, now: int) -> int:
    """Make or change the curated digest of ``given.day`` for ``given.stream``; its id. ``expected``: the
    version the change was made on (None: a new one; refused when one exists already)."""
    user = composer(actor)
    day = _day(given.day)
    title = one_line(given.title, "title", required=False) or f"Digest of {day}"
    intro = written(given.intro, "intro", Flavour.FULL)
    items = _items(engine, given)
    with engine.begin() as conn:
        key = key_for(conn, user, given.stream)
        found = curated_rows.curated_of_day(conn, [key], day)
        if not found:
            made = curated_rows.insert_curated(conn, key, day, user.id, title, (*intro, RENDERER_VERSION),
                                               given.published_at, now)  # fmt: skip
            if made is None:  # another editor made the day's digest at the same moment: theirs stands
                raise FormProblem("form: another editor has just made this day's digest; open it again")
            list_id = made
        else:
            list_id = found[0].id
            if expected is None or not list_rows.bump_version(conn, list_id, expected, user.id, now, "curated"):
                raise FormProblem(f"form: this digest changed since you opened it (now version "
                                  f"{found[0].version}); your input is kept below")  # fmt: skip
            list_rows.set_fields(conn, list_id, title=title, description_source=intro[0],
                                 description_html=intro[1], published_at=given.published_at)  # fmt: skip
        curated_rows.replace_items(conn, list_id, items, user.id, now)
    return list_id


def find_curated(engine: Engine, actor: Actor | None, stream: str, day: str) -> CuratedDigest | None:
    """The curated digest of ``day`` for ``stream``, drafts too, for someone who may compose it."""
    with engine.connect() as conn:
        found = with_papers(conn, curated_rows.curated_of_day(conn, [key_for(conn, actor, stream)], _day(day)))
    return found[0] if found else None
