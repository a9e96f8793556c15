"""papertalk.arxiv.atom: hand-written feeds in the API's format, broken documents, real API samples."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from papertalk.arxiv.atom import AtomEntryError, AtomPage, AtomParseError, parse_feed
from papertalk.core.records import Paper

ARXIV_API_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "arxiv_api"

# --- hand-written fixtures, in the format export.arxiv.org/api/query returns ------------------------

HEADER = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" \
xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/TESTFEEDID0000000000000000</id>
  <title>arXiv Query: search_query=&amp;id_list=&amp;start=0&amp;max_results=100</title>
  <updated>2026-04-12T22:09:25Z</updated>
  <link href="https://arxiv.org/api/query?search_query=&amp;start=0&amp;max_results=100" type="application/atom+xml"/>
"""

TWO_ENTRY_PAGE = (
    HEADER
    + """  <opensearch:itemsPerPage>2</opensearch:itemsPerPage>
  <opensearch:totalResults>57</opensearch:totalResults>
  <opensearch:startIndex>10</opensearch:startIndex>
  <entry>
    <id>http://arxiv.org/abs/2101.00001v3</id>
    <title>The $\\mathcal{N}=4$ Super
  Yang--Mills   Theory at Strong Coupling</title>
    <updated>2021-02-11T09:00:00Z</updated>
    <link href="https://arxiv.org/abs/2101.00001v3" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/2101.00001v3" rel="related" type="application/pdf" title="pdf"/>
    <summary>  We compute $\\langle O(x) O(0) \\rangle$ for
$N &lt; \\infty$ and show that \\emph{all} corrections
vanish.
</summary>
    <category term="math-ph" scheme="http://arxiv.org/schemas/atom"/>
    <category term="hep-th" scheme="http://arxiv.org/schemas/atom"/>
    <category term="math.MP" scheme="http://arxiv.org/schemas/atom"/>
    <published>2021-01-04T18:59:59Z</published>
    <arxiv:comment>12 pages,
  3 figures; v3: typos fixed</arxiv:comment>
    <arxiv:primary_category term="hep-th"/>
    <arxiv:journal_ref>Phys. Rev. D 103, 046001 (2021)</arxiv:journal_ref>
    <author>
      <name>Ada Lovelace</name>
      <arxiv:affiliation>Analytical Engine Society</arxiv:affiliation>
    </author>
    <author>
      <name>Charles   Babbage</name>
    </author>
    <arxiv:doi>10.1103/PhysRevD.103.046001</arxiv:doi>
    <link rel="related" href="https://doi.org/10.1103/PhysRevD.103.046001" title="doi"/>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/hep-th/9901001v2</id>
    <title>Old-Style Identifiers Still Work</title>
    <updated>1999-03-15T09:30:05Z</updated>
    <link href="https://arxiv.org/abs/hep-th/9901001v2" rel="alternate" type="text/html"/>
    <summary>A short abstract.</summary>
    <category term="hep-th" scheme="http://arxiv.org/schemas/atom"/>
    <published>1999-01-04T12:00:00Z</published>
    <arxiv:primary_category term="hep-th"/>
    <author>
      <name>Emmy Noether</name>
    </author>
  </entry>
</feed>
"""
)

FIRST = Paper(
    arxiv_id="2101.00001",
    title="The $\\mathcal{N}=4$ Super Yang--Mills Theory at Strong Coupling",
    authors=("Ada Lovelace", "Charles Babbage"),
    abstract="We compute $\\langle O(x) O(0) \\rangle$ for $N < \\infty$ and show that \\emph{all} corrections vanish.",
    categories=("hep-th", "math-ph", "math.MP"),
    published_at=1609786799,  # 2021-01-04T18:59:59Z
    updated_at=1613034000,  # 2021-02-11T09:00:00Z
    latest_version=3,
    doi="10.1103/PhysRevD.103.046001",
    journal_ref="Phys. Rev. D 103, 046001 (2021)",
    comments="12 pages, 3 figures; v3: typos fixed",
)
SECOND = Paper(
    arxiv_id="hep-th/9901001",
    title="Old-Style Identifiers Still Work",
    authors=("Emmy Noether",),
    abstract="A short abstract.",
    categories=("hep-th",),
    published_at=915451200,  # 1999-01-04T12:00:00Z
    updated_at=921490205,  # 1999-03-15T09:30:05Z
    latest_version=2,
)


