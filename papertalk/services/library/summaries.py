"""Writing summaries and notes: check and render the text once (core.written_text), store source, HTML
and renderer version with a new version row, and keep the summary's post (services.library.attention) in
step with whether it is listed — all in one transaction. Also the preview (rendered, nothing stored),
deletion, the history and its diffs, and re-rendering rows an older renderer made."""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.config import Settings
from papertalk.core.people_records import User
from papertalk.core.summary_diff import diff_html
from papertalk.core.summary_records import VISIBILITIES, Summary, SummaryVersion
from papertalk.core.written_text import (
    RENDERER_VERSION,
    Flavour,
    RenderedText,
    WrittenTextError,
    check_written,
    render_written,
)
from papertalk.services.library import attention
from papertalk.services.library.summary_rights import SummaryNotFound, readable, require_author, signed_in
from papertalk.services.people.form_problems import FormProblem
from papertalk.storage.catalogue.paper_rows import paper_row_id
from papertalk.storage.engine import Connection, Engine
from papertalk.storage.library import summary_rows

TITLE_MAX = 300


@dataclass(frozen=True, slots=True)
class Draft:
    """What a person submitted for a summary or note, checked (the source as it will be stored)."""

    title: str
    source: str
    visibility: str
    anonymous: bool


def draft_of(title: str, source: str, visibility: str, anonymous: bool, kind: str = "summary") -> Draft:
    """A checked draft, or FormProblem naming the field: an empty or too long text, a NUL, a bad choice."""
    title = " ".join(title.split())
    if len(title) > TITLE_MAX:
        raise FormProblem(f"title: at most {TITLE_MAX} characters")
    if "\x00" in title:
        raise FormProblem("title: contains a NUL character (U+0000); remove it and save again")
    try:
        text = check_written(source, field="source")
    except WrittenTextError as error:
        raise FormProblem(str(error)) from None
    if not text.strip():
        raise FormProblem("source: write something first")
    if kind == "note":
        return Draft(title, text, "private", False)
    if visibility not in VISIBILITIES:
        raise FormProblem(f"visibility: choose one of {', '.join(VISIBILITIES)}")
    return Draft(title, text, visibility, anonymous)


def preview(draft: Draft) -> RenderedText:
    """The draft's HTML as it would be saved; nothing is stored."""
    return render_written(draft.source, Flavour.FULL)


def post_key(summary_id: int) -> str:
    return f"summary:{summary_id}"


def summary_url(settings: Settings, summary_id: int) -> str:
    return f"{settings.people.public_base_url.rstrip('/')}/summaries/{summary_id}"


def counts_as_post(settings: Settings, summary: Summary) -> bool:
    """Listed and signed with its author's name (an anonymous summary would name its author through the
    account it counted for, so it does not count)."""
    return settings.library.summaries_count and summary.listed and not summary.anonymous


def sync_attention(conn: Connection, settings: Settings, summary: Summary, now: int) -> None:
    """The summary's post counts exactly while it should (counts_as_post)."""
    key = post_key(summary.id)
    if counts_as_post(settings, summary):
        text = (summary.title + " — " if summary.title else "") + summary.source
        attention.count_as_post(conn, settings.ranking, summary.author, summary.arxiv_id, key,
                                summary_url(settings, summary.id), text, summary.created_at, now)  # fmt: skip
    else:
        attention.withdraw(conn, settings.ranking, key, now)


def _paper(conn: Connection, arxiv_id: str) -> int:
    row = paper_row_id(conn, arxiv_id)
    if row is None:
        raise SummaryNotFound(f"paper: papertalk does not know arXiv:{arxiv_id}")
    return row


def _values(draft: Draft, rendered: RenderedText) -> dict[str, object]:
    return {
        "visibility": draft.visibility, "anonymous": draft.anonymous, "title": draft.title, "source": draft.source,
        "html": rendered.html, "renderer_version": rendered.version, "formula_errors": rendered.formula_errors,
    }  # fmt: skip


