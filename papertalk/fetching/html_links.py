"""Plain text and every link of an HTML fragment (status bodies, comment HTML, feed entries).

Uses the stdlib ``html.parser``: tolerant of broken markup, decodes entities, never fetches anything.
Every ``href`` is kept (mentions and hashtags too; ``core.arxiv_ids`` decides what is a paper).
"""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCKS = frozenset({"p", "br", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr"})
_HIDDEN = frozenset({"script", "style"})


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "a":
            for name, value in attrs:
                if name == "href" and value and value.strip() and value.strip() not in self.links:
                    self.links.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self._hidden:
            self._hidden -= 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_text_and_links(html: str) -> tuple[str, tuple[str, ...]]:
    """The visible text (paragraphs on their own lines) and the distinct ``href`` values, in order."""
    if "<" not in html and "&" not in html:
        return html.strip(), ()
    reader = _Reader()
    reader.feed(html)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).splitlines())
    return "\n".join(line for line in lines if line), tuple(reader.links)


def merged_links(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Links of several places of one item, each once, in order of first appearance."""
    seen: dict[str, None] = {}
    for group in groups:
        for url in group:
            if url:
                seen.setdefault(url, None)
    return tuple(seen)
