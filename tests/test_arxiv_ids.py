"""papertalk.core.arxiv_ids: every citation form, ids that cannot exist, properties, real samples."""

from __future__ import annotations

import ast
import csv
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papertalk.core.arxiv_ids import ARCHIVES, find_arxiv_refs, find_in_post, parse_arxiv_id
from papertalk.core.records import ArxivRef

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"

# The archives of old-style identifiers, written out independently of the module (arXiv taxonomy).
OLD_ARCHIVES = (
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an", "chao-dyn",
    "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex",
    "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th",
    "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph", "solv-int", "supr-con",
)  # fmt: skip


def refs(*items: tuple[str, int | None]) -> list[ArxivRef]:
    return [ArxivRef(a, v) for a, v in items]


# --- table: forms that must be recognized -------------------------------------------------------

FOUND = [
    # new style, both lengths, with and without version
    ("arXiv:0704.0001", [("0704.0001", None)]),
    ("arXiv:1412.9999v3", [("1412.9999", 3)]),
    ("arXiv:1501.00001", [("1501.00001", None)]),
    ("arXiv:2101.00001v2", [("2101.00001", 2)]),
    ("arxiv: 2101.00001", [("2101.00001", None)]),
    ("ARXIV:2101.00001", [("2101.00001", None)]),
    ("see arXiv 2101.00001 today", [("2101.00001", None)]),
    ("oai:arXiv.org:2101.00001", [("2101.00001", None)]),
    # arXiv hosts and paths
    ("https://arxiv.org/abs/2101.00001", [("2101.00001", None)]),
    ("http://arxiv.org/abs/2101.00001v12", [("2101.00001", 12)]),
    ("https://www.arxiv.org/abs/2101.00001?context=cs.LG", [("2101.00001", None)]),
    ("https://export.arxiv.org/abs/2101.00001v1#S3", [("2101.00001", 1)]),
    ("HTTPS://ArXiv.ORG/abs/2101.00001", [("2101.00001", None)]),
    ("https://arxiv.org/pdf/2101.00001", [("2101.00001", None)]),
    ("https://arxiv.org/pdf/2101.00001v2", [("2101.00001", 2)]),
    ("https://arxiv.org/pdf/2101.00001.pdf", [("2101.00001", None)]),
    ("https://arxiv.org/pdf/2101.00001v2.pdf", [("2101.00001", 2)]),
    ("https://arxiv.org/html/2101.00001v1", [("2101.00001", 1)]),
    ("https://arxiv.org/format/2101.00001", [("2101.00001", None)]),
    ("https://arxiv.org/ps/0704.0001v1", [("0704.0001", 1)]),
    ("http://xxx.lanl.gov/abs/hep-th/9901001", [("hep-th/9901001", None)]),
    ("http://XXX.LANL.GOV/pdf/2101.00001", [("2101.00001", None)]),
    ("arxiv.org/abs/2503.23674", [("2503.23674", None)]),
    # DOIs
    ("https://doi.org/10.48550/arXiv.2101.00001", [("2101.00001", None)]),
    ("https://dx.doi.org/10.48550/ARXIV.2101.00001", [("2101.00001", None)]),
    ("doi: 10.48550/arXiv.2101.00001.", [("2101.00001", None)]),
    ("10.48550/arXiv.hep-th/9711200", [("hep-th/9711200", None)]),
    # mirrors and readers
    ("https://www.alphaxiv.org/abs/2101.00001", [("2101.00001", None)]),
    ("https://alphaxiv.org/overview/2101.00001v3", [("2101.00001", 3)]),
    ("https://huggingface.co/papers/2503.23674", [("2503.23674", None)]),
    ("https://hf.co/papers/2503.23674", [("2503.23674", None)]),
    ("https://ar5iv.org/abs/1706.03762", [("1706.03762", None)]),
    ("https://ar5iv.labs.arxiv.org/html/1706.03762", [("1706.03762", None)]),
    ("http://www.arxiv-sanity.com/abs/1706.03762v5", [("1706.03762", 5)]),
    ("https://arxiv-sanity-lite.com/?rank=pid&pid=1706.03762", [("1706.03762", None)]),
    ("https://www.arxiv-vanity.com/papers/1805.09501/", [("1805.09501", None)]),
    ("https://www.arxiv-vanity.com/papers/1805.09501v2/", [("1805.09501", 2)]),
    ("http://arxiv-vanity.com/papers/hep-th/9901001/", [("hep-th/9901001", None)]),
    ("https://arxiv-sanity-lite.com/?rank=pid&amp;pid=1706.03762", [("1706.03762", None)]),
    ("https://www.semanticscholar.org/arxiv/1706.03762", [("1706.03762", None)]),
    ("https://scirate.com/arxiv/1706.03762", [("1706.03762", None)]),
    ("https://paperswithcode.com/arxiv/1706.03762", [("1706.03762", None)]),
    # old style: bare, versioned, subject class dropped
    ("hep-th/9901001", [("hep-th/9901001", None)]),
    ("see hep-th/9901001v3.", [("hep-th/9901001", 3)]),
    ("math.GT/0309136", [("math/0309136", None)]),
    ("cond-mat/0102536v1", [("cond-mat/0102536", 1)]),
    ("cond-mat.stat-mech/0102536", [("cond-mat/0102536", None)]),
    ("physics.optics/0601001", [("physics/0601001", None)]),
    ("(cs.AI/0703001)", [("cs/0703001", None)]),
    ("hep-th/9107001", [("hep-th/9107001", None)]),
    ("arXiv:math-ph/0001001", [("math-ph/0001001", None)]),
    ("https://arxiv.org/abs/math.GT/0309136v2", [("math/0309136", 2)]),
    ("https://arxiv.org/abs/astro-ph/0601001", [("astro-ph/0601001", None)]),
    ("oai:arXiv.org:cond-mat/9601004", [("cond-mat/9601004", None)]),
    # truncated display links keep a complete id, but not a version that may have been cut
    ("arxiv.org/abs/2101.00001v1…", [("2101.00001", None)]),
    ("arxiv.org/abs/2101.00001...", [("2101.00001", None)]),
    # several papers, order of first appearance, dedup
    (
        "hep-th/9901001 and arXiv:2101.00001, then https://arxiv.org/abs/math/0309136v2",
        [("hep-th/9901001", None), ("2101.00001", None), ("math/0309136", 2)],
    ),
    ("arXiv:2101.00001 arxiv.org/abs/2101.00001", [("2101.00001", None)]),
    ("arXiv:2101.00001 then arXiv:2101.00001v3 then arXiv:2101.00001v4", [("2101.00001", 3)]),
    ("https://arxiv.org/abs/hep-th/9901001v2", [("hep-th/9901001", 2)]),
]


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_find_recognizes_form(text: str, expected: list[tuple[str, int | None]]) -> None:
    assert find_arxiv_refs(text) == refs(*expected)


