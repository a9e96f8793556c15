"""The one pipeline for text people write (summaries, notes, comments, list verdicts, digest intros):
Markdown (CommonMark with tables, strikethrough, footnotes and task lists, markdown-it-py) with
``$…$``, ``$$…$$``, ``\\(…\\)`` and ``\\[…\\]`` typeset to MathML on the server (latex2mathml), fenced code
highlighted on the server (Pygments), and the result cleaned by one allow-list (nh3).

The HTML is made once, when the text is saved, and stored with ``RENDERER_VERSION`` beside the source:
pages never render Markdown on a read, and a stored version older than this one is re-rendered lazily.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from mdit_py_plugins.texmath import texmath_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from papertalk.core.math_spans import MAX_FORMULA_CHARS
from papertalk.core.mathml import MATHML_ATTRIBUTES, MATHML_TAGS, typeset

RENDERER_VERSION = 2  # bump when the HTML made from the same source changes: stored texts re-render
MAX_WRITTEN_CHARS = 1_048_576  # a 1 MB note is accepted; past it the writer is told, nothing is cut
MAX_TEXT_MATH_CHARS = 200_000  # math typeset per text: 5,000 formulas of 40 characters, about 1 s of work
MAX_HIGHLIGHT_CHARS = 100_000  # a longer code block is shown plain: Pygments' time grows with it
LINK_REL = "nofollow ugc noopener"


class Flavour(enum.Enum):
    """What a kind of text may contain."""

    FULL = "full"  # summaries, notes, list descriptions and item notes, digest intros
    COMMENT = "comment"  # comments: no headings, no images
    LINE = "line"  # one line (a verdict): inline Markdown and math only


@dataclass(frozen=True, slots=True)
class RenderedText:
    """Sanitized HTML made from a source, the renderer version that made it, and how many formulas could
    not be typeset (each is shown in place as its TeX, marked)."""

    html: str
    version: int
    formula_errors: int


class WrittenTextError(ValueError):
    """Text that cannot be saved at all; the message says what to change, in one line."""


def check_written(source: str, *, field: str = "text", max_chars: int = MAX_WRITTEN_CHARS) -> str:
    """``source`` as it will be stored (line ends made ``\\n``), or ``WrittenTextError`` saying why not:
    a NUL character, or longer than ``max_chars``."""
    if "\x00" in source:
        raise WrittenTextError(f"{field}: contains a NUL character (U+0000); remove it and save again")
    if len(source) > max_chars:
        raise WrittenTextError(f"{field}: {len(source):,} characters, over the limit of {max_chars:,}")
    return source.replace("\r\n", "\n").replace("\r", "\n")


_ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
    "section", "span", "div", "input", "small",
} | MATHML_TAGS  # fmt: skip
_ALLOWED_ATTRIBUTES: dict[str, set[str]] = {tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS} | {
    "a": {"href", "title", "class", "id"},
    "code": {"class"},
    "span": {"class", "title"},
    "div": {"class"},
    "pre": {"class"},
    "ol": {"start", "class"},
    "ul": {"class"},
    "li": {"class", "id"},
    "sup": {"class", "id"},
    "section": {"class"},
    "hr": {"class"},
    "input": {"class"},
}
_INPUT_VALUES = {"input": {"type": {"checkbox"}, "checked": {"checked"}, "disabled": {"disabled"}}}
# A table column's alignment, as a class the site's style sheet knows: the pages' CSP (style-src 'self')
# blocks style attributes, so markdown-it's ``style="text-align:right"`` would be refused by the browser.
_ALIGNMENTS = ("left", "center", "right")
_ALLOWED_CLASSES = {tag: {f"align-{a}" for a in _ALIGNMENTS} for tag in ("th", "td")}


def sanitize(html: str) -> str:
    """``html`` with everything outside the allow-list removed: no script, style, iframe, event handler,
    remote resource, nor a URL other than http, https, mailto or a relative one; links get
    ``rel="nofollow ugc noopener"``."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
        allowed_classes=_ALLOWED_CLASSES,
        tag_attribute_values=_INPUT_VALUES,
        strip_comments=True,
    )


class _MathBudget:
    """How much math one text may still have typeset (``MAX_TEXT_MATH_CHARS``), and the errors met."""

    def __init__(self) -> None:
        self.left = MAX_TEXT_MATH_CHARS
        self.errors = 0

    def formula(self, tex: str, *, display: bool) -> str:
        allowed = len(tex) <= min(MAX_FORMULA_CHARS, self.left)
        if allowed:
            self.left -= len(tex)
        html = typeset(tex, display=display, allowed=allowed)
        self.errors += "math-error" in html[:60]
        return f'<div class="math-display">{html}</div>\n' if display else html


def _math_rule(display: bool) -> Any:
    def render(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        budget: _MathBudget = env["math"]
        return budget.formula(tokens[idx].content, display=display)

    return render


def _image_as_link(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """Images are never loaded (no remote resource on a page): an image becomes a link to it."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env) or "image"
    return f'<a class="image-link" href="{escape(str(token.attrGet("src") or ""))}">{escape(alt)}</a>'


def _highlight(code: str, lang: str, attrs: str) -> str:
    if not lang or len(code) > MAX_HIGHLIGHT_CHARS:
        return ""  # markdown-it escapes it in <pre><code>
    try:
        lexer = get_lexer_by_name(lang.split(maxsplit=1)[0], stripnl=False)
    except ClassNotFound:
        return ""
    body = highlight(code, lexer, HtmlFormatter(nowrap=True, classprefix="hl-"))
    name = escape(lexer.aliases[0] if lexer.aliases else lang)
    return f'<pre class="highlight"><code class="language-{name}">{body}</code></pre>\n'


@cache
def _parser(flavour: Flavour) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "highlight": _highlight})
    md.enable(["table", "strikethrough"])
    md.use(dollarmath_plugin, double_inline=True, allow_digits=False)
    md.use(texmath_plugin, delimiters="brackets")
    if flavour is not Flavour.LINE:
        md.use(footnote_plugin).use(tasklists_plugin)
    if flavour is Flavour.COMMENT:
        md.disable(["heading", "lheading"])
    for name in ("math_inline", "math_single"):
        md.add_render_rule(name, _math_rule(display=False))
    for name in ("math_inline_double", "math_block", "math_block_label", "math_block_eqno"):
        md.add_render_rule(name, _math_rule(display=True))
    md.add_render_rule("image", _image_as_link)
    md.core.ruler.push("alignment_classes", _alignment_classes)
    return md


def _alignment_classes(state: StateCore) -> None:
    """A table cell's ``style="text-align:X"`` (markdown-it's way) as ``class="align-X"``."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = str(token.attrs.pop("style", ""))
            aligned = style.removeprefix("text-align:")
            if aligned in _ALIGNMENTS:
                token.attrSet("class", f"align-{aligned}")


def render_written(source: str, flavour: Flavour = Flavour.FULL) -> RenderedText:
    """Sanitized HTML for ``source`` (checked by ``check_written`` first). A formula that cannot be
    typeset stays in place as its TeX, marked; the rest of the text renders as usual."""
    text = check_written(source)
    env: dict[str, Any] = {"math": _MathBudget()}
    md = _parser(flavour)
    html = md.renderInline(" ".join(text.split()), env) if flavour is Flavour.LINE else md.render(text, env)
    return RenderedText(sanitize(html), RENDERER_VERSION, env["math"].errors)
