"""Math in titles and abstracts is typeset within bounds (issue 22 item 7): past them, the TeX source is
shown as escaped code with a note, instead of seconds of typesetting and megabytes of MathML."""

from __future__ import annotations

from papertalk.core.math_spans import MAX_FORMULA_CHARS, MAX_MATH_CHARS
from papertalk.core.mathml import TOO_MUCH_MATH
from papertalk.web.math_text import math_html


def formula(length: int) -> str:
    return ("x_{1}^{2}+" * (length // 10 + 1))[:length].rstrip("+{}_^").ljust(length, "y")


def test_a_formula_within_the_bound_is_mathml() -> None:
    html = str(math_html(f"Bound: ${formula(MAX_FORMULA_CHARS)}$."))
    assert html.count("<math") == 1 and TOO_MUCH_MATH not in html


def test_a_formula_over_the_bound_is_escaped_source_with_a_note() -> None:
    tex = formula(500_000) + "<b>"
    html = str(math_html(f"Huge ${tex}$ end"))
    assert "<math" not in html and "<b>" not in html
    assert html.startswith('Huge <code class="tex">$x_{1}^{2}+') and html.endswith("</small> end")
    assert TOO_MUCH_MATH in html and "&lt;b&gt;$</code>" in html


def test_math_past_the_budget_of_a_text_is_not_typeset() -> None:
    count = MAX_MATH_CHARS // 1_000 + 3
    html = str(math_html(" and ".join(f"${formula(1_000)}$" for _ in range(count))))
    assert html.count("<math") == MAX_MATH_CHARS // 1_000
    assert html.count('<code class="tex">') == count - MAX_MATH_CHARS // 1_000