def save_summary(engine: Engine, settings: Settings, actor: User | None, arxiv_id: str, draft: Draft,
                 now: int) -> Summary:  # fmt: skip
    """Write the actor's summary of the paper (made on the first save, a new version after)."""
    user = signed_in(actor, "write a summary")
    rendered = preview(draft)  # before the transaction: rendering takes the most time, and needs no lock
    with engine.begin() as conn:
        paper = _paper(conn, arxiv_id)
        mine = summary_rows.own_summary(conn, user.id, paper)
        if mine is None:
            values = {"user_id": user.id, "paper_id": paper, "kind": "summary", **_values(draft, rendered)}
            summary_id = summary_rows.insert_summary(conn, values, now)
        else:
            summary_id = mine.id
            summary_rows.update_summary(conn, summary_id, _values(draft, rendered), now)
        saved = summary_rows.summary_by_id(conn, summary_id)
        assert saved is not None
        sync_attention(conn, settings, saved, now)
    return saved


def save_note(engine: Engine, actor: User | None, arxiv_id: str, draft: Draft, now: int) -> Summary:
    """A new private note of the actor's on the paper."""
    user = signed_in(actor, "write a note")
    rendered = preview(draft)
    with engine.begin() as conn:
        paper = _paper(conn, arxiv_id)
        values = {"user_id": user.id, "paper_id": paper, "kind": "note", **_values(draft, rendered)}
        summary_id = summary_rows.insert_summary(conn, values, now)
        saved = summary_rows.summary_by_id(conn, summary_id)
    assert saved is not None
    return saved


def find(engine: Engine, viewer: User | None, summary_id: int) -> Summary:
    """The summary or note, if the viewer may see it (SummaryNotFound otherwise)."""
    with engine.connect() as conn:
        return readable(viewer, summary_rows.summary_by_id(conn, summary_id), summary_id)


def edit(engine: Engine, settings: Settings, actor: User | None, summary_id: int, draft: Draft, now: int) -> Summary:
    """Save a new version of one's own summary or note."""
    current = find(engine, actor, summary_id)
    require_author(actor, current, "edit")
    if current.kind == "note":
        draft = Draft(draft.title, draft.source, "private", False)
    rendered = preview(draft)
    with engine.begin() as conn:
        summary_rows.update_summary(conn, summary_id, _values(draft, rendered), now)
        saved = summary_rows.summary_by_id(conn, summary_id)
        assert saved is not None
        if saved.kind == "summary":
            sync_attention(conn, settings, saved, now)
    return saved


def delete(engine: Engine, settings: Settings, actor: User | None, summary_id: int, now: int) -> Summary:
    """Delete one's own summary or note, its versions, votes and comments; its post stops counting."""
    current = find(engine, actor, summary_id)
    require_author(actor, current, "delete")
    with engine.begin() as conn:
        attention.withdraw(conn, settings.ranking, post_key(summary_id), now)
        summary_rows.delete_summary(conn, summary_id)
    return current


def history(engine: Engine, actor: User | None, summary_id: int) -> tuple[Summary, list[SummaryVersion]]:
    """Every saved version (its author's only: an earlier version may have said what was taken back)."""
    current = find(engine, actor, summary_id)
    require_author(actor, current, "see the history")
    with engine.connect() as conn:
        return current, summary_rows.versions_of(conn, summary_id)


def diff(engine: Engine, actor: User | None, summary_id: int, old: int, new: int) -> str:
    """The escaped line diff from version ``old`` to version ``new``."""
    _, versions = history(engine, actor, summary_id)
    by_number = {v.version: v for v in versions}
    if old not in by_number or new not in by_number:
        raise FormProblem(f"version: choose versions between 1 and {len(versions)}")
    a, b = by_number[old], by_number[new]
    return diff_html(f"# {a.title}\n{a.source}", f"# {b.title}\n{b.source}", f"version {old}", f"version {new}")


def rerender_stale(engine: Engine, batch: int = 200) -> int:
    """Re-render (and store) the summaries and notes an older renderer made; returns how many. Run by
    maintenance, never by a page."""
    done = 0
    while True:
        with engine.begin() as conn:
            rows = summary_rows.stale(conn, RENDERER_VERSION, batch)
            for summary_id, _, source in rows:
                made = render_written(source, Flavour.FULL)
                summary_rows.rerender(conn, summary_id, made.html, made.version, made.formula_errors)
        done += len(rows)
        if len(rows) < batch:
            return done


def own_summary_of(engine: Engine, actor: User, arxiv_id: str) -> Summary | None:
    """The actor's summary of the paper, if they wrote one."""
    with engine.connect() as conn:
        paper = paper_row_id(conn, arxiv_id)
        return None if paper is None else summary_rows.own_summary(conn, actor.id, paper)
