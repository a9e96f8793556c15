"""papertalk.arxiv.snapshot: hand-written lines in the Kaggle snapshot format, bad lines, the real sample,
and the synthetic line generator."""

from __future__ import annotations

import itertools
import statistics
from pathlib import Path

import orjson
import pytest

from papertalk.arxiv.snapshot import MAX_LINE_BYTES, BadSnapshotLine, parse_snapshot_line
from papertalk.core.arxiv_ids import parse_arxiv_id
from papertalk.core.records import Paper
from papertalk.demo.snapshot_generator import generate_snapshot_lines

SAMPLE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "kaggle_snapshot"
    / "arxiv-metadata-oai-snapshot.head200.jsonl"
)

# --- hand-written lines, in the format of arxiv-metadata-oai-snapshot.json ----------------------------

# Wrapped here for reading: the line breaks are removed, leaving the spaces that follow them in the values.
NEW_STYLE = rb"""{"id":"2101.00001","submitter":"Ada Lovelace","authors":"Ada Lovelace, Charles Babbage and Mary
  Somerville","title":"Analytical Engines for Attention","comments":"12 pages, 3 figures","journal-ref":"Phys. Rev. D
  103, 046001 (2021)","doi":"10.1103/PhysRevD.103.046001","report-no":null,"categories":"cs.LG stat.ML cs.AI",
"license":"http://creativecommons.org/licenses/by/4.0/","abstract":"  We study engines.\n","versions":[
{"version":"v1","created":"Mon, 4 Jan 2021 18:59:59 GMT"},{"version":"v2","created":"Thu, 11 Feb 2021 09:00:00 GMT"},
{"version":"v3","created":"Wed, 1 Sep 2021 00:00:01 GMT"}],"update_date":"2021-09-02","authors_parsed":[["Lovelace",
"Ada",""],["Babbage","Charles",""],["Somerville","Mary",""]]}""".replace(b"\n", b"")

OLD_STYLE = (
    b'{"id":"hep-th/9901001","submitter":"E. Witten","authors":"E. Witten","title":"Branes and Strings",'
    b'"comments":null,"journal-ref":null,"doi":null,"report-no":"IASSNS-HEP-99-01","categories":"hep-th",'
    b'"license":null,"abstract":"  Strings.\\n","versions":[{"version":"v1","created":"Fri, 1 Jan 1999 00:00:00 GMT"}],'
    b'"update_date":"1999-01-04","authors_parsed":[["Witten","E.",""]]}'
)

LATEX = (
    b'{"id":"2101.00002","authors":"A. Author","title":"The $\\\\mathcal{N}=4$ Super\\n  Yang--Mills   Theory",'
    b'"abstract":"  We compute $\\\\langle O(x) O(0) \\\\rangle$ for\\n$N < \\\\infty$ and show that \\\\emph{all}'
    b' corrections\\nvanish.\\n","comments":"12 pages,\\n  3 figures","categories":"hep-th math-ph",'
    b'"versions":[{"version":"v1","created":"Mon, 4 Jan 2021 18:59:59 GMT"}],"update_date":"2021-01-05",'
    b'"authors_parsed":[["Author","A.",""]]}'
)

PARSED_NAMES = (
    b'{"id":"0704.0009","title":"Names","authors":"ignored when authors_parsed is usable","authors_parsed":['
    b'["Evans","Neal J.","II"],["Nagaosa","N.","","1 and 3"],["BABAR Collaboration","",""],["","",""],'
    b'["Tak","","Jr."],["Bal\\u00e1zs","C.",""],["van der  Tak","Floris\\n",""]]}'
)

MISHCHENKO_AUTHORS = (  # 0704.0025's authors string
    "A. S. Mishchenko (1 and 2) and N. Nagaosa (1 and 3) ((1) CREST, Japan\n  Science and Technology Agency, "
    "(2) Russian Research Centre ``Kurchatov\n  Institute'', (3) The University of Tokyo)"
)