def feed(*entries: str, total: int = 1) -> str:
    """A response page around the given ``<entry>`` bodies."""
    counts = (
        f"  <opensearch:itemsPerPage>100</opensearch:itemsPerPage>\n"
        f"  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
        f"  <opensearch:startIndex>0</opensearch:startIndex>\n"
    )
    return HEADER + counts + "".join(f"  <entry>{e}</entry>\n" for e in entries) + "</feed>\n"


def entry(
    arxiv_id: str | None = "2301.01234v1", title: str | None = "A Title", extra: str = "", summary: str = "Abstract."
) -> str:
    parts = []
    if arxiv_id is not None:
        parts.append(f"<id>http://arxiv.org/abs/{arxiv_id}</id>")
    if title is not None:
        parts.append(f"<title>{title}</title>")
    parts += [
        "<updated>2023-06-30T23:59:59Z</updated>",
        f"<summary>{summary}</summary>",
        '<category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>',
        "<published>2023-06-30T23:59:59Z</published>",
        '<arxiv:primary_category term="cs.LG"/>',
        "<author><name>Grace Hopper</name></author>",
        extra,
    ]
    return "\n    ".join(parts)


def only_paper(page: AtomPage) -> Paper:
    assert page.errors == []
    assert len(page.papers) == 1
    return page.papers[0]


# --- well-formed pages --------------------------------------------------------------------------------


def test_two_entry_page_every_field() -> None:
    page = parse_feed(TWO_ENTRY_PAGE.encode())
    assert page == AtomPage(papers=[FIRST, SECOND], errors=[], total_results=57, start_index=10, items_per_page=2)
    assert FIRST.primary_category == "hep-th"
    assert SECOND.versions == ()


def test_str_and_bytes_give_the_same_page() -> None:
    assert parse_feed(TWO_ENTRY_PAGE) == parse_feed(TWO_ENTRY_PAGE.encode("utf-8"))


@pytest.mark.parametrize(
    ("entry_id", "arxiv_id", "version"),
    [
        ("2104.12255v1", "2104.12255", 1),
        ("2101.00001v12", "2101.00001", 12),
        ("0704.0001v2", "0704.0001", 2),  # first new-style month, 4-digit number
        ("1501.00001v1", "1501.00001", 1),  # first 5-digit month
        ("hep-th/9901001v2", "hep-th/9901001", 2),
        ("cond-mat/0412498v1", "cond-mat/0412498", 1),
        ("math.GT/0309136v1", "math/0309136", 1),  # subject class is not part of the id
        ("2301.01234", "2301.01234", None),  # no version in the id: none claimed
    ],
)
def test_ids_are_normalized_and_version_is_the_latest(entry_id: str, arxiv_id: str, version: int | None) -> None:
    paper = only_paper(parse_feed(feed(entry(entry_id))))
    assert (paper.arxiv_id, paper.latest_version) == (arxiv_id, version)


def test_https_id_url_is_accepted() -> None:
    page = parse_feed(feed(entry("x").replace("http://arxiv.org/abs/x", "https://arxiv.org/abs/2301.01234v4")))
    assert (only_paper(page).arxiv_id, only_paper(page).latest_version) == ("2301.01234", 4)


