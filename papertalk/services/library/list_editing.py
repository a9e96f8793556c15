"""Changing a list: its fields, editors, sections and items. Each change names the list version it was made
on; a save on a stale version is refused with what changed since (``StaleList``), so no one's change is
lost silently. Every change checks its actor (list_access) and runs in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from papertalk.config import Settings
from papertalk.core.list_records import READ_STATES, VISIBILITIES, Change
from papertalk.core.written_text import Flavour, WrittenTextError, check_written, render_written
from papertalk.services.library import list_attention
from papertalk.services.library.list_access import editable, owned, signed_in
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import Actor
from papertalk.services.people.user_accounts import UnknownUser, find_user
from papertalk.storage.engine import Connection, Engine
from papertalk.storage.library import list_content_rows, list_rows

TITLE_MAX = 200
VERDICT_MAX = 500
SECTION_DEPTH = 2


class StaleList(Exception):
    """The save was made on an older version of the list; ``changes`` says what happened since."""

    def __init__(self, version: int, changes: list[Change]) -> None:
        super().__init__(f"list: changed since you opened it (now version {version}); your input is kept below")
        self.version = version
        self.changes = changes


def one_line(value: str, field: str, required: bool = True, limit: int = TITLE_MAX) -> str:
    value = value.strip()
    if required and not value:
        raise FormProblem(f"{field}: give it a title")
    if len(value) > limit or any(c in value for c in "\x00\r\n"):
        raise FormProblem(f"{field}: at most {limit} characters on one line")
    return value


def written(source: str, field: str, flavour: Flavour) -> tuple[str, str]:
    """(source, sanitized html) of a text a person wrote, rendered once, now."""
    try:
        checked = check_written(source, field=field, max_chars=VERDICT_MAX if flavour is Flavour.LINE else 200_000)
    except WrittenTextError as error:
        raise FormProblem(str(error)) from None
    if flavour is Flavour.LINE and "\n" in checked.strip():
        raise FormProblem(f"{field}: one line only (a longer text goes in the note)")
    checked = checked.strip()
    return (checked, render_written(checked, flavour).html) if checked else ("", "")


@dataclass(frozen=True, slots=True)
class Saved:
    list_id: int
    version: int


def change(
    engine: Engine,
    actor: Actor,
    list_id: int,
    expected: int | None,
    what: str,
    apply: Callable[[Connection], None],
    now: int,
    owner_only: bool = False,
) -> Saved:
    """Check the actor, move the list to its next version (refused when ``expected`` is stale; None: an
    append, which conflicts with nothing), apply the change; one transaction."""
    with engine.begin() as conn:
        ref = owned(conn, actor, list_id) if owner_only else editable(conn, actor, list_id)
        user_id = getattr(actor, "id", None)
        if expected is None:
            version = list_rows.bump_any(conn, list_id, user_id, now, what)
        elif list_rows.bump_version(conn, list_id, expected, user_id, now, what):
            version = expected + 1
        else:
            raise StaleList(ref.version, list_rows.changes_since(conn, list_id, expected))
        apply(conn)
        return Saved(list_id, version)


def create_list(
    engine: Engine,
    actor: Actor,
    title: str,
    description: str,
    visibility: str,
    now: int,
    digest_day: str | None = None,
    network_id: int | None = None,
) -> int:
    user = signed_in(actor, "create a list")
    title = one_line(title, "title")
    if visibility not in VISIBILITIES:
        raise FormProblem(f"visibility: one of {', '.join(VISIBILITIES)}")
    source, html = written(description, "description", Flavour.FULL)
    with engine.begin() as conn:
        return list_rows.insert_list(conn, user.id, title, (source, html, 1), visibility, now, digest_day, network_id)


def update_list(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    list_id: int,
    expected: int,
    title: str,
    description: str,
    visibility: str | None = None,
    *,
    now: int,
) -> Saved:
    """Title and description (editors); visibility too (the owner only, when given and different)."""
    title = one_line(title, "title")
    source, html = written(description, "description", Flavour.FULL)
    if visibility is not None and visibility not in VISIBILITIES:
        raise FormProblem(f"visibility: one of {', '.join(VISIBILITIES)}")
    with engine.connect() as conn:
        current = editable(conn, actor, list_id)
    owner_only = visibility is not None and visibility != current.visibility

    def apply(conn: Connection) -> None:
        values: dict[str, object] = {"title": title, "description_source": source, "description_html": html}
        if owner_only:
            values["visibility"] = visibility
        list_rows.set_fields(conn, list_id, **values)
        if owner_only:  # public now: its papers count; private or unlisted: they stop counting
            list_attention.sync_list(conn, settings, list_id, now)

    return change(engine, actor, list_id, expected, f"settings: {title[:80]}", apply, now, owner_only)


def delete_list(engine: Engine, settings: Settings, actor: Actor, list_id: int, now: int) -> None:
    with engine.begin() as conn:
        owned(conn, actor, list_id)
        list_attention.withdraw_items(conn, settings, list_id, None, now)
        list_rows.delete_list(conn, list_id)


def set_editor(engine: Engine, actor: Actor, list_id: int, expected: int, name: str, add: bool, now: int) -> Saved:
    try:
        with engine.connect() as conn:
            editor = find_user(conn, name.strip()[:64])
    except UnknownUser:
        raise FormProblem(f"editor: no person named {name.strip()[:64]!r}") from None

    def apply(conn: Connection) -> None:
        (list_rows.add_editor if add else list_rows.remove_editor)(conn, list_id, editor.id)

    what = f"{'added' if add else 'removed'} editor {editor.name}"
    return change(engine, actor, list_id, expected, what, apply, now, owner_only=True)


def _section_of(conn: Connection, list_id: int, section_id: int | None) -> tuple[int, int | None, str, int] | None:
    if section_id is None:
        return None
    for found in list_content_rows.sections_of(conn, list_id):
        if found[0] == section_id:
            return found
    raise FormProblem("section: no such section in this list")


def add_section(
    engine: Engine,
    actor: Actor,
    list_id: int,
    expected: int | None,
    title: str,
    parent_id: int | None = None,
    *,
    now: int,
) -> Saved:
    title = one_line(title, "section")

    def apply(conn: Connection) -> None:
        parent = _section_of(conn, list_id, parent_id)
        if parent is not None and parent[1] is not None:
            raise FormProblem(f"section: sections nest {SECTION_DEPTH} levels deep at most")
        list_content_rows.insert_section(conn, list_id, parent_id, title)

    return change(engine, actor, list_id, expected, f"added section {title[:80]}", apply, now)


def rename_section(
    engine: Engine, actor: Actor, list_id: int, expected: int, section_id: int, title: str, now: int
) -> Saved:
    title = one_line(title, "section")

    def apply(conn: Connection) -> None:
        _section_of(conn, list_id, section_id)
        list_content_rows.set_section(conn, section_id, title=title)

    return change(engine, actor, list_id, expected, f"renamed a section to {title[:80]}", apply, now)


def move_section(
    engine: Engine, actor: Actor, list_id: int, expected: int, section_id: int, step: int, now: int
) -> Saved:
    """Swap the section with its previous (step -1) or next (+1) sibling."""

    def apply(conn: Connection) -> None:
        found = _section_of(conn, list_id, section_id)
        assert found is not None
        siblings = [s for s in list_content_rows.sections_of(conn, list_id) if s[1] == found[1]]
        at = [s[0] for s in siblings].index(section_id)
        other = at + step
        if 0 <= other < len(siblings):
            order = [s[0] for s in siblings]
            order[at], order[other] = order[other], order[at]
            for position, sid in enumerate(order, start=1):
                list_content_rows.set_section(conn, sid, position=position)

    return change(
        engine, actor, list_id, expected, f"moved section {section_id} {'up' if step < 0 else 'down'}", apply, now
    )


def remove_section(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    list_id: int,
    expected: int,
    section_id: int,
    keep_items: bool,
    now: int,
) -> Saved:
    """Remove a section (with its subsections); its items go to the parent (or the list's top) when
    ``keep_items``, else they are removed too."""

    def apply(conn: Connection) -> None:
        found = _section_of(conn, list_id, section_id)
        assert found is not None
        inner = [s[0] for s in list_content_rows.sections_of(conn, list_id) if s[1] == section_id]
        if keep_items:
            list_content_rows.move_items_to(conn, list_id, [section_id, *inner], found[1])
        else:
            gone = list_content_rows.item_ids_of(conn, list_id, [section_id, *inner])
            list_attention.withdraw_items(conn, settings, list_id, gone, now)
        list_content_rows.delete_section(conn, section_id)

    what = f"removed section {section_id}" + (" (items kept)" if keep_items else " and its items")
    return change(engine, actor, list_id, expected, what, apply, now)


def section_by_path(conn: Connection, list_id: int, path: str) -> int | None:
    """The section a path like ``Tuesday/Main talks`` names (matched without case), made when missing."""
    parts = [p.strip() for p in path.split("/") if p.strip()]
    if len(parts) > SECTION_DEPTH:
        raise FormProblem(f"section: at most {SECTION_DEPTH} levels, such as Tuesday/Main talks")
    parent: int | None = None
    for part in parts:
        one_line(part, "section")
        existing = [
            s for s in list_content_rows.sections_of(conn, list_id) if s[1] == parent and s[2].lower() == part.lower()
        ]
        parent = existing[0][0] if existing else list_content_rows.insert_section(conn, list_id, parent, part)
    return parent


def update_item(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    list_id: int,
    expected: int,
    item_id: int,
    verdict: str,
    note: str,
    tags: str,
    read_state: str,
    title: str | None = None,
    *,
    now: int,
) -> Saved:
    verdict_pair = written(verdict, "verdict", Flavour.LINE)
    note_pair = written(note, "note", Flavour.FULL)
    if read_state not in READ_STATES:
        raise FormProblem(f"read_state: one of {', '.join(READ_STATES)}")
    tag_list = tuple(dict.fromkeys(t.strip("#,").lower()[:40] for t in tags.split() if t.strip("#,")))[:20]

    def apply(conn: Connection) -> None:
        if list_content_rows.item_in_list(conn, list_id, item_id) is None:
            raise FormProblem("item: no such item in this list")
        values: dict[str, object] = {
            "verdict_source": verdict_pair[0],
            "verdict_html": verdict_pair[1],
            "note_source": note_pair[0],
            "note_html": note_pair[1],
            "tags": tag_list,
            "read_state": read_state,
            "text_version": 1,
        }
        if title is not None:
            values["title"] = one_line(title, "title")
        list_content_rows.set_item(conn, item_id, **values)
        list_attention.count_items(conn, settings, list_id, [item_id], now)  # the post's text: the new verdict

    return change(engine, actor, list_id, expected, f"edited item {item_id}", apply, now)


def move_item(
    engine: Engine,
    actor: Actor,
    list_id: int,
    expected: int,
    item_id: int,
    step: int = 0,
    to_section: int | str | None = "same",
    *,
    now: int,
) -> Saved:
    """Move an item one place up (-1) or down (+1) in its section, or to the end of another section."""

    def apply(conn: Connection) -> None:
        item = list_content_rows.item_in_list(conn, list_id, item_id)
        if item is None:
            raise FormProblem("item: no such item in this list")
        if to_section != "same":
            target = to_section if isinstance(to_section, int) else None
            _section_of(conn, list_id, target)
            end = list_content_rows.last_position(conn, list_id, target)
            list_content_rows.set_item(conn, item_id, section_id=target, position=end + 1)
            return
        siblings = [i for i in list_content_rows.items_of(conn, list_id) if i.section_id == item.section_id]
        at = [i.id for i in siblings].index(item_id)
        other = at + step
        if 0 <= other < len(siblings):
            order = [i.id for i in siblings]
            order[at], order[other] = order[other], order[at]
            for position, iid in enumerate(order, start=1):
                list_content_rows.set_item(conn, iid, position=position)

    return change(engine, actor, list_id, expected, f"moved item {item_id}", apply, now)


def remove_item(
    engine: Engine, settings: Settings, actor: Actor, list_id: int, expected: int, item_id: int, now: int
) -> Saved:
    def apply(conn: Connection) -> None:
        if list_content_rows.item_in_list(conn, list_id, item_id) is None:
            raise FormProblem("item: no such item in this list")
        list_attention.withdraw_items(conn, settings, list_id, [item_id], now)
        list_content_rows.delete_item(conn, item_id)

    return change(engine, actor, list_id, expected, f"removed item {item_id}", apply, now)