NULLS = (
    b'{"id":"0704.0002","submitter":null,"authors":null,"title":"Only a title","comments":null,"journal-ref":null,'
    b'"doi":null,"report-no":null,"categories":null,"license":null,"abstract":null,"versions":null,'
    b'"update_date":null,"authors_parsed":null}'
)


V1_DATE = "Mon, 4 Jan 2021 18:59:59 GMT"


def line(**fields: object) -> bytes:
    """A minimal valid line, with ``fields`` added or replaced (None writes null)."""
    record: dict[str, object] = {
        "id": "2101.00001",
        "title": "A title",
        "versions": [{"version": "v1", "created": V1_DATE}],
    }
    record.update(fields)
    return orjson.dumps(record)


def versions(*pairs: tuple[str, str | None]) -> bytes:
    """A minimal line with these ``(version, created)`` entries."""
    return line(versions=[{"version": label, "created": created} for label, created in pairs])


def test_new_style_id_with_three_versions() -> None:
    assert parse_snapshot_line(NEW_STYLE) == Paper(
        arxiv_id="2101.00001",
        title="Analytical Engines for Attention",
        authors=("Ada Lovelace", "Charles Babbage", "Mary Somerville"),
        abstract="We study engines.",
        categories=("cs.LG", "stat.ML", "cs.AI"),
        published_at=1609786799,  # Mon, 4 Jan 2021 18:59:59 GMT
        updated_at=1630540800,  # 2021-09-02 00:00 UTC
        latest_version=3,
        doi="10.1103/PhysRevD.103.046001",
        journal_ref="Phys. Rev. D 103, 046001 (2021)",
        comments="12 pages, 3 figures",
        versions=((1, 1609786799), (2, 1613034000), (3, 1630454401)),
    )


def test_trailing_newline_is_fine() -> None:
    assert parse_snapshot_line(NEW_STYLE + b"\n") == parse_snapshot_line(NEW_STYLE)


def test_old_style_id() -> None:
    paper = parse_snapshot_line(OLD_STYLE)
    assert paper == Paper(
        arxiv_id="hep-th/9901001",
        title="Branes and Strings",
        authors=("E. Witten",),
        abstract="Strings.",
        categories=("hep-th",),
        published_at=915148800,
        updated_at=915408000,
        latest_version=1,
        versions=((1, 915148800),),
    )
    assert parse_snapshot_line(line(id="math/0309136")).arxiv_id == "math/0309136"
    assert parse_snapshot_line(line(id="math.GT/0309136")).arxiv_id == "math/0309136"


def test_latex_kept_and_whitespace_collapsed() -> None:
    paper = parse_snapshot_line(LATEX)
    assert paper.title == "The $\\mathcal{N}=4$ Super Yang--Mills Theory"
    assert paper.abstract == (
        "We compute $\\langle O(x) O(0) \\rangle$ for $N < \\infty$ and show that \\emph{all} corrections vanish."
    )
    assert paper.comments == "12 pages, 3 figures"
    assert paper.categories == ("hep-th", "math-ph")


def test_no_break_space_is_content_not_whitespace() -> None:
    paper = parse_snapshot_line(line(title="\u00a0A\u00a0 title \t\r\n"))
    assert paper.title == "\u00a0A\u00a0 title"


def test_a_nul_character_reads_as_a_space_but_the_text_backslash_u0000_stays() -> None:
    """PostgreSQL cannot store NUL in text: both backends get a space, and the paper is kept."""
    paper = parse_snapshot_line(line(title="Bad\u0000title", abstract="a \\u0000 b\\\u0000c\u0000\u0000"))
    assert paper.title == "Bad title"
    assert paper.abstract == "a \\u0000 b\\ c"