def test_latex_and_wrapped_lines_keep_latex_and_collapse_whitespace() -> None:
    title = "Bounds on $\\|A\\|_{2\\to 2}$\n  for\t\tSparse\r\n   Matrices "
    summary = "\n  We show $x &lt; y$ \\cite{foo}\n\nand  \\textbf{more}.  \n"
    paper = only_paper(parse_feed(feed(entry(title=title, summary=summary))))
    assert paper.title == "Bounds on $\\|A\\|_{2\\to 2}$ for Sparse Matrices"
    assert paper.abstract == "We show $x < y$ \\cite{foo} and \\textbf{more}."


def test_no_break_space_is_content_not_layout() -> None:
    paper = only_paper(parse_feed(feed(entry(title="Ran\u00a0Dom  Title"))))
    assert paper.title == "Ran\u00a0Dom Title"


def test_title_that_looks_falsy_is_kept() -> None:
    assert only_paper(parse_feed(feed(entry(title="0")))).title == "0"


def test_primary_category_first_then_the_rest_once_in_feed_order() -> None:
    extra = "".join(
        f'<category term="{t}" scheme="http://arxiv.org/schemas/atom"/>'
        for t in ("stat.ML", "cs.AI", "cs.LG", "stat.ML")
    )
    paper = only_paper(
        parse_feed(feed(entry(extra=extra).replace('primary_category term="cs.LG"', 'primary_category term="stat.ML"')))
    )
    assert paper.categories == ("stat.ML", "cs.LG", "cs.AI")
    assert paper.primary_category == "stat.ML"


def test_without_primary_category_feed_order_is_kept() -> None:
    text = entry(extra='<category term="math.CO" scheme="http://arxiv.org/schemas/atom"/>')
    text = text.replace('<arxiv:primary_category term="cs.LG"/>', "")
    assert only_paper(parse_feed(feed(text))).categories == ("cs.LG", "math.CO")


def test_doi_journal_ref_comment() -> None:
    extra = (
        "<arxiv:doi>10.1000/xyz123</arxiv:doi>"
        "<arxiv:journal_ref>J. Test. 1\n   (2023) 1-10</arxiv:journal_ref>"
        "<arxiv:comment>  Accepted at TEST 2023;\n code at https://example.org/x  </arxiv:comment>"
    )
    paper = only_paper(parse_feed(feed(entry(extra=extra))))
    assert (paper.doi, paper.journal_ref, paper.comments) == (
        "10.1000/xyz123",
        "J. Test. 1 (2023) 1-10",
        "Accepted at TEST 2023; code at https://example.org/x",
    )


def test_optional_fields_absent_or_empty_are_none() -> None:
    text = entry(summary="   ", extra="<arxiv:doi></arxiv:doi><arxiv:comment>\n</arxiv:comment>")
    text = text.replace("<updated>2023-06-30T23:59:59Z</updated>", "<updated>not a date</updated>")
    text = text.replace("<published>2023-06-30T23:59:59Z</published>", "")
    paper = only_paper(parse_feed(feed(text)))
    assert paper == Paper(
        arxiv_id="2301.01234", title="A Title", authors=("Grace Hopper",), categories=("cs.LG",), latest_version=1
    )


def test_dates_are_utc_epoch_seconds_whatever_the_offset() -> None:
    text = entry().replace("<published>2023-06-30T23:59:59Z", "<published>2023-06-30T19:59:59-04:00")
    text = text.replace("<updated>2023-06-30T23:59:59Z", "<updated>2023-06-30T23:59:59")  # no offset: UTC
    paper = only_paper(parse_feed(feed(text)))
    assert (paper.published_at, paper.updated_at) == (1688169599, 1688169599)


def test_authors_keep_order_and_skip_nameless() -> None:
    extra = (
        "<author><name>  Alan\n  Turing </name></author>"
        "<author><name/></author>"
        "<author><name>Kurt Gödel</name></author>"
    )
    assert only_paper(parse_feed(feed(entry(extra=extra)))).authors == ("Grace Hopper", "Alan Turing", "Kurt Gödel")


def test_empty_feed_is_an_empty_page() -> None:
    page = parse_feed(feed(total=0))
    assert page == AtomPage(papers=[], errors=[], total_results=0, start_index=0, items_per_page=100)


