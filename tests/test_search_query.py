"""papertalk.core.search_query: every query form, every error, properties on arbitrary text."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papertalk.core.records import ArxivRef
from papertalk.core.search_query import QueryError, SearchQuery, parse_query

Q = SearchQuery

# --- words: lowercased, only leading/trailing punctuation stripped ----------------------------------

WORDS = [
    ("graph neural networks", ("graph", "neural", "networks")),
    ("  Graph\tNEURAL\n networks  ", ("graph", "neural", "networks")),
    ("Mixture-of-Experts", ("mixture-of-experts",)),
    ("GPT-4, really?", ("gpt-4", "really")),
    ("e.g. U.S.A.", ("e.g", "u.s.a")),
    ("O(n)", ("o(n)",)),
    ("(O(n))", ("o(n)",)),
    ("f(x), g[i]; h{k}.", ("f(x)", "g[i]", "h{k}")),
    ("(see", ("see",)),
    ("$\\alpha$", ("alpha",)),
    ("$\\mathbb{R}^n$", ("mathbb{r}^n",)),
    ("C++ C#", ("c++", "c#")),
    ("snake_case", ("snake_case",)),
    ("naïve Ünïcode", ("naïve", "ünïcode")),
    ("a A a", ("a",)),
    ("foo:bar", ("foo:bar",)),
    ("http://example.com/x?y=1", ("http://example.com/x?y=1",)),
    ("titles:x", ("titles:x",)),
    ("xtitle:x", ("xtitle:x",)),
    ("title", ("title",)),
    ("2101.00001 transformer", ("2101.00001", "transformer")),  # an id among words is just a word
]


@pytest.mark.parametrize(("text", "words"), WORDS)
def test_words(text: str, words: tuple[str, ...]) -> None:
    assert parse_query(text) == Q(words=words)


# --- every form, the whole structure -----------------------------------------------------------------

FORMS = [
    ('"Graph  Neural\tNetworks."', Q(phrases=("graph neural networks",))),
    ('foo"bar baz"', Q(words=("foo",), phrases=("bar baz",))),
    ('"a b"c', Q(words=("c",), phrases=("a b",))),
    ("title:Transformer", Q(title_terms=("transformer",))),
    ('TITLE:"Attention  is All"', Q(title_terms=("attention is all",))),
    ('title:foo"bar"', Q(title_terms=("foo",), phrases=("bar",))),
    ("author:Hinton", Q(author_terms=("hinton",))),
    ('author:"de la Cruz"', Q(author_terms=("de la cruz",))),
    ("author:O'Brien,", Q(author_terms=("o'brien",))),
    ("cat:cs.lg", Q(categories=("cs.LG",))),
    ("cat:CS.LG cat:math.oc", Q(categories=("cs.LG", "math.OC"))),
    ("cat:stat.ml cat:astro-ph.co", Q(categories=("stat.ML", "astro-ph.CO"))),
    ("cat:hep-th cat:quant-ph", Q(categories=("hep-th", "quant-ph"))),
    ("cat:cond-mat.stat-mech cat:physics.optics", Q(categories=("cond-mat.stat-mech", "physics.optics"))),
    ("cat:cs", Q(categories=("cs",))),
    ('cat:"cs.LG"', Q(categories=("cs.LG",))),
    ("(cat:cs.LG)", Q(categories=("cs.LG",))),
    ("year:2016", Q(date_from=date(2016, 1, 1), date_to=date(2016, 12, 31))),
    ("year:2016..2018", Q(date_from=date(2016, 1, 1), date_to=date(2018, 12, 31))),
    ("year:2016..2016", Q(date_from=date(2016, 1, 1), date_to=date(2016, 12, 31))),
    ("year:2016..", Q(date_from=date(2016, 1, 1))),
    ("year:..2018", Q(date_to=date(2018, 12, 31))),
    ("(year:2016)", Q(date_from=date(2016, 1, 1), date_to=date(2016, 12, 31))),
    ("date:2024-03-01..2024-03-31", Q(date_from=date(2024, 3, 1), date_to=date(2024, 3, 31))),
    ("date:2024-03-05", Q(date_from=date(2024, 3, 5), date_to=date(2024, 3, 5))),
    ("date:2024-02", Q(date_from=date(2024, 2, 1), date_to=date(2024, 2, 29))),
    ("date:2023-2..2023-3-4", Q(date_from=date(2023, 2, 1), date_to=date(2023, 3, 4))),
    ("after:2024-01-01", Q(date_from=date(2024, 1, 1))),
    ("before:2024-06-30", Q(date_to=date(2024, 6, 30))),
    ("before:2024-06", Q(date_to=date(2024, 6, 30))),
    ("after:2024", Q(date_from=date(2024, 1, 1))),
    ("after:2024-01-01 before:2024-06-30", Q(date_from=date(2024, 1, 1), date_to=date(2024, 6, 30))),
    ("year:2020..2024 after:2021-05-01 before:2030", Q(date_from=date(2021, 5, 1), date_to=date(2024, 12, 31))),
    ("-foo -Bar, --baz", Q(excluded=("foo", "bar", "baz"))),
    ('-"Bad  Phrase"', Q(excluded=("bad phrase",))),
    ('-foo"bar"', Q(excluded=("foo",), phrases=("bar",))),
    (
        'moe -dense title:routing author:"Shazeer" cat:cs.LG year:2017',
        Q(
            words=("moe",),
            title_terms=("routing",),
            author_terms=("shazeer",),
            categories=("cs.LG",),
            date_from=date(2017, 1, 1),
            date_to=date(2017, 12, 31),
            excluded=("dense",),
        ),
    ),
    # empty: nothing, punctuation only, empty phrases and field values that clean to nothing
    ("", Q()),
    ("   \t\n", Q()),
    ("!!! ... - -- ,", Q()),
    ('"" " ... "', Q()),
    ('title:"" author:!!!', Q()),
]


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_forms(text: str, expected: SearchQuery) -> None:
    assert parse_query(text) == expected


@pytest.mark.parametrize(
    ("text", "empty"), [("", True), ("!?", True), ("x", False), ("-x", False), ("year:2016", False)]
)
def test_is_empty(text: str, empty: bool) -> None:
    assert parse_query(text).is_empty is empty


# --- a lone arXiv id or URL jumps straight to the paper ------------------------------------------------

ARXIV = [
    ("2101.00001", ArxivRef("2101.00001")),
    ("  arXiv:2101.00001v2 ", ArxivRef("2101.00001", 2)),
    ("arXiv: 2101.00001", ArxivRef("2101.00001")),
    ("hep-th/9901001", ArxivRef("hep-th/9901001")),
    ("https://arxiv.org/abs/hep-th/9901001", ArxivRef("hep-th/9901001")),
    ("<https://arxiv.org/pdf/1706.03762v5.pdf>", ArxivRef("1706.03762", 5)),
    ("https://huggingface.co/papers/2101.00001", ArxivRef("2101.00001")),
    ("2101.00001 !!!", ArxivRef("2101.00001")),
    # not alone, or not an id: just words
    ("2101.00001 transformer", None),
    ("arXiv:2101.00001 cat:cs.LG", None),
    ("-2101.00001", None),
    ('"2101.00001"', None),
    ("0001.00001", None),  # cannot exist
    ("https://arxiv.org/list/cs.LG/recent", None),
    ("arxiv", None),
]


@pytest.mark.parametrize(("text", "ref"), ARXIV)
def test_arxiv_id(text: str, ref: ArxivRef | None) -> None:
    q = parse_query(text)
    assert q.arxiv_id == ref
    if ref is not None:
        assert q.words  # kept as a fallback for a paper not in the catalogue
        assert not q.is_empty


# --- errors: one line, saying what and where ----------------------------------------------------------

ERRORS = [
    ('unclosed "graph neural', 'unclosed quote after "graph neural'),
    ('title:"graph  neural', 'unclosed quote after "graph neural'),
    ('x "', "unclosed quote at the end"),
    ("year:20x6", "year:20x6: expected a year like 2016 or a range 2016..2018"),
    ("year:16", "year:16: expected a year"),
    ("year:2016-03", "year:2016-03: expected a year"),
    ("year:2016...2018", "expected a year"),
    ("year:2016..2017..2018", "expected a year"),
    ("year:..", "expected a year"),
    ('year:""', "expected a year"),
    ("year:0000", "expected a year"),
    ("year:2018..2016", "year:2018..2016: the range ends before it starts"),
    ("date:2024-03-31..2024-03-01", "the range ends before it starts"),
    ("date:2024-13-01", "date:2024-13-01: expected a date like 2024-03-01 or a range"),
    ("date:2023-02-29", "expected a date"),
    ("date:yesterday", "expected a date"),
    ("after:2024-01-01..2024-02-01", "after:2024-01-01..2024-02-01: expected a date like 2024-01-01"),
    ("before:soon", "before:soon: expected a date"),
    ("after:2024-06-01 before:2024-01-01", "the date limits leave no days: from 2024-06-01 to 2024-01-01"),
    ("year:2016 year:2018", "the date limits leave no days"),
    ("cat:foo", "cat:foo: expected an arXiv category like cs.LG"),
    ("cat:cs..lg", "expected an arXiv category"),
    ("cat:cs.", "expected an arXiv category"),
    ("cat:cs.LG9", "expected an arXiv category"),
    ('cat:"cs LG"', "expected an arXiv category"),
    ("title:", 'title: needs a word or a "phrase" right after the colon'),
    ("author: Hinton", "author: needs a name"),
    ("cat:", "cat: needs an arXiv category"),
    ("year:", "year: needs a year"),
    ("-title:x", '-title:x: only words and "phrases" can be excluded, not title:'),
    ('-author:"de la cruz"', "can be excluded, not author:"),
    ("-cat:cs.LG", "can be excluded, not cat:"),
    (" ".join(f"w{i}" for i in range(33)), "too many search terms: 33 (at most 32)"),
    ('a "b c" title:d author:e cat:cs -f', "too many search terms: 6 (at most 5)"),
    ("a" * 3000, "the query is 3,000 characters long; at most 1,000 are searched"),  # PostgreSQL's word limit
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_errors(text: str, message: str) -> None:
    max_terms = 5 if "(at most 5)" in message else 32
    with pytest.raises(QueryError) as info:
        parse_query(text, max_terms=max_terms)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)


def test_max_terms_counts_distinct_terms() -> None:
    assert parse_query(" ".join(["w"] * 100)).words == ("w",)
    assert len(parse_query(" ".join(f"w{i}" for i in range(32))).words) == 32


# --- properties -------------------------------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    ["title:", "author:", "cat:", "year:", "date:", "after:", "before:", "foo:", "http://", '"', "-", "(", ")",
     " ", "\t", "..", ".", "2016", "2024-03-01", "cs.LG", "hep-th", "arXiv:2101.00001", "x", "É", "+", "$"]
)  # fmt: skip
QUERIES = st.one_of(st.text(), st.lists(FRAGMENTS | st.text(max_size=3)).map("".join))


@given(QUERIES)
def test_only_query_error_escapes(text: str) -> None:
    try:
        parse_query(text)
    except QueryError as e:
        assert str(e) and "\n" not in str(e)


ALNUM = st.text(st.characters(categories=("Lu", "Ll", "Lo", "Nd")), min_size=1).filter(
    lambda w: w.isalnum() and w.lower().isalnum()
)


@given(st.lists(ALNUM, min_size=1, max_size=32), st.sampled_from([" ", "  ", "\t", "\n"]))
def test_alphanumeric_words_all_kept(words: list[str], sep: str) -> None:
    q = parse_query(sep.join(words))
    assert q.words == tuple(dict.fromkeys(w.lower() for w in words))


@given(st.lists(st.text(string.ascii_letters + string.digits, min_size=1), min_size=1, max_size=32))
def test_ascii_words_all_kept(words: list[str]) -> None:
    assert set(parse_query(" ".join(words)).words) == {w.lower() for w in words}


@given(QUERIES)
def test_reparsing_words_gives_same_words(text: str) -> None:
    try:
        q = parse_query(text)
    except QueryError:
        return
    assert parse_query(" ".join(q.words)).words == q.words