def test_authors_parsed_with_suffixes_empty_parts_and_affiliations() -> None:
    assert parse_snapshot_line(PARSED_NAMES).authors == (
        "Neal J. Evans II",
        "N. Nagaosa",
        "BABAR Collaboration",
        "Tak Jr.",
        "C. Balázs",
        "Floris van der Tak",
    )


@pytest.mark.parametrize(
    ("authors_parsed", "authors", "expected"),
    [
        pytest.param(None, MISHCHENKO_AUTHORS, ("A. S. Mishchenko", "N. Nagaosa"), id="missing, affiliations"),
        pytest.param("oops", "Ileana Streinu and Louis Theran", ("Ileana Streinu", "Louis Theran"), id="not a list"),
        pytest.param(
            [["Streinu"]],
            "I. Streinu, L. Theran, and J. Doe",
            ("I. Streinu", "L. Theran", "J. Doe"),
            id="entry too short",
        ),
        pytest.param(
            [["Streinu", 1, ""]],
            "C. Bal\\'azs, B. Aubert, et al",
            ("C. Bal\\'azs", "B. Aubert"),
            id="entry not strings",
        ),
        pytest.param([], "Paul Harvey, Nicholas\n  Chapman", ("Paul Harvey", "Nicholas Chapman"), id="empty"),
        pytest.param([["", "", ""]], None, (), id="no names at all"),
    ],
)
def test_authors_fall_back_to_the_authors_string(
    authors_parsed: object, authors: str | None, expected: tuple[str, ...]
) -> None:
    assert parse_snapshot_line(line(authors=authors, authors_parsed=authors_parsed)).authors == expected


def test_first_of_several_dois() -> None:
    paper = parse_snapshot_line(line(doi="10.1364/JOSAA.23.002578 10.1364/JOSAA.32.002407"))
    assert paper.doi == "10.1364/JOSAA.23.002578"
    assert parse_snapshot_line(line(doi="  10.1/a;\n 10.2/b")).doi == "10.1/a"


def test_nulls() -> None:
    assert parse_snapshot_line(NULLS) == Paper(arxiv_id="0704.0002", title="Only a title")


def test_empty_strings_count_as_absent() -> None:
    paper = parse_snapshot_line(line(abstract="  \n ", comments="", doi=" ", categories=" ", versions=[]))
    assert paper == Paper(arxiv_id="2101.00001", title="A title")


def test_versions_sorted_and_published_at_without_v1() -> None:
    versions = [
        {"version": "v3", "created": "Wed, 1 Sep 2021 00:00:01 GMT"},
        {"version": "v2", "created": "Thu, 11 Feb 2021 09:00:00 GMT"},
    ]
    paper = parse_snapshot_line(line(versions=versions))
    assert paper.versions == ((2, 1613034000), (3, 1630454401))
    assert (paper.published_at, paper.latest_version, paper.updated_at) == (1613034000, 3, 1630454401)


def test_other_rfc_2822_forms_take_the_slow_path() -> None:
    versions = [
        {"version": "v1", "created": "4 Jan 2021 19:59:59 +0100"},  # no weekday, an offset
        {"version": "v2", "created": "Thu, 11 Feb 2021 09:00:00 UT"},
    ]
    assert parse_snapshot_line(line(versions=versions)).versions == ((1, 1609786799), (2, 1613034000))


def test_categories_listed_twice_count_once() -> None:
    assert parse_snapshot_line(line(categories="hep-th  gr-qc hep-th")).categories == ("hep-th", "gr-qc")


def test_version_in_the_id_is_dropped() -> None:
    paper = parse_snapshot_line(line(id="2101.00001v2", versions=None))
    assert (paper.arxiv_id, paper.latest_version, paper.versions) == ("2101.00001", 2, ())