def test_feed_without_opensearch_counts() -> None:
    page = parse_feed(HEADER + "</feed>")
    assert (page.total_results, page.start_index, page.items_per_page) == (None, None, None)


# --- entry-level problems: reported, the rest of the page kept ----------------------------------------

ERROR_ENTRY = """
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345</id>
    <title>Error</title>
    <summary>incorrect id format for 1234.12345</summary>
    <updated>2007-10-12T00:00:00-04:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345" rel="alternate" type="text/html"/>
    <author>
      <name>arXiv api core</name>
    </author>"""


def test_api_error_entry() -> None:
    page = parse_feed(feed(ERROR_ENTRY))
    assert page.papers == []
    assert page.errors == [
        AtomEntryError(
            where="http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345",
            reason="incorrect id format for 1234.12345",
        )
    ]


def test_api_error_entry_without_summary_falls_back_to_title() -> None:
    page = parse_feed(feed(re.sub(r"<summary>.*</summary>", "", ERROR_ENTRY)))
    assert page.errors[0].reason == "Error"


def test_entry_missing_title_among_good_ones() -> None:
    page = parse_feed(feed(entry("2301.00001v1"), entry("2301.00002v2", title=None), entry("2301.00003v1"), total=3))
    assert [p.arxiv_id for p in page.papers] == ["2301.00001", "2301.00003"]
    assert page.errors == [AtomEntryError("http://arxiv.org/abs/2301.00002v2", "missing <title>")]


def test_entry_with_blank_title_counts_as_missing() -> None:
    page = parse_feed(feed(entry(title=" \n ")))
    assert page.errors == [AtomEntryError("http://arxiv.org/abs/2301.01234v1", "missing <title>")]


def test_entry_missing_id_is_named_by_position() -> None:
    page = parse_feed(feed(entry("2301.00001v1"), entry(None), total=2))
    assert [p.arxiv_id for p in page.papers] == ["2301.00001"]
    assert page.errors == [AtomEntryError("entry 2", "missing <id>")]


@pytest.mark.parametrize("bad_id", ["0000.0000v1", "2313.00001v1", "abc"])
def test_entry_with_unparseable_id(bad_id: str) -> None:
    page = parse_feed(feed(entry(bad_id), entry("2301.00009v1"), total=2))
    assert [p.arxiv_id for p in page.papers] == ["2301.00009"]
    assert page.errors == [AtomEntryError(f"http://arxiv.org/abs/{bad_id}", "<id> is not an arXiv paper id")]


def test_entry_with_foreign_id_url() -> None:
    page = parse_feed(
        feed(entry("x").replace("http://arxiv.org/abs/x", "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6"))
    )
    assert page.papers == []
    assert page.errors == [
        AtomEntryError("urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6", "<id> is not an arXiv paper id")
    ]


# --- unusable documents -------------------------------------------------------------------------------


def test_truncated_document_says_where() -> None:
    lines = TWO_ENTRY_PAGE.splitlines(keepends=True)
    cut = "".join(lines[:20]) + lines[20][:9]  # stops inside line 21
    with pytest.raises(AtomParseError) as info:
        parse_feed(cut.encode())
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("arXiv API response is truncated or empty: ")
    assert "line 21, column" in message


@pytest.mark.parametrize("fraction", [0.1, 0.33, 0.5, 0.75, 0.99])
def test_document_cut_anywhere_raises(fraction: float) -> None:
    data = TWO_ENTRY_PAGE.encode()
    with pytest.raises(AtomParseError, match=r"^arXiv API response is truncated or empty: .* at line \d+, column \d+$"):
        parse_feed(data[: int(len(data) * fraction)])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", "is truncated or empty: no element found at line 1, column 0"),
        (b"Rate exceeded.", "is not XML: syntax error at line 1, column 0"),
        (b"<html><body><p>Service Unavailable</body></html>", "is not XML: mismatched tag at line 1, column 36"),
        (b'{"error": "bad request"}', "is not XML: not well-formed (invalid token) at line 1, column 0"),
        (b"<feed/>\n<feed/>", "is not XML: junk after document element at line 2, column 0"),
    ],
)
def test_non_xml_raises_with_line_and_column(body: bytes, expected: str) -> None:
    with pytest.raises(AtomParseError) as info:
        parse_feed(body)
    assert str(info.value) == f"arXiv API response {expected}"