# --- table: inputs that must yield nothing ------------------------------------------------------

NOTHING = [
    "arXiv:2100.00001",  # month 00
    "arXiv:2113.00001",  # month 13
    "arXiv:0703.0001",  # new style before 0704
    "arXiv:0612.1234",
    "arXiv:1501.0001",  # 4 digits after 1412
    "arXiv:2101.0001",
    "arXiv:1412.00001",  # 5 digits before 1501
    "arXiv:0704.00001",
    "arXiv:2101.00000",  # number 0
    "arXiv:2101.00001v0",  # version 0
    "hep-th/9901001v0",
    "foo-ph/9901001",  # unknown archive
    "stat/0601001",  # stat only ever had new-style ids
    "arXiv:bogus/9901001",
    "hep-th/9900001",  # old style month 00
    "hep-th/9913001",  # old style month 13
    "hep-th/9106001",  # before 1991-07
    "hep-th/9001001",
    "hep-th/0704001",  # after 2007-03
    "hep-th/0801001",
    "hep-th/9901000",  # number 0
    "arxiv.org/abs/2411.0…",  # truncated display links
    "https://arxiv.org/abs/2411.0...",
    "arxiv.org/abs/2411.1234…",
    "arxiv.org/abs/hep-th/99010…",
    "2101.00001",  # bare numbers, no arXiv marker
    "see 2101.00001v2 for details",
    "version 2101.00001 released",
    "12101.000012",  # glued inside longer digit runs
    "arXiv:2101.000012",
    "arXiv:12101.00001",
    "hep-th/99010012",
    "hep-th/990100",
    "xhep-th/9901001",
    "https://example.org/abs/2101.00001",  # not an arXiv host
    "https://www.biorxiv.org/content/10.1101/2101.00001v1",
    "https://www.medrxiv.org/content/10.1101/2021.01.01.21249131v1",
    "https://example.com/news/2024/09/0123456",
    "arXiv:2101.٠٠٠٠١",  # non-ASCII digits
    "<arxiv:comment>12 pages</arxiv:comment>",
    "arxiv",
    "",
]


