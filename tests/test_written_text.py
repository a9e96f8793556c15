"""The one pipeline for text people write: Markdown with math and code to sanitized HTML (core/written_text)."""

from __future__ import annotations

import time
from html.parser import HTMLParser

import pytest

from papertalk.core.written_text import (
    MAX_WRITTEN_CHARS,
    RENDERER_VERSION,
    Flavour,
    WrittenTextError,
    render_written,
)

SEED_LIKE = r"""## Idea

Project $X$ onto $Y$: $\Sigma = YX^T(XX^T)^{-1}XY^T$, and \(a+b\) too.

$$\sum_{i=1}^n x_i$$

\[ x^2 \]

| model | score |
|:--|--:|
| a | 1 |

- [x] read it
- [ ] try it

A claim[^1].

[^1]: The source.

```python
def f(): return 1
```
"""


def test_markdown_math_tables_footnotes_tasks_and_code_render_on_the_server() -> None:
    rendered = render_written(SEED_LIKE)
    html = rendered.html
    assert rendered.version == RENDERER_VERSION and rendered.formula_errors == 0
    assert "<h2>Idea</h2>" in html
    assert html.count("<math") == 6  # $X$, $Y$, the Sigma, \(a+b\), $$…$$, \[…\]
    assert 'display="block"' in html and "<mi>Σ</mi>" in html
    assert '<td class="align-right">1</td>' in html and "style=" not in html  # the CSP refuses style attributes
    assert 'type="checkbox"' in html and 'checked="checked"' in html
    assert 'class="footnote-ref"' in html and 'id="fn1"' in html
    assert '<span class="hl-k">def</span>' in html


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML (escaped text builds none)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "![x](data:image/svg+xml,<svg onload=alert(1)>)",
        '<iframe src="http://evil"></iframe>',
        "<style>body{display:none}</style>",
        r"$\href{javascript:alert(1)}{x}$",
        r"$\style{background:url(http://evil)}{x}$",
        '<a href="http://x" onclick="alert(1)">x</a>',
        "<svg><script>alert(1)</script></svg>",
        "<math><mtext><script>alert(1)</script></mtext></math>",
    ],
)
def test_hostile_input_leaves_no_script_handler_or_dangerous_url(source: str) -> None:
    parser = _Elements()
    parser.feed(render_written(source).html)
    for tag, attrs in parser.found:
        assert tag not in {"script", "style", "iframe", "img", "svg", "object", "embed"}, (source, tag)
        for name, value in attrs:
            assert not name.startswith("on"), (source, name)
            scheme = (value or "").strip().lower().split(":", 1)[0]
            assert name not in {"href", "src"} or scheme in {"http", "https", "mailto", "#fn1"}, (source, value)
            assert "url(" not in (value or "").lower(), (source, value)


def test_images_become_links_and_links_get_nofollow_ugc_noopener() -> None:
    html = render_written("![a chart](https://example.org/c.png) and [a site](https://example.org)").html
    assert "<img" not in html
    assert '<a class="image-link" href="https://example.org/c.png" rel="nofollow ugc noopener">a chart</a>' in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener">a site</a>' in html


def test_comments_have_no_headings_and_lines_no_blocks() -> None:
    comment = render_written("# big\n\ntext $x$", Flavour.COMMENT).html
    assert "<h1" not in comment and "# big" in comment and "<math" in comment
    line = render_written("*good* but\n\n- slow $O(n^2)$", Flavour.LINE).html
    assert "<p>" not in line and "<li>" not in line and "<em>good</em>" in line and "<math" in line


def test_a_formula_that_cannot_be_typeset_is_marked_in_place_and_the_rest_renders() -> None:
    rendered = render_written(r"before $\begin{matrix} a $ middle $x^2$ after")
    assert rendered.formula_errors == 1
    assert 'class="tex math-error"' in rendered.html
    assert "before" in rendered.html and "after" in rendered.html and rendered.html.count("<math") == 1


def test_nul_and_over_long_text_are_refused_with_a_one_line_reason() -> None:
    with pytest.raises(WrittenTextError, match="NUL"):
        render_written("a\x00b")
    with pytest.raises(WrittenTextError, match="over the limit"):
        render_written("a" * (MAX_WRITTEN_CHARS + 1))


def test_a_megabyte_note_and_five_thousand_formulas_render_within_bounds() -> None:
    big = render_written(("word " * 200 + "\n\n") * 1000)
    assert big.html.count("<p>") == 1000
    many = render_written(" ".join(f"$x_{{{i}}}$" for i in range(5000)))
    assert many.html.count("<math") == 5000 and many.formula_errors == 0


def test_a_50_kb_summary_with_200_formulas_renders_in_well_under_100_ms() -> None:
    paragraph = "The loss $L(\\theta) = \\sum_i (y_i - f_\\theta(x_i))^2$ falls. " + "words " * 30
    source = "\n\n".join(paragraph for _ in range(200))
    assert 45_000 < len(source) < 60_000
    render_written(source)  # warm the parser
    start = time.perf_counter()
    rendered = render_written(source)
    elapsed = time.perf_counter() - start
    assert rendered.html.count("<math") == 200
    assert elapsed < 0.5, elapsed  # ~40 ms measured alone; the bound leaves room for a loaded CI machine