def test_xml_that_is_not_an_atom_feed() -> None:
    with pytest.raises(AtomParseError, match=r"^arXiv API response is not an Atom feed: root element is <html>$"):
        parse_feed("<html><body><p>Service Unavailable</p></body></html>")
    with pytest.raises(AtomParseError, match=r"root element is <feed>"):  # RSS-like feed without the Atom namespace
        parse_feed("<feed><entry/></feed>")


def test_parse_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_feed(b"<feed")


# --- real API responses in ../shared/data/arxiv_api ---------------------------------------------------


@pytest.fixture(scope="module")
def api_data() -> Path:
    if not ARXIV_API_DATA.is_dir():
        pytest.skip("../shared/data/arxiv_api is not present in this checkout")
    return ARXIV_API_DATA


def _sample_files() -> list[Path]:
    if not ARXIV_API_DATA.is_dir():
        return []
    return sorted(p for p in ARXIV_API_DATA.glob("*/*") if p.suffix in {".xml", ".json"})


def _body(path: Path) -> bytes:
    if path.suffix == ".json":
        return str(json.loads(path.read_text(encoding="utf-8"))["body"]).encode("utf-8")
    return path.read_bytes()


def sample(api_data: Path, name_start: str, folder: str = "arxiv.py_fixtures_extracted_xml") -> AtomPage:
    (path,) = (api_data / folder).glob(f"{name_start}*")
    return parse_feed(_body(path))