@pytest.mark.parametrize("text", NOTHING)
def test_find_rejects(text: str) -> None:
    assert find_arxiv_refs(text) == []


# --- parse_arxiv_id ----------------------------------------------------------------------------

PARSED = [
    ("2101.00001v2", ("2101.00001", 2)),
    ("2101.00001", ("2101.00001", None)),
    ("  0704.0001\n", ("0704.0001", None)),
    ("arXiv:2101.00001", ("2101.00001", None)),
    ("hep-th/9901001v3", ("hep-th/9901001", 3)),
    ("math.GT/0309136", ("math/0309136", None)),
    ("HEP-TH/9901001", ("hep-th/9901001", None)),
    ("https://arxiv.org/abs/2101.00001v2", ("2101.00001", 2)),
    ("https://arxiv.org/pdf/cond-mat/0102536v1.pdf", ("cond-mat/0102536", 1)),
    ("https://doi.org/10.48550/arXiv.2101.00001", ("2101.00001", None)),
    ("https://huggingface.co/papers/2503.23674", ("2503.23674", None)),
]


@pytest.mark.parametrize(("s", "expected"), PARSED)
def test_parse(s: str, expected: tuple[str, int | None]) -> None:
    assert parse_arxiv_id(s) == ArxivRef(*expected)


@pytest.mark.parametrize(
    "s",
    ["", "v2", "arxiv", "2101.0001", "1412.00001", "2101.00001v0", "foo/9901001", "hep-th/9901001v0",
     "2101.00001 and more", "https://example.org/abs/2101.00001", "2113.00001", "0703.0001"],
)  # fmt: skip
def test_parse_rejects(s: str) -> None:
    assert parse_arxiv_id(s) is None


def test_archive_list_is_the_real_one() -> None:
    assert frozenset(OLD_ARCHIVES) == ARCHIVES


@pytest.mark.parametrize("archive", OLD_ARCHIVES)
def test_every_archive(archive: str) -> None:
    assert find_arxiv_refs(f"cited {archive}/9912001v2 here") == [ArxivRef(f"{archive}/9912001", 2)]


def test_find_in_post_links_first_then_text() -> None:
    got = find_in_post(
        "arXiv:2101.00001 and hep-th/9901001v2",
        ["https://arxiv.org/abs/1706.03762", "https://arxiv.org/pdf/2101.00001v3", "https://example.com/"],
    )
    assert got == refs(("1706.03762", None), ("2101.00001", 3), ("hep-th/9901001", 2))
    assert find_in_post("", []) == []
    assert find_in_post("arXiv:2101.00001v2", iter(["https://arxiv.org/abs/2101.00001"])) == refs(("2101.00001", 2))


# --- properties --------------------------------------------------------------------------------