# --- bad lines ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        pytest.param(b'{"id": "2101.00001", "title": ', "invalid JSON", id="invalid JSON"),
        pytest.param(b"\xff\xfe", "invalid UTF-8 at column 1 (byte 0xff", id="not UTF-8"),
        pytest.param(b'["2101.00001"]', "expected a JSON object", id="not an object"),
        pytest.param(b'{"title": "A title"}', "id:", id="missing id"),
        pytest.param(line(id=2101.00001), "id:", id="id not a string"),
        pytest.param(line(id="2101.0001x"), "id: not an arXiv identifier: '2101.0001x'", id="bad id"),
        pytest.param(line(id="0001.00001"), "id: not an arXiv identifier", id="impossible id"),
        pytest.param(b'{"id": "2101.00001"}', "title:", id="missing title"),
        pytest.param(line(title=" \n "), "title:", id="empty title"),
        pytest.param(line(title=["A", "title"]), "title: expected a string", id="title not a string"),
        pytest.param(line(versions="v1"), "versions: expected an array", id="versions wrong type"),
        pytest.param(line(versions=["v1"]), "versions[0]: expected an object", id="version not an object"),
        pytest.param(versions(("1", V1_DATE)), "versions[0].version", id="bad version label"),
        pytest.param(versions(("v0", V1_DATE)), "versions[0].version", id="version zero"),
        pytest.param(
            versions(("v1", V1_DATE), ("v2", "yesterday")),
            "versions[1].created: not an RFC 2822 date: 'yesterday'",
            id="bad date",
        ),
        pytest.param(versions(("v1", "Mon, 31 Feb 2021 18:59:59 GMT")), "versions[0].created", id="impossible date"),
        pytest.param(versions(("v1", "Mon, 4 Jan 2021 25:59:59 GMT")), "versions[0].created", id="impossible time"),
        pytest.param(versions(("v1", None)), "versions[0].created", id="no date"),
        pytest.param(
            versions(("v1", V1_DATE), ("v1", V1_DATE)),
            "versions: a version number appears more than once",
            id="repeated version",
        ),
        pytest.param(line(update_date="26/11/2008"), "update_date:", id="bad update_date"),
        pytest.param(line(update_date="2008-13-26"), "update_date:", id="impossible update_date"),
        pytest.param(line(categories=["hep-th"]), "categories: expected a string", id="categories wrong type"),
        pytest.param(line(abstract=42), "abstract: expected a string", id="abstract wrong type"),
        pytest.param(line(authors=["A. Author"]), "authors: expected a string", id="authors wrong type"),
        pytest.param(line(abstract="x" * MAX_LINE_BYTES), "over the 1,048,576-byte limit", id="huge line"),
    ],
)
def test_bad_lines_name_the_field(bad: bytes, field: str) -> None:
    with pytest.raises(BadSnapshotLine) as caught:
        parse_snapshot_line(bad)
    message = str(caught.value)
    assert field in message
    assert "\n" not in message
    assert len(message) < 300


def test_bad_line_messages_cut_long_values_short() -> None:
    with pytest.raises(BadSnapshotLine, match=r"^id: not an arXiv identifier: 'x{76}\.\.\.$"):
        parse_snapshot_line(line(id="x" * 5000))


# --- the real sample: the first 200 lines of the Kaggle snapshot ------------------------------------------


@pytest.fixture(scope="module")
def sample_papers() -> list[Paper]:
    if not SAMPLE.exists():
        pytest.skip(f"real snapshot sample not found at {SAMPLE}")
    return [parse_snapshot_line(raw) for raw in SAMPLE.read_bytes().splitlines()]


def test_every_sample_line_parses_in_order(sample_papers: list[Paper]) -> None:
    assert [p.arxiv_id for p in sample_papers] == [f"0704.{n:04d}" for n in range(1, 201)]
    assert all(p.title and p.authors and p.categories and p.versions for p in sample_papers)
    assert all(p.published_at is not None and p.updated_at is not None for p in sample_papers)


