"""The pure pieces of the pages: seed-style page links, TeX as sanitized MathML, abstract folding, BibTeX,
charts and parameters in links."""

from __future__ import annotations

from papertalk.core.bibtex import bibtex
from papertalk.core.records import Paper
from papertalk.services.pages.page_views import DayChart
from papertalk.web.formatting import ago, chart_bars, fold_authors, page_numbers, with_params
from papertalk.web.math_text import math_html, split_abstract


def test_page_numbers_follow_the_seed_style() -> None:
    assert page_numbers(27, 36) == [1, 2, None, 25, 26, 27, 28, 29, None, 35, 36]
    assert page_numbers(1, 26) == [1, 2, 3, None, 25, 26]
    assert page_numbers(1, 1) == [1]
    assert page_numbers(4, 6) == [1, 2, 3, 4, 5, 6]


def test_math_becomes_mathml_and_everything_else_is_escaped() -> None:
    html = str(math_html(r"Needs $\Theta(k^3)$ queries <script>alert(1)</script> & $$x^2$$"))
    assert html.count("<math") == 2 and "<msup>" in html and 'display="block"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert str(math_html("no math here <b>")) == "no math here &lt;b&gt;"
    hostile = str(math_html(r"$\text{<img src=x onerror=alert(1)>}$"))
    assert "<img" not in hostile


def test_abstracts_fold_between_sentences_never_inside_math() -> None:
    text = "First sentence is here. " * 10 + "We get $a. b$ in the end. " + "More words follow here. " * 10
    lead, rest = split_abstract(text)
    assert lead.endswith(".") and rest and (lead + " " + rest).split() == text.split()
    assert lead.count("$") % 2 == 0
    assert split_abstract("Short.") == ("Short.", "")


def test_bibtex_names_the_paper_and_escapes_tex() -> None:
    paper = Paper("2411.01234", "Sparse & fast: 100% sure", ("Kurt Gödel", "Ada Lovelace"), published_at=1731000000,
                  categories=("cs.LG",))  # fmt: skip
    entry = bibtex(paper)
    assert entry.startswith("@misc{godel2024sparse,")
    assert r"Sparse \& fast: 100\% sure" in entry and "author = {Kurt Gödel and Ada Lovelace}" in entry
    assert "eprint = {2411.01234}" in entry and "primaryClass = {cs.LG}" in entry
    assert bibtex(Paper("hep-th/9901001")).startswith("@misc{arxiv,")


def test_small_helpers() -> None:
    bars = chart_bars(DayChart(20_000, (0, 2, 4)))
    assert bars[0].height == 0 and bars[2].height > bars[1].height and ": 4 posts" in bars[2].label
    assert fold_authors(tuple("abcdefgh")) == (tuple("abcdefgh"), ())
    assert fold_authors(tuple("abcdefghijk")) == (tuple("abcdef"), tuple("ghijk"))
    assert ago(1000, 1000 + 7200) == "2 h ago" and ago(5, 5) == "just now"
    assert with_params("/", {"window": "week", "page": "3"}, page=1) == "/?window=week"
    assert with_params("/", {"window": "week"}, audience="network", page=2) == "/?window=week&audience=network&page=2"
