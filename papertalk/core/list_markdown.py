"""A list as Markdown in the layout of a conference write-up (pure): ``#`` the title, its description, ``##``
a day, ``###`` a session, one bullet per talk with its links, and under it, indented, the verdict as a
sub-bullet and the note as a quote. ``list_import_parse`` reads this layout back to the same list."""

from __future__ import annotations

from papertalk.core.list_records import READ, ListItem, ListSection, ListView


def _escaped(text: str) -> str:
    """Brackets in a title or label, escaped so the link syntax around them stays readable."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _item(item: ListItem) -> list[str]:
    title = _escaped(item.title)
    line = f"- [{title}]({item.href})" if item.href else f"- {title}"
    for label, url in item.links:
        line += f" [{_escaped(label)}]({url})"
    if item.read_state == READ:
        line += " {read}"
    if item.tags:
        line += " " + " ".join(f"#{t}" for t in item.tags)
    lines = [line]
    if item.verdict_source:
        lines.append(f"  - {item.verdict_source}")
    for note_line in item.note_source.splitlines():
        lines.append(f"  > {note_line}".rstrip())
    return lines


def _section(section: ListSection, level: int) -> list[str]:
    lines = ["", "#" * level + " " + section.title, ""]
    for item in section.items:
        lines.extend(_item(item))
    for child in section.children:
        lines.extend(_section(child, level + 1))
    return lines


def list_markdown(view: ListView) -> str:
    lines = [f"# {view.ref.title}", ""]
    if view.ref.description_source:
        lines.extend([view.ref.description_source, ""])
    for item in view.items:
        lines.extend(_item(item))
    for section in view.sections:
        lines.extend(_section(section, 2))
    return "\n".join(lines).strip() + "\n"
