"""Reading a page of notes (Markdown or plain text) into a list plan (pure): headings become sections (two
levels), bullets become items, arXiv links and ids make papers, other links link items, and the text
under an item (an indented bullet, a quote, a following line) becomes its verdict, then its note. What is
not understood is reported line by line; nothing here touches a database.

Plain text (no ``#`` headings, as a page copied from a browser) has its headings guessed: a short line that
is not a bullet is a heading; it is a day (top level) when a heading follows it directly or when it names a
weekday or a day, and a session below the last day otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from papertalk.core.arxiv_ids import find_arxiv_refs

MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_ITEMS = 10_000
TITLE_MAX = 200
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)(?:[-*+•‣◦]|\d{1,3}[.)])\s+(.*)$")
_QUOTE = re.compile(r"^\s*>\s?(.*)$")
_MD_LINK = re.compile(r"(?<!\\)\[((?:\\.|[^\]\\\n]){0,300})\]\((\S{1,2000}?)\)")
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]]{1,2000}")
_MARKER = re.compile(r"(?<!\\)\[([^\]\n]{1,40})\]")  # "[paper]" "[slide deck]" copied from a page without their links
_TAGS = re.compile(r"(?:\s#([\w-]{1,40}))+\s*$")
_DAY = re.compile(r"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|day \d+)\b", re.I)


@dataclass
class PlannedItem:
    line: int
    title: str
    arxiv_id: str | None = None
    url: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)
    verdict: str = ""
    note_lines: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    read: bool = False

    @property
    def note(self) -> str:
        return "\n".join(self.note_lines).strip()

    @property
    def unlinked(self) -> bool:
        """A title with no paper and no link: the catalogue is searched for it, and the person confirms."""
        return self.arxiv_id is None and self.url is None


@dataclass
class PlannedSection:
    title: str
    items: list[PlannedItem] = field(default_factory=list)
    children: list[PlannedSection] = field(default_factory=list)


@dataclass
class ListPlan:
    title: str = ""
    description: str = ""
    items: list[PlannedItem] = field(default_factory=list)
    sections: list[PlannedSection] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def all_items(self) -> list[PlannedItem]:
        found = list(self.items)
        for top in self.sections:
            found.extend(top.items)
            for child in top.children:
                found.extend(child.items)
        return found


def _unescape(text: str) -> str:
    return re.sub(r"\\([\[\]\\])", r"\1", text)


def _item(number: int, text: str) -> PlannedItem:
    links: list[tuple[str, str]] = []
    title_text = text
    read = "{read}" in title_text
    title_text = title_text.replace("{read}", "")
    tags: list[str] = []
    if found := _TAGS.search(title_text):
        tags = re.findall(r"#([\w-]{1,40})", found.group(0))
        title_text = title_text[: found.start()]
    first_label = None
    for match in _MD_LINK.finditer(title_text):
        links.append((_unescape(match.group(1)).strip(), match.group(2)))
        if first_label is None and match.start() == len(title_text) - len(title_text.lstrip()):
            first_label = _unescape(match.group(1)).strip()
    title_text = _MD_LINK.sub(lambda m: m.group(1) if _unescape(m.group(1)).strip() == first_label else "", title_text)
    for url in _BARE_URL.findall(title_text):
        links.append(("link", url))
    title_text = _MARKER.sub("", _BARE_URL.sub("", title_text))
    title = _unescape(" ".join(title_text.split()).replace(" ,", ",")).strip(" ,;:–—-")
    item = PlannedItem(number, title[:TITLE_MAX], tags=tags, read=read)
    for label, url in links:
        refs = find_arxiv_refs(url)
        if refs and item.arxiv_id is None:
            item.arxiv_id = refs[0].arxiv_id
        elif (
            url.lower().startswith(("http://", "https://"))
            and item.url is None
            and item.arxiv_id is None
            and label == first_label
        ):
            item.url = url
        elif url.lower().startswith(("http://", "https://")):
            item.links.append((label or "link", url))
    if item.arxiv_id is None and (refs := find_arxiv_refs(text)):
        item.arxiv_id = refs[0].arxiv_id
    if item.url is None and item.arxiv_id is None and item.links:
        item.url = item.links.pop(0)[1]
    if not item.title:
        item.title = f"arXiv:{item.arxiv_id}" if item.arxiv_id else (item.url or "")[:TITLE_MAX]
    return item


class _Builder:
    def __init__(self, plan: ListPlan) -> None:
        self.plan = plan
        self.top: PlannedSection | None = None
        self.current: PlannedSection | None = None
        self.item: PlannedItem | None = None
        self.count = 0

    def heading(self, level: int, title: str) -> None:
        self.item = None
        section = PlannedSection(title[:TITLE_MAX])
        if level <= 1 or self.top is None:
            self.plan.sections.append(section)
            self.top = section
        else:
            self.top.children.append(section)
        self.current = section

    def add(self, item: PlannedItem) -> None:
        if self.count >= MAX_ITEMS:
            self.plan.problems.append(f"line {item.line}: over {MAX_ITEMS:,} items; the rest is not imported")
            return
        self.count += 1
        (self.current.items if self.current is not None else self.plan.items).append(item)
        self.item = item

    def under_item(self, text: str) -> None:
        assert self.item is not None
        if not self.item.verdict and not self.item.note_lines and not text.startswith(("“", '"')):
            self.item.verdict = text[:500]
        else:
            self.item.note_lines.append(text)


def _has_link(text: str) -> bool:
    return bool(_MD_LINK.search(text) or _BARE_URL.search(text) or _MARKER.search(text) or find_arxiv_refs(text))


def parse_notes(text: str) -> ListPlan:
    """The plan of a Markdown or plain-text page of notes."""
    plan = ListPlan()
    if len(text.encode("utf-8", "replace")) > MAX_PAGE_BYTES:
        plan.problems.append(f"page: over {MAX_PAGE_BYTES // 1024 // 1024} MB; split it and import each part")
        return plan
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").split("\n")
    markdown = any(_HEADING.match(line) for line in lines)
    build = _Builder(plan)
    description: list[str] = []
    for index, raw in enumerate(lines):
        number, line = index + 1, raw.rstrip()
        if not line.strip():
            continue
        if markdown and (h := _HEADING.match(line)):
            if len(h.group(1)) == 1 and not plan.title:
                plan.title = h.group(2)[:TITLE_MAX]
            else:
                build.heading(len(h.group(1)) - 1, h.group(2))
            continue
        if (q := _QUOTE.match(line)) and build.item is not None:
            build.item.note_lines.append(q.group(1))
            continue
        if b := _BULLET.match(line):
            indent, body = len(b.group(1).expandtabs(4)), b.group(2).strip()
            flat_text = not markdown and build.item is not None and not _has_link(body)
            if build.item is not None and ((indent >= 2 and markdown) or flat_text):
                build.under_item(body)
            else:
                build.add(_item(number, body))
            continue
        if not markdown and not plan.title:
            plan.title = line.strip()[:TITLE_MAX]
            continue
        if not markdown and len(line.strip()) <= 80 and not line.strip().endswith((".", ":")):
            following = next((n for n in lines[index + 1 :] if n.strip()), "")
            top = bool(_DAY.match(line.strip())) or not (_BULLET.match(following) or _QUOTE.match(following))
            build.heading(1 if top else 2, line.strip())
            continue
        if build.item is not None:
            build.under_item(line.strip())
        elif markdown and not plan.sections and not plan.items:
            description.append(line)
        else:
            plan.problems.append(f"line {number}: text outside any item, not imported: {line.strip()[:60]!r}")
    plan.description = "\n".join(description).strip()
    if not plan.title:
        plan.title = "Imported list"
    return plan