def test_sample_facts(sample_papers: list[Paper]) -> None:
    first = sample_papers[0]  # read off the file's first line
    assert first.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert first.authors == ("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan")
    assert first.versions == ((1, 1175541522), (2, 1185307827))  # Mon, 2 Apr 2007 19:18:42 GMT; Tue, 24 Jul ...
    assert (first.latest_version, first.published_at, first.updated_at) == (2, 1175541522, 1227657600)
    assert first.categories == ("hep-ph",)
    assert first.doi == "10.1103/PhysRevD.76.013009"
    assert first.journal_ref == "Phys.Rev.D76:013009,2007"
    assert first.comments == "37 pages, 15 figures; published version"
    assert first.abstract is not None
    assert first.abstract.startswith("A fully differential calculation in perturbative quantum chromodynamics is")
    assert first.abstract.endswith("judicious selection of events.")

    second = sample_papers[1]
    assert second.title == "Sparsity-certifying Graph Decompositions"
    assert second.authors == ("Ileana Streinu", "Louis Theran")
    assert second.categories == ("math.CO", "cs.CG")
    assert second.doi is None
    assert "$(k,\\ell)$-pebble game" in (second.abstract or "")

    by_id = {p.arxiv_id: p for p in sample_papers}
    assert "Neal J. Evans II" in by_id["0704.0009"].authors
    assert by_id["0704.0033"].doi == "10.1364/JOSAA.23.002578"  # the file lists two DOIs
    assert max(len(p.versions) for p in sample_papers) == 5


# --- the generator --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated() -> list[bytes]:
    return list(generate_snapshot_lines(seed=7, count=3000))


def test_generator_is_deterministic(generated: list[bytes]) -> None:
    assert list(generate_snapshot_lines(seed=7, count=3000)) == generated
    assert list(generate_snapshot_lines(seed=8, count=50)) != generated[:50]
    assert list(generate_snapshot_lines(seed=7, count=0)) == []


def test_generator_is_lazy() -> None:
    first = list(itertools.islice(generate_snapshot_lines(seed=1, count=10**9), 3))
    assert len(first) == 3


def test_generated_lines_are_realistic(generated: list[bytes]) -> None:
    records = [orjson.loads(raw) for raw in generated]
    papers = [parse_snapshot_line(raw) for raw in generated]
    ids = [p.arxiv_id for p in papers]
    assert len(set(ids)) == len(ids)
    assert all(
        parse_arxiv_id(r["id"]) is not None and b"\n" not in raw for r, raw in zip(records, generated, strict=True)
    )
    old_style = sum("/" in i for i in ids)
    assert 0.005 * len(ids) < old_style < 0.04 * len(ids)
    assert len({i[:4] for i in ids if "/" not in i}) > 100  # spread over the months

    lengths = [len(p.abstract or "") for p in papers]
    assert 900 < statistics.mean(lengths) < 1100
    assert min(lengths) > 500 and max(lengths) < 2000
    assert len({p.abstract for p in papers}) == len(papers)
    words = set(" ".join(p.abstract or "" for p in papers[:300]).lower().split())
    assert {"learning", "we", "based", "the", "of"} <= words
    assert len(words) > 400

    assert {len(p.authors) for p in papers} == set(range(1, 16))
    assert {len(p.versions) for p in papers} == {1, 2, 3, 4}
    assert all(len(p.authors) == len(r["authors_parsed"]) for p, r in zip(papers, records, strict=True))
    assert all(p.published_at == p.versions[0][1] for p in papers)
    assert any("$" in (p.title or "") for p in papers)
    assert any("\n" in r["title"] for r in records) and all("\n" in r["abstract"] for r in records)
    assert 0.2 < sum(p.doi is not None for p in papers) / len(papers) < 0.4
    assert any(" " in (r["doi"] or "") for r in records)
    assert any(p.journal_ref for p in papers) and any(p.comments for p in papers)
    assert any(len(p.categories) > 1 for p in papers)
    assert 1000 < statistics.mean(len(raw) for raw in generated) < 2200
