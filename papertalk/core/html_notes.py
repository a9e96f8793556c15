"""An HTML page of notes as the Markdown lines ``list_import_parse`` reads (pure, the standard library's
lenient html.parser, so broken HTML still yields its text): h1–h6 become ``#`` headings, list items bullets
indented by their nesting, links ``[text](href)``; scripts, styles, the page's navigation and footer, and
every other tag are dropped."""

from __future__ import annotations

from html.parser import HTMLParser

_SKIPPED = {"script", "style", "head", "template", "noscript", "nav", "footer"}  # a page's chrome
_BLOCKS = {"p", "div", "br", "tr", "blockquote", "section", "article", "dd", "dt", "pre"}


class _Notes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line = ""
        self.depth = 0
        self.skipping = 0
        self.href: str | None = None
        self.anchor = ""

    def _close_anchor(self) -> None:
        if self.href is not None:
            text = " ".join(self.anchor.split()).replace("]", ")") or "link"
            self.line += f"[{text}]({self.href.strip().replace(' ', '%20').replace(')', '%29')})"
            self.href = None

    def _end_line(self) -> None:
        self._close_anchor()  # broken HTML: a link left open ends with its line
        if self.line.strip():
            self.lines.append(self.line.rstrip())
        self.line = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif self.skipping:  # inside a skipped element (a navigation bar's links): nothing of it is kept
            return
        elif tag in ("ul", "ol"):
            self._end_line()
            self.depth += 1
        elif tag == "li":
            self._end_line()
            self.line = "  " * max(self.depth - 1, 0) + "- "
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._end_line()
            self.line = "#" * int(tag[1]) + " "
        elif tag == "a":
            self._close_anchor()
            self.href = dict(attrs).get("href") or None
            self.anchor = ""
        elif tag in _BLOCKS:
            self._end_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif self.skipping:
            return
        elif tag in ("ul", "ol"):
            self._end_line()
            self.depth = max(self.depth - 1, 0)
        elif tag == "a":
            self._close_anchor()
        elif tag == "li" or tag in _BLOCKS or (len(tag) == 2 and tag[0] == "h" and tag[1] in "123456"):
            self._end_line()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.href is not None:
            self.anchor += data
        else:  # white space between a link and the text after it is a word break, as the browser shows it
            lead = " " if data[:1].isspace() and self.line and not self.line.endswith(" ") else ""
            self.line += lead + " ".join(data.split()) + (" " if data[-1:].isspace() and data.strip() else "")


def html_as_markdown(page: str) -> str:
    parser = _Notes()
    parser.feed(page)
    parser.close()
    parser._end_line()
    return "\n".join(parser.lines)


def looks_like_html(page: str) -> bool:
    head = page.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<li" in head and "</" in head) or "<h1" in head