@pytest.mark.parametrize("path", _sample_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_sample_parses(api_data: Path, path: Path) -> None:
    page = parse_feed(_body(path))
    assert page.total_results is not None and page.start_index is not None and page.items_per_page is not None
    assert len(page.papers) + len(page.errors) <= page.items_per_page
    for paper in page.papers:
        assert paper.title and paper.authors and paper.abstract and paper.categories
        assert paper.latest_version is not None and paper.latest_version >= 1
        assert paper.published_at is not None and paper.updated_at is not None
        assert paper.published_at <= paper.updated_at
        for text in (paper.title, paper.abstract, paper.comments or "", paper.journal_ref or ""):
            assert "\n" not in text and "  " not in text and text == text.strip()


def test_json_wrappers_match_extracted_xml(api_data: Path) -> None:
    wrappers = sorted((api_data / "arxiv.py_fixtures").glob("*.json"))
    assert wrappers
    for path in wrappers:
        xml = api_data / "arxiv.py_fixtures_extracted_xml" / f"{path.stem}.xml"
        assert parse_feed(_body(path)) == parse_feed(xml.read_bytes()), path.name


def test_real_old_style_id_with_journal_ref(api_data: Path) -> None:
    paper = only_paper(sample(api_data, "id_astro-ph_0601001"))
    assert (paper.arxiv_id, paper.latest_version) == ("astro-ph/0601001", 1)
    assert paper.journal_ref == "ActaAstron.56:1-50,2006"
    assert paper.authors == ("Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski")
    assert paper.categories == ("astro-ph",)
    assert paper.published_at == paper.updated_at == 1136213878  # 2006-01-02T14:57:58Z
    assert paper.doi is None
    assert paper.comments is not None and paper.comments.startswith("62 pages including 16 figures")
    assert paper.abstract is not None and paper.abstract.startswith("We derive the frequencies of hot Jupiters")
    assert "V_max<17.5" in paper.abstract  # entity decoded, text otherwise as sent


def test_real_new_style_versioned_id(api_data: Path) -> None:
    page = sample(api_data, "id_2104.12255v1")
    assert page == AtomPage(papers=[only_paper(page)], errors=[], total_results=1, start_index=0, items_per_page=100)
    paper = page.papers[0]
    assert (paper.arxiv_id, paper.latest_version, paper.title) == ("2104.12255", 1, "0")
    assert (paper.authors, paper.categories) == (("Quan Thoi Minh Nguyen",), ("cs.CR",))
    assert paper.published_at == 1618934834  # 2021-04-20T16:07:14Z
    assert (paper.doi, paper.journal_ref, paper.comments) == (None, None, None)


def test_real_old_style_ids(api_data: Path) -> None:
    hep = only_paper(sample(api_data, "id_hep-ex_0406020v1"))
    assert (hep.arxiv_id, hep.latest_version, hep.title) == ("hep-ex/0406020", 1, "Sparticle Reconstruction at LHC")
    assert hep.published_at == 1086606502  # 2004-06-07T11:08:22Z
    assert hep.abstract is not None and hep.abstract.startswith("In this report")
    quant = only_paper(sample(api_data, "id_quant-ph_0201082v1"))
    assert (quant.arxiv_id, quant.categories) == ("quant-ph/0201082", ("quant-ph", "cs.PL"))


def test_real_cross_listed_paper(api_data: Path) -> None:
    paper = only_paper(sample(api_data, "id_1605.08386"))
    assert (paper.arxiv_id, paper.categories, paper.comments) == (
        "1605.08386",
        ("math.CO", "math.ST"),
        "20 pages, 3 figures",
    )
    assert paper.authors == ("Caprice Stanley", "Tobias Windisch")


def test_real_error_response(api_data: Path) -> None:
    wrapper = json.loads((next((api_data / "arxiv.py_fixtures").glob("id_abc_*.json"))).read_text(encoding="utf-8"))
    assert wrapper["status_code"] == 400
    page = parse_feed(wrapper["body"])
    assert page.papers == []
    assert page.errors == [
        AtomEntryError("https://arxiv.org/api/errors#incorrect_id_format_for_abc", "incorrect id format for abc")
    ]


@pytest.mark.parametrize("name", ["id_0808.05394_s0", "id_0000.0000"])
def test_real_unknown_id_gives_empty_page(api_data: Path, name: str) -> None:
    assert sample(api_data, name) == AtomPage(papers=[], errors=[], total_results=0, start_index=0, items_per_page=100)


def test_real_unknown_id_next_to_a_known_one(api_data: Path) -> None:
    page = sample(api_data, "id_0808.05394_1707.08567")
    paper = only_paper(page)
    assert (paper.arxiv_id, page.total_results) == ("1707.08567", 1)
    assert len(paper.authors) == 34
    assert (paper.authors[0], paper.authors[-1]) == ("Kees A. Schouhamer Immink", "Hirosuke Yamamoto")
    assert paper == only_paper(sample(api_data, "id_1707.08567"))


def test_real_100_entry_page(api_data: Path) -> None:
    page = sample(api_data, "q_testing_s0_m100")
    assert (page.total_results, page.start_index, page.items_per_page) == (214881, 0, 100)
    assert page.errors == []
    assert len(page.papers) == 100
    assert len({p.arxiv_id for p in page.papers}) == 100
    assert all(p.title and p.authors and p.abstract for p in page.papers)
    assert sum(p.doi is not None for p in page.papers) == 32
    assert sum(p.journal_ref is not None for p in page.papers) == 18
    assert [p.arxiv_id for p in page.papers if "/" in p.arxiv_id] == ["cs/0503050", "hep-ph/0301050", "gr-qc/0103067"]
    first = page.papers[0]
    assert (first.arxiv_id, first.latest_version, first.categories) == ("2202.12139", 1, ("cs.SE", "cs.LG"))
    assert first.doi == "10.1109/ICSTW55395.2022.00035"
    anarchy = next(p for p in page.papers if p.arxiv_id == "hep-ph/0301050")
    assert (anarchy.title, anarchy.latest_version) == ("Statistical Test of Anarchy", 2)
    assert (anarchy.doi, anarchy.journal_ref) == ("10.1016/j.physletb.2003.08.045", "Phys.Lett.B573:94-100,2003")
    assert anarchy.authors == ("Andre de Gouvea", "Hitoshi Murayama")


PAGES = [  # (file name prefix, start, max_results) of the "testing" search pages
    ("q_testing_s0_m10_", 0, 10),
    ("q_testing_s0_m15", 0, 15),
    ("q_testing_s5_m10", 5, 10),
    ("q_testing_s5_m15", 5, 15),
    ("q_testing_s9_m15", 9, 15),
    ("q_testing_s10_m10", 10, 10),
    ("q_testing_s20_m10", 20, 10),
    ("q_testing_s30_m10", 30, 10),
    ("q_testing_s40_m10", 40, 10),
    ("q_testing_s50_m10", 50, 10),
]


@pytest.mark.parametrize(("name", "start", "size"), PAGES)
def test_real_search_pages_report_their_paging(api_data: Path, name: str, start: int, size: int) -> None:
    paths = sorted((api_data / "arxiv.py_fixtures_extracted_xml").glob(f"{name}*"))
    assert paths
    for path in paths:
        page = parse_feed(path.read_bytes())
        assert (page.total_results, page.start_index, page.items_per_page) == (214881, start, size)
        assert len(page.papers) == size and page.errors == []


def test_real_overlapping_pages_agree(api_data: Path) -> None:
    """Pages s0_m15 and s5_m10 overlap on results 5-14: the same papers, parsed the same way."""
    wide = sample(api_data, "q_testing_s0_m15").papers
    narrow = sample(api_data, "q_testing_s5_m10").papers
    shared = {p.arxiv_id for p in wide} & {p.arxiv_id for p in narrow}
    assert shared
    by_id = {p.arxiv_id: p for p in wide}
    assert all(by_id[p.arxiv_id] == p for p in narrow if p.arxiv_id in shared)


def test_real_legacy_2016_output(api_data: Path) -> None:
    paper = only_paper(sample(api_data, "id_list_1111.2011v2", "arxiv.py_legacy_xml"))
    assert paper == Paper(
        arxiv_id="1111.2011",
        title="Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit",
        authors=("James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic"),
        abstract=paper.abstract,
        categories=("cond-mat.str-el", "cond-mat.stat-mech"),
        published_at=1320778116,  # 2011-11-08T18:48:36Z
        updated_at=1333370334,  # 2012-04-02T12:38:54Z
        latest_version=2,
        doi="10.1103/PhysRevB.85.115117",
        journal_ref="Phys. Rev. B 85, 115117 (2012)",
        comments="8 pages, 3 figures. Published version",
    )
    assert paper.abstract is not None
    assert paper.abstract.startswith("Theoretical description of anisotropic systems, such as layered superconductors")
    assert paper.abstract.endswith("adding a single extra dimension to the theory describing a single node.")


def test_real_legacy_search_page(api_data: Path) -> None:
    page = sample(api_data, "search_query_au_del_maestro.xml", "arxiv.py_legacy_xml")
    assert (page.total_results, page.start_index, page.items_per_page, len(page.papers)) == (31, 0, 10, 10)
    ids = [p.arxiv_id for p in page.papers]
    assert ids[:3] == ["1201.4869", "cond-mat/0412498", "cond-mat/0603029"]
    checkerboard = page.papers[2]
    assert (
        checkerboard.title
        == "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"
    )
    assert checkerboard.categories == ("cond-mat.str-el", "cond-mat.supr-con")
    first = page.papers[0]
    assert (first.doi, first.journal_ref, first.comments) == (
        "10.1142/S021797921244002X",
        "Int. J. Mod. Phys. B, 26, 1244002 (2012)",
        "26 pages, 10 figures",
    )