def _yymm(first: int, last: int) -> list[str]:
    return [f"{y % 100:02d}{m:02d}" for y in range(first // 100, last // 100 + 1) for m in range(1, 13)
            if first <= y * 100 + m <= last]  # fmt: skip


new4 = st.builds("{}.{:04d}".format, st.sampled_from(_yymm(200704, 201412)), st.integers(1, 9999))
new5 = st.builds("{}.{:05d}".format, st.sampled_from(_yymm(201501, 209912)), st.integers(1, 99999))
old = st.builds(
    "{}/{}{:03d}".format,
    st.sampled_from(OLD_ARCHIVES),
    st.sampled_from(_yymm(199107, 200703)),
    st.integers(1, 999),
)
arxiv_refs = st.builds(ArxivRef, st.one_of(new4, new5, old), st.none() | st.integers(1, 99))
subjects = st.sampled_from(["", ".GT", ".AI", ".stat-mech", ".optics", ".CD"])
# Surrounding text: anything without digits cannot cite another paper, whatever else it holds.
noise = st.text(st.characters(exclude_categories=("Nd", "Cs")), max_size=40)

# (template, keeps the version): every URL and text form, as a citation would write it.
FORMS = [
    ("https://arxiv.org/abs/{}", True),
    ("http://arxiv.org/abs/{}", True),
    ("https://www.arxiv.org/abs/{}?context=cs", True),
    ("https://export.arxiv.org/abs/{}#S2", True),
    ("HTTPS://ArXiv.Org/abs/{}", True),
    ("https://arxiv.org/pdf/{}", True),
    ("https://arxiv.org/pdf/{}.pdf", True),
    ("https://arxiv.org/html/{}", True),
    ("https://arxiv.org/format/{}", True),
    ("https://arxiv.org/ps/{}", True),
    ("http://xxx.lanl.gov/abs/{}", True),
    ("arxiv.org/abs/{}", True),
    ("arXiv:{}", True),
    ("arxiv: {}", True),
    ("ARXIV:{}", True),
    ("https://doi.org/10.48550/arXiv.{}", False),
    ("https://dx.doi.org/10.48550/arXiv.{}", False),
    ("doi:10.48550/arXiv.{}", False),
    ("https://www.alphaxiv.org/abs/{}", True),
    ("https://www.alphaxiv.org/overview/{}", True),
    ("https://huggingface.co/papers/{}", False),
    ("https://ar5iv.org/abs/{}", True),
    ("https://ar5iv.labs.arxiv.org/html/{}", True),
    ("http://www.arxiv-sanity.com/abs/{}", True),
    ("https://arxiv-sanity-lite.com/?rank=pid&pid={}", True),
    ("https://www.arxiv-vanity.com/papers/{}/", True),
    ("https://www.semanticscholar.org/arxiv/{}", False),
    ("https://scirate.com/arxiv/{}", True),
    ("https://paperswithcode.com/arxiv/{}", False),
]
OLD_ONLY_FORMS = [("{}", True), ("({})", True), ("[{},", True)]


@st.composite
def citations(draw: st.DrawFn) -> tuple[str, ArxivRef]:
    """A citation of a random paper in a random form, and the ref it must yield."""
    ref = draw(arxiv_refs)
    is_old = "/" in ref.arxiv_id
    template, keeps_version = draw(st.sampled_from(FORMS + OLD_ONLY_FORMS if is_old else FORMS))
    shown = ref.arxiv_id
    if is_old:
        archive, number = shown.split("/")
        shown = f"{archive}{draw(subjects)}/{number}"
    if not keeps_version:
        ref = ArxivRef(ref.arxiv_id)
    elif ref.version is not None:
        shown += f"v{ref.version}"
    return template.format(shown), ref


@given(citations(), noise, noise)
def test_round_trip_in_any_form(cited: tuple[str, ArxivRef], before: str, after: str) -> None:
    text, ref = cited
    assert find_arxiv_refs(f"{before} {text} {after}") == [ref]
    assert find_in_post(before, [text]) == [ref]


@given(citations(), citations(), noise)
def test_citing_twice_counts_once(a: tuple[str, ArxivRef], b: tuple[str, ArxivRef], middle: str) -> None:
    (text_a, ref_a), (text_b, ref_b) = a, b
    assert find_arxiv_refs(f"{text_a} {middle} {text_a}") == [ref_a]
    got = find_arxiv_refs(f"{text_a} {middle} {text_b} {text_a}")
    if ref_a.arxiv_id == ref_b.arxiv_id:
        assert len(got) == 1
    else:
        assert got == [ref_a, ref_b]
    assert find_in_post(text_a, [text_a, text_a]) == [ref_a]


@given(arxiv_refs, st.integers(1, 99))
def test_first_explicit_version_wins(ref: ArxivRef, later: int) -> None:
    bare = ref.arxiv_id
    text = f"arXiv:{bare} https://arxiv.org/abs/{ref} arXiv:{bare}v{later}"
    assert find_arxiv_refs(text) == [ArxivRef(bare, ref.version if ref.version is not None else later)]


@given(arxiv_refs)
def test_str_round_trip(ref: ArxivRef) -> None:
    assert parse_arxiv_id(str(ref)) == ref
    assert parse_arxiv_id(f"arXiv:{ref}") == ref
    assert parse_arxiv_id(f"https://arxiv.org/abs/{ref}") == ref


@given(arxiv_refs, st.data())
def test_truncated_link_never_gives_a_wrong_id(ref: ArxivRef, data: st.DataObject) -> None:
    full = f"arxiv.org/abs/{ref}"
    cut = data.draw(st.integers(len("arxiv.org/abs/"), len(full) - 1))
    ellipsis = data.draw(st.sampled_from(["…", "..."]))
    assert find_arxiv_refs(full[:cut] + ellipsis + " more") in ([], [ArxivRef(ref.arxiv_id)])


@given(st.one_of(new4, new5), noise, noise)
def test_new_style_needs_a_marker(arxiv_id: str, before: str, after: str) -> None:
    assert find_arxiv_refs(f"{before} | {arxiv_id} {after}") == []  # "|": noise may end in "arXiv"


@given(st.one_of(new4, new5, old), st.sampled_from("0123456789"))
def test_glued_digits_are_not_ids(arxiv_id: str, digit: str) -> None:
    assert find_arxiv_refs(f"arXiv:{arxiv_id}{digit}") == []
    if "/" not in arxiv_id:
        assert find_arxiv_refs(f"arXiv:{digit}{arxiv_id}") == []
    else:
        assert find_arxiv_refs(f"{digit}{arxiv_id}") == []


_PIECES = ["arxiv:", "arXiv.org/abs/", "10.48550/arXiv.", "hep-th/", "math.GT/", "/0", "/9", "v", "v0", "…",
           "...", "2101.", "0001", "00001", "9901001", "huggingface.co/papers/", "pid=", " "]  # fmt: skip


@given(st.lists(st.one_of(st.text(max_size=12), st.sampled_from(_PIECES)), max_size=12).map("".join))
def test_never_raises_and_results_are_valid(text: str) -> None:
    got = find_arxiv_refs(text)
    assert len({r.arxiv_id for r in got}) == len(got)
    for ref in got:
        assert parse_arxiv_id(str(ref)) == ref
    parse_arxiv_id(text)
    find_in_post(text, [text])


@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    assert isinstance(find_arxiv_refs(text), list)
    parse_arxiv_id(text)


# --- real third-party samples (skipped when ../shared/data is absent) ---------------------------


def _sample(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"sample data not available: {path}")
    return path


def test_real_bluesky_feed() -> None:
    feed = json.loads(_sample("bluesky", "bsky_mcp_server", "feed_example.json").read_text(encoding="utf-8"))
    cited = []
    for item in feed["feed"]:
        record = item["post"]["record"]
        links = [f["uri"] for facet in record.get("facets", []) for f in facet["features"] if "uri" in f]
        got = find_in_post(record.get("text", ""), links)
        if got:
            cited.append((record["text"], links, got))
    paper = [ArxivRef("2503.23674")]
    assert cited == [("arxiv.org/abs/2503.23674", ["https://arxiv.org/abs/2503.23674"], paper)]
    assert find_arxiv_refs("arxiv.org/abs/2503.23674") == paper


def test_real_oai_old_style_identifiers() -> None:
    xml = _sample("oai_pmh", "rocksonchang_processed", "arXiv-meta-1996.xml").read_text(encoding="utf-8")
    identifiers = re.findall(r"<identifier>oai:arXiv\.org:([^<]+)</identifier>", xml)
    assert len(identifiers) > 500
    assert all("/" in i for i in identifiers)
    for identifier in identifiers:
        assert parse_arxiv_id(identifier) == ArxivRef(identifier)
    found = {r.arxiv_id for r in find_arxiv_refs(xml)}
    assert set(identifiers) <= found
    assert {"quant-ph/9509003", "gr-qc/9603008"} <= found  # cited bare in abstracts


def test_real_tweets_only_arxiv_links_count() -> None:
    path = _sample("x_twitter", "scitweets", "scitweets_annotations.tsv")
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    found = [r for row in rows for r in find_in_post(row["text"], ast.literal_eval(row["processed_urls"]))]
    assert len(rows) > 1000
    assert found == [ArxivRef("1806.06199"), ArxivRef("2012.08628")]
