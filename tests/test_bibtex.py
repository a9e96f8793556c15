"""BibTeX keeps the TeX of arXiv titles and escapes only what BibTeX and LaTeX need (issue 14 item 5)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from papertalk.core.bibtex import bibtex
from papertalk.core.math_spans import MathSpan, math_spans
from papertalk.core.records import Paper
from papertalk.core.tex_escape import bibtex_value


@pytest.mark.parametrize(
    ("written", "escaped"),
    [
        (
            "Evidence for an excitonic insulator phase in 1T-TiSe$_{2}$",
            "Evidence for an excitonic insulator phase in 1T-TiSe$_{2}$",
        ),
        (
            "From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$",
            "From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$",
        ),
        ("Display $$\\sum_{n} a_n$$ math", "Display $$\\sum_{n} a_n$$ math"),
        ("Sparse & fast: 100% sure #1", "Sparse \\& fast: 100\\% sure \\#1"),
        ("Q\\&A already escaped", "Q\\&A already escaped"),
        ("Remarks on N_c dependence", "Remarks on N\\_c dependence"),
        ("Hilbert C^* modules", "Hilbert C\\textasciicircum{}* modules"),
        ("the Gr\\\"obner basis and Koll\\'ar's theorem", "the Gr\\\"obner basis and Koll\\'ar's theorem"),
        ("A Note About the {Ki(z)} Functions", "A Note About the {Ki(z)} Functions"),
        ("the z~2.56 Cloverleaf", "the z~2.56 Cloverleaf"),
        ("a lone $5 bill", "a lone \\$5 bill"),
        ("unpaired } and { braces {kept}", "unpaired  and  braces {kept}"),
        ("an escaped \\{ alone", "an escaped  alone"),
        ("wrapped\n  title $a +\n b$", "wrapped title $a + b$"),
        ("Kurt Gödel", "Kurt Gödel"),
    ],
)
def test_tex_is_kept_and_only_reserved_characters_escaped(written: str, escaped: str) -> None:
    assert bibtex_value(written) == escaped


def test_entry_of_the_issue_title() -> None:
    paper = Paper("0704.0159", "Evidence for an excitonic insulator phase in 1T-TiSe$_{2}$", ("H. Cercellier",))
    entry = bibtex(paper)
    assert "title = {{Evidence for an excitonic insulator phase in 1T-TiSe$_{2}$}}" in entry
    assert "\\_\\{" not in entry


def braces_pair(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_real_arxiv_titles_and_authors(shared_data: Path) -> None:
    """The 200 real records of the Kaggle snapshot head: every field pairs its braces, every formula of
    the title is in the entry as written, and no reserved character is left bare outside math."""
    lines = (shared_data / "kaggle_snapshot" / "arxiv-metadata-oai-snapshot.head200.jsonl").read_text("utf-8")
    records = [json.loads(line) for line in lines.splitlines()]
    assert len(records) == 200
    with_math = 0
    for record in records:
        title = " ".join(record["title"].split())
        authors = tuple(" ".join(p[1::-1]).strip() for p in record["authors_parsed"])
        entry = bibtex(Paper(record["id"], title, authors, journal_ref=record.get("journal-ref")))
        assert braces_pair(entry), entry
        formulas = [p for p in math_spans(title) if isinstance(p, MathSpan)]
        with_math += bool(formulas)
        for formula in formulas:
            assert f"${formula.tex}$" in entry, (record["id"], formula)
        for part in math_spans(bibtex_value(title)):
            if isinstance(part, str):
                assert not re.search(r"(?<!\\)[&%#_^]", part.replace("\\textasciicircum{}", "")), (record["id"], part)
    assert with_math >= 8  # the slice has real math in its titles: the checks above did look at some
