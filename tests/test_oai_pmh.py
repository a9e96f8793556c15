"""papertalk.arxiv.oai_pmh: the OAI-PMH page parser on hand-written and real responses, and the harvester
end to end against a local OAI-PMH look-alike on 127.0.0.1.

The server serves a three-page ``ListRecords`` list linked by resumption tokens (arXivRaw, laid out as
arXiv lays it out), answers unknown tokens with ``badResumptionToken`` and empty ranges with
``noRecordsMatch``, records every request, and can be scripted per test to inject faults. The harvester
runs on a fake clock whose fake sleep records every wait, so nothing sleeps for real beyond a fraction of
a second in the timeout test.
"""

from __future__ import annotations

from calendar import timegm
from dataclasses import replace
from email.utils import formatdate
from pathlib import Path

import pytest

from papertalk.arxiv.oai_pmh import (
    OaiError,
    OaiHarvestError,
    OaiPage,
    OaiParseError,
    OaiRecordError,
    OaiSettings,
    parse_list_records,
    split_authors,
)
from papertalk.core.records import Paper
from tests.fake_oai import (
    ALL_IDS,
    ARXIV_PREFIX,
    BROKEN_RECORDS,
    DELETED,
    RAW_TWO_VERSIONS,
    FakeClock,
    FakeOai,
    MakeHarvester,
    Reply,
    canned,
    ids_of,
    list_records,
    oai_error,
    raw_meta,
    record,
    status,
    truncated,
)

OAI_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "oai_pmh"

# --- parsing: hand-written fixtures ----------------------------------------------------------------------


def only_paper(page: OaiPage) -> Paper:
    assert page.errors == [] and page.deleted == [] and page.oai_error is None
    assert len(page.papers) == 1
    return page.papers[0]


def test_arxiv_raw_record_with_two_versions_and_two_dois() -> None:
    page = parse_list_records(RAW_TWO_VERSIONS)
    paper = only_paper(page)
    v1, v2 = timegm((2007, 4, 2, 19, 18, 42)), timegm((2008, 1, 29, 20, 15, 1))
    assert paper == Paper(
        arxiv_id="0704.0471",
        title="Density dependence of the $\\alpha$-symmetry energy and <the> EOS",
        authors=("D.V. Shetty", "S.J. Yennello", "G.A. Souliotis Jr."),
        abstract="The density dependence of the $E_{sym}(\\rho)$ is studied.",
        categories=("nucl-ex", "nucl-th"),
        published_at=v1,
        updated_at=v2,
        latest_version=2,
        doi="10.1103/PhysRevC.76.024606",
        journal_ref="Phys.Rev.C76:024606,2007",
        comments="16 pages, 14 figures",
        versions=((1, v1), (2, v2)),
    )
    assert (page.resumption_token, page.complete_list_size, page.cursor) == ("726959|1001", 58011, 0)


def test_arxiv_prefix_records_with_structured_authors() -> None:
    page = parse_list_records(ARXIV_PREFIX)
    assert page.errors == [] and page.resumption_token is None and page.complete_list_size is None
    first, old = page.papers
    assert first == Paper(
        arxiv_id="1101.4388",
        title="Reproducing Kernel Banach Spaces with the $\\ell^1$ Norm",
        authors=("Guohui Song", "Heiko Röglin", "Edésio M. Barboza Jr.", "ATLAS Collaboration"),
        abstract="Targeting at sparse learning, we construct Banach spaces.",
        categories=("stat.ML", "cs.LG", "math.FA"),
        published_at=timegm((2011, 1, 23, 0, 0, 0)),
        updated_at=timegm((2012, 3, 28, 0, 0, 0)),
        latest_version=None,
        doi="10.1016/j.acha.2012.03.009",
        journal_ref="Appl. Comput. Harmon. Anal., 34:96-116, 2013",
        comments="28 pages",
        versions=(),
    )
    assert first.primary_category == "stat.ML"
    # one version only: no <updated>, so updated_at is the creation date (as the Atom API reports it)
    assert (old.arxiv_id, old.authors, old.categories) == ("hep-th/9901001", ("Edward Witten",), ("hep-th",))
    assert old.published_at == old.updated_at == timegm((1999, 1, 4, 0, 0, 0))
    assert (old.doi, old.journal_ref, old.comments) == (None, None, None)


def test_deleted_records_are_listed_by_normalized_id() -> None:
    page = parse_list_records(DELETED)
    assert page.deleted == ["2401.00001", "math/0309136"]
    assert [p.arxiv_id for p in page.papers] == ["2401.00002"]
    assert page.errors == []


def test_unreadable_records_become_errors_and_the_others_are_kept() -> None:
    page = parse_list_records(BROKEN_RECORDS)
    assert [p.arxiv_id for p in page.papers] == ["2401.00011"]
    assert page.errors == [
        OaiRecordError("oai:arXiv.org:2401.00010", "missing <title>"),
        OaiRecordError("oai:arXiv.org:2401.00012", "missing <id>"),
        OaiRecordError("oai:arXiv.org:2401.00013", "<id> 'not-an-id' is not an arXiv paper id"),
        OaiRecordError("oai:arXiv.org:2401.00014", "no <metadata>"),
        OaiRecordError("record 6", "missing <id>"),
        OaiRecordError("oai:arXiv.org:1507.03011", "metadata format <dc> is not supported (only arXiv and arXivRaw)"),
    ]
    assert str(page.errors[0]) == "oai:arXiv.org:2401.00010: missing <title>"
    assert all("\n" not in str(e) for e in page.errors)


def test_arxiv_raw_version_details() -> None:
    versions = (
        '<version version="v2"><date>Tue, 2 Jan 2024 10:00:00 GMT</date></version>'
        '<version version="v1"><date>Mon, 1 Jan 2024 10:00:00 GMT</date></version>'
        '<version version="v3"><date>not a date</date></version>'
        '<version version="draft"><date>Wed, 3 Jan 2024 10:00:00 GMT</date></version>'
        '<version version="v99999999999"><date>Wed, 3 Jan 2024 10:00:00 GMT</date></version>'  # not a version
    )
    meta = raw_meta("2401.00020", version="").replace("<title>", versions + "<title>")
    paper = only_paper(parse_list_records(list_records(record("2401.00020", meta))))
    v1, v2 = timegm((2024, 1, 1, 10, 0, 0)), timegm((2024, 1, 2, 10, 0, 0))
    assert paper.versions == ((1, v1), (2, v2))  # sorted; an undated version is not listed...
    assert paper.latest_version == 3  # ...but still counts as the latest
    assert (paper.published_at, paper.updated_at) == (v1, v2)

    bare = only_paper(parse_list_records(list_records(record("2401.00021", raw_meta("2401.00021", version="")))))
    assert (bare.versions, bare.latest_version, bare.published_at, bare.updated_at) == ((), None, None, None)


@pytest.mark.parametrize(
    "code",
    ["noRecordsMatch", "badResumptionToken", "badArgument", "badVerb", "cannotDisseminateFormat", "idDoesNotExist"],
)
def test_oai_errors(code: str) -> None:
    page = parse_list_records(oai_error(code, f"  the {code}\n   message "))
    assert page == OaiPage([], [], [], None, None, None, OaiError(code, f"the {code} message"))


def test_an_oai_error_wins_over_records() -> None:
    body = RAW_TWO_VERSIONS.replace(b"<ListRecords>", b'<error code="badArgument">bad</error>\n<ListRecords>')
    page = parse_list_records(body)
    assert page.papers == [] and page.oai_error == OaiError("badArgument", "bad") and page.resumption_token is None


def test_empty_resumption_token_means_the_list_is_complete() -> None:
    page = parse_list_records(list_records(record("2401.00002", raw_meta("2401.00002")), cursor=4, size=5))
    assert (page.resumption_token, page.cursor, page.complete_list_size) == (None, 4, 5)


def test_str_input_is_accepted() -> None:
    assert only_paper(parse_list_records(RAW_TWO_VERSIONS.decode())).arxiv_id == "0704.0471"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (RAW_TWO_VERSIONS[:1500], "OAI-PMH response is truncated or empty: "),
        (b"", "OAI-PMH response is truncated or empty: no element found at line 1, column 0"),
        (b"<html><body>Service Unavailable<br></body></html>", "OAI-PMH response is not XML: mismatched tag at line 1"),
        (
            b'{"error": "rate limited"}',
            "OAI-PMH response is not XML: not well-formed (invalid token) at line 1, column 0",
        ),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"/>', "not an OAI-PMH response: root element is <{http://www"),
    ],
)
def test_unusable_documents_raise(body: bytes, expected: str) -> None:
    with pytest.raises(OaiParseError) as caught:
        parse_list_records(body)
    message = str(caught.value)
    assert message.startswith(expected) and "\n" not in message
    if body[:5] == RAW_TWO_VERSIONS[:5]:
        assert " at line " in message and ", column " in message


@pytest.mark.parametrize(
    ("authors", "names"),
    [
        ("Christoph Richard", ("Christoph Richard",)),
        ("Valeria M. Rosa and Patricio S. letelier", ("Valeria M. Rosa", "Patricio S. letelier")),
        ("D.V. Shetty, S.J. Yennello, and G.A. Souliotis", ("D.V. Shetty", "S.J. Yennello", "G.A. Souliotis")),
        ("A. One, B. Two and C. Three", ("A. One", "B. Two", "C. Three")),
        ("A. One (MIT and Harvard, USA), B. Two (1), C. Three ((1) CERN, (2) DESY)", ("A. One", "B. Two", "C. Three")),
        ("J. Smith, Jr., A. Lee, III and B. Roe", ("J. Smith Jr.", "A. Lee III", "B. Roe")),
        ("The BELLE Collaboration: A. Person, N. Other", ("The BELLE Collaboration", "A. Person", "N. Other")),
        (
            "Rob{\\'e}rt de la Fuente and {\\O}ystein {Van and Ore}",
            ("Rob{\\'e}rt de la Fuente", "{\\O}ystein {Van and Ore}"),
        ),
        ("A. Anderson & B. Sand; C. Andrews", ("A. Anderson", "B. Sand", "C. Andrews")),
        ("J. Abdallah, et al", ("J. Abdallah",)),
        ("J. Abdallah et al.", ("J. Abdallah",)),
        ("A. One (unclosed, B. Two", ("A. One (unclosed", "B. Two")),
        ("  A.\n  One ,  B.   Two  ", ("A. One", "B. Two")),
        ("", ()),
    ],
)
def test_split_authors(authors: str, names: tuple[str, ...]) -> None:
    assert split_authors(authors) == names


# --- parsing: real responses in ../shared/data/oai_pmh --------------------------------------------------


@pytest.fixture(scope="module")
def oai_data() -> Path:
    if not OAI_DATA.is_dir():
        pytest.skip("../shared/data/oai_pmh is not present in this checkout")
    return OAI_DATA


def real(oai_data: Path, name: str) -> OaiPage:
    return parse_list_records((oai_data / name).read_bytes())


def test_every_real_oai_response_parses(oai_data: Path) -> None:
    files = sorted(oai_data.rglob("*.xml"))
    assert len(files) >= 17
    for path in files:
        if path.parent.name == "rocksonchang_processed":  # a user's post-processed export, not an OAI response
            with pytest.raises(OaiParseError, match="not an OAI-PMH response: root element is <ListRecords>"):
                parse_list_records(path.read_bytes())
            continue
        page = parse_list_records(path.read_bytes())
        for paper in page.papers:
            assert paper.title and paper.authors and paper.categories and paper.published_at, path.name
            assert paper.abstract and paper.abstract == paper.abstract.strip() and "\n" not in paper.abstract
            assert all(a == a.strip() and "  " not in a for a in paper.authors), path.name
        if "oai_dc" not in path.name and "utf8" not in path.name:
            assert page.errors == [], path.name


def test_real_arxiv_raw_list_records_page(oai_data: Path) -> None:
    page = real(oai_data, "arXivOAIHarvester/ListRecordsResponse.xml")
    ids = ["0704.0471", "0704.0716", "0704.0874", "0704.1109", "0704.1114", "0704.1586"]
    assert [p.arxiv_id for p in page.papers] == ids
    assert (page.resumption_token, page.complete_list_size, page.cursor) == ("726959|1001", 58011, 0)
    assert page.deleted == [] and page.errors == [] and page.oai_error is None
    by_id = {p.arxiv_id: p for p in page.papers}
    shetty = by_id["0704.0471"]
    assert shetty.authors == ("D.V. Shetty", "S.J. Yennello", "G.A. Souliotis")
    assert shetty.doi == "10.1103/PhysRevC.76.024606"  # of "10.1103/PhysRevC.76.024606 10.1103/PhysRevC.76.039902"
    assert shetty.versions == ((1, timegm((2007, 4, 3, 22, 4, 11))),) and shetty.latest_version == 1
    assert shetty.title == (
        "Density dependence of the symmetry energy and the nuclear equation of state: "
        "A Dynamical and Statistical model perspective"
    )
    assert 'an extremely " stiff " and " soft " form' in (shetty.abstract or "")
    richard = by_id["0704.0716"]
    assert [v for v, _ in richard.versions] == [1, 2, 3, 4] and richard.latest_version == 4
    assert richard.updated_at == timegm((2008, 11, 14, 9, 7, 25))
    assert richard.categories == ("math-ph", "math.MP")
    assert by_id["0704.1109"].authors == ("Valeria M. Rosa", "Patricio S. letelier")
    assert by_id["0704.1586"].title == "Core excitation in the elastic scattering and breakup of $^{11}$Be on protons"
    assert by_id["0704.1586"].doi == "10.1103/PhysRevC.76.014611"


def test_real_get_record_and_error_responses(oai_data: Path) -> None:
    paper = only_paper(real(oai_data, "arXivOAIHarvester/GetRecordResponse.xml"))
    assert paper.arxiv_id == "1302.2146"
    assert paper.authors == ("Joshua Berger", "Maxim Perelstein", "Michael Saelim", "Philip Tanedo")
    assert paper.versions == ((1, timegm((2013, 2, 8, 21, 0, 1))), (2, timegm((2013, 4, 2, 1, 50, 8))))
    assert paper.categories == ("hep-ph", "hep-ex") and paper.comments == "18 pages, 6 figures; v2: References added"
    for name, code in [
        ("BadArgument", "badArgument"),
        ("BadResumptionToken", "badResumptionToken"),
        ("BadVerb", "badVerb"),
        ("IdDoesNotExist", "idDoesNotExist"),
        ("NoRecordsMatch", "noRecordsMatch"),
    ]:
        page = real(oai_data, f"arXivOAIHarvester/ErrorResponse{name}.xml")
        assert page.oai_error is not None and page.oai_error.code == code and page.oai_error.message
        assert page.papers == [] and page.resumption_token is None
    empty = real(oai_data, "invenio_oaiharvester/invenio_oaiharvester_sample_empty_response.xml")
    assert empty.oai_error == OaiError(
        "noRecordsMatch", "No records match the paramaters specified for this selective harvesting request."
    )


def test_real_arxiv_prefix_pages(oai_data: Path) -> None:
    cs = real(oai_data, "invenio_oaiharvester/invenio_oaiharvester_sample_arxiv_response_listrecords_cs.xml")
    assert len(cs.papers) == 46 and cs.errors == [] and cs.resumption_token is None
    first = cs.papers[0]
    assert (first.arxiv_id, first.authors) == ("1101.4388", ("Guohui Song", "Haizhang Zhang", "Fred J. Hickernell"))
    assert first.categories == ("stat.ML", "cs.LG", "math.FA") and first.doi == "10.1016/j.acha.2012.03.009"
    assert (first.published_at, first.updated_at) == (timegm((2011, 1, 23, 0, 0, 0)), timegm((2012, 3, 28, 0, 0, 0)))
    assert sum(len(p.authors) for p in cs.papers) == 131  # one per <author>

    physics = real(oai_data, "invenio_oaiharvester/invenio_oaiharvester_sample_arxiv_response_listrecords_physics.xml")
    assert len(physics.papers) == 150 and physics.errors == []
    assert (physics.papers[0].arxiv_id, physics.papers[-1].arxiv_id) == ("0912.3200", "1501.03805")
    assert sum(len(p.authors) for p in physics.papers) == 526
    assert sum(p.doi is not None for p in physics.papers) == 78
    assert any(p.authors[:1] == ("Edésio M. Barboza Jr.",) for p in physics.papers)

    hepcrawl = real(oai_data, "hepcrawl/hepcrawl_sample_arxiv_record.xml")  # 12 records, one <arXiv> without xmlns
    assert len(hepcrawl.papers) == 12
    assert hepcrawl.papers[0].authors == (
        "Planck Collaboration",
        "Jieci Wang",
        "Zehua Tian",
        "Jiliang Jing",
        "Heng Fan",
    )
    bicep = only_paper(real(oai_data, "hepcrawl/hepcrawl_sample_arxiv_record4.xml"))
    assert bicep.authors[:3] == ("Keck Array", "BICEP2 Collaborations", "P. Ade")  # arXiv's ":" pseudo-author dropped
    assert len(bicep.authors) == 65 and "R. W. IV" in bicep.authors

    dc = real(oai_data, "invenio_oaiharvester/invenio_oaiharvester_sample_oai_dc_response.xml")
    assert dc.papers == [] and [e.where for e in dc.errors] == ["oai:arXiv.org:1507.03011"]


# --- harvesting ---------------------------------------------------------------------------------------------


def test_follows_every_page_and_sends_the_right_parameters(oai: FakeOai, make_harvester: MakeHarvester) -> None:
    pages = list(make_harvester().harvest("2024-01-01", until="2024-01-31", set_spec="cs"))

    assert ids_of(pages) == ALL_IDS
    assert [p.resumption_token for p in pages] == ["6000001|1001", "6000001|2001", None]
    assert [p.cursor for p in pages] == [0, 2, 4] and {p.complete_list_size for p in pages} == {6}
    assert [r.query for r in oai.requests] == [
        {
            "verb": ["ListRecords"],
            "metadataPrefix": ["arXivRaw"],
            "from": ["2024-01-01"],
            "until": ["2024-01-31"],
            "set": ["cs"],
        },
        {"verb": ["ListRecords"], "resumptionToken": ["6000001|1001"]},
        {"verb": ["ListRecords"], "resumptionToken": ["6000001|2001"]},
    ]
    assert all(r.headers["user-agent"].startswith("papertalk/0.1 (arXiv OAI-PMH harvest") for r in oai.requests)


def test_only_the_given_arguments_are_sent(oai: FakeOai, make_harvester: MakeHarvester) -> None:
    pages = list(make_harvester().harvest(None))
    assert ids_of(pages) == ALL_IDS
    assert oai.requests[0].query == {"verb": ["ListRecords"], "metadataPrefix": ["arXivRaw"]}


def test_each_page_is_yielded_before_the_next_is_requested(oai: FakeOai, make_harvester: MakeHarvester) -> None:
    pages = make_harvester().harvest("2024-01-01")
    assert oai.requests == []  # lazy
    first = next(pages)
    assert len(oai.requests) == 1 and first.resumption_token == "6000001|1001"
    second = next(pages)
    assert len(oai.requests) == 2 and second.resumption_token == "6000001|2001"
    assert next(pages).resumption_token is None
    assert next(pages, None) is None and len(oai.requests) == 3


def test_resumes_from_a_saved_token(oai: FakeOai, make_harvester: MakeHarvester) -> None:
    pages = list(make_harvester().harvest("2024-01-01", set_spec="cs", resumption_token="6000001|1001"))
    assert ids_of(pages) == ALL_IDS[2:]
    assert [r.query for r in oai.requests] == [
        {"verb": ["ListRecords"], "resumptionToken": ["6000001|1001"]},
        {"verb": ["ListRecords"], "resumptionToken": ["6000001|2001"]},
    ]


def test_requests_start_min_interval_apart(oai: FakeOai, fake_clock: FakeClock, make_harvester: MakeHarvester) -> None:
    harvester = make_harvester(min_interval=3.0)
    pages = harvester.harvest("2024-01-01")
    next(pages)
    fake_clock.now += 10.0  # the caller spent 10 s storing the page: no need to wait
    list(pages)
    assert [r.at for r in oai.requests] == [1000.0, 1010.0, 1013.0]
    assert fake_clock.waits == [3.0]
    # a second harvest on the same harvester still keeps its distance from the last request
    list(harvester.harvest(None, resumption_token="6000001|2001"))
    assert oai.requests[-1].at == 1016.0 and fake_clock.waits == [3.0, 3.0]


@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [
        ("120", 120.0),
        (formatdate(1_700_000_045, usegmt=True), 45.0),  # an HTTP date, read against the response's Date
        ("5000", 600.0),  # capped at max_wait
        ("soon", 3.0),  # unusable: back off
    ],
)
def test_503_honours_retry_after(
    oai: FakeOai, fake_clock: FakeClock, make_harvester: MakeHarvester, retry_after: str, wait: float
) -> None:
    oai.script = [status(503, ("Retry-After", retry_after), ("Date", formatdate(1_700_000_000, usegmt=True)))]
    pages = list(make_harvester().harvest("2024-01-01"))
    assert ids_of(pages) == ALL_IDS
    assert fake_clock.waits == [wait, 3.0, 3.0]
    assert [r.at for r in oai.requests] == [1000.0, 1000.0 + wait, 1003.0 + wait, 1006.0 + wait]
    assert oai.requests[1].query == oai.requests[0].query  # the same request again


def test_5xx_backs_off_exponentially_then_succeeds(
    oai: FakeOai, fake_clock: FakeClock, make_harvester: MakeHarvester
) -> None:
    oai.script = [lambda r: r, status(500), status(502)]  # the second page fails twice
    pages = list(make_harvester().harvest("2024-01-01"))
    assert ids_of(pages) == ALL_IDS
    assert fake_clock.waits == [3.0, 3.0, 6.0, 3.0]
    assert [r.query.get("resumptionToken") for r in oai.requests] == [None, *[["6000001|1001"]] * 3, ["6000001|2001"]]


def test_truncated_or_foreign_200_is_retried(
    oai: FakeOai, fake_clock: FakeClock, make_harvester: MakeHarvester
) -> None:
    oai.script = [truncated, canned(200, b"<html><body>Proxy error</body></html>")]
    pages = list(make_harvester().harvest("2024-01-01"))
    assert ids_of(pages) == ALL_IDS
    assert len(oai.requests) == 5 and fake_clock.waits == [3.0, 6.0, 3.0, 3.0]


def test_dropped_connection_and_timeout_are_retried(oai: FakeOai, make_harvester: MakeHarvester) -> None:
    oai.script = [lambda r: Reply(drop=True), lambda r: replace(r, delay=0.4)]
    pages = list(make_harvester(timeout=0.1).harvest("2024-01-01"))
    assert ids_of(pages) == ALL_IDS and len(oai.requests) == 5


def test_gives_up_after_max_attempts(oai: FakeOai, fake_clock: FakeClock, make_harvester: MakeHarvester) -> None:
    oai.script = [lambda r: r] + [status(503)] * 10
    pages = make_harvester(max_attempts=3, max_wait=5.0).harvest("2024-01-01")
    assert ids_of([next(pages)]) == ALL_IDS[:2]
    with pytest.raises(OaiHarvestError) as caught:
        next(pages)
    assert str(caught.value) == (
        "arXiv OAI-PMH: gave up on ListRecords resumptionToken=6000001|1001 after 3 attempts: "
        "HTTP 503 Service Unavailable"
    )
    assert caught.value.code is None
    assert len(oai.requests) == 4 and fake_clock.waits == [3.0, 3.0, 5.0]  # backoff 3, 6 capped at 5


def test_bad_resumption_token_is_a_clear_error_without_retry(
    oai: FakeOai, fake_clock: FakeClock, make_harvester: MakeHarvester
) -> None:
    with pytest.raises(OaiHarvestError) as caught:
        list(make_harvester().harvest("2024-01-01", resumption_token="6000001|9001"))
    message = str(caught.value)
    assert message.startswith("arXiv OAI-PMH: ListRecords resumptionToken=6000001|9001 was refused (badResumptionToken")
    assert "expired" in message and "restart the harvest from its last from-date" in message and "\n" not in message
    assert caught.value.code == "badResumptionToken"
    assert len(oai.requests) == 1 and fake_clock.waits == []


def test_no_records_match_yields_nothing(oai: FakeOai, make_harvester: MakeHarvester) -> None:
    assert list(make_harvester().harvest("2030-01-01")) == []
    assert list(make_harvester().harvest("2024-01-01", set_spec="moo")) == []
    oai.script = [canned(422, oai_error("noRecordsMatch", "nothing"))]  # an OAI error sent with a 4xx status
    assert list(make_harvester().harvest("2024-01-01")) == []
    assert len(oai.requests) == 3


def test_other_oai_errors_and_4xx_are_not_retried(oai: FakeOai, make_harvester: MakeHarvester) -> None:
    with pytest.raises(OaiHarvestError, match=r"failed: cannotDisseminateFormat: Unknown metadata format$"):
        list(make_harvester(metadata_prefix="marc").harvest("2024-01-01"))
    with pytest.raises(OaiHarvestError, match=r"after 1 attempt: HTTP 404 Not Found$"):
        list(make_harvester(base_url=oai.url.replace("/oai", "/nope")).harvest("2024-01-01"))
    assert len(oai.requests) == 2


def test_a_repeated_token_stops_the_harvest(oai: FakeOai, make_harvester: MakeHarvester) -> None:
    looping = list_records(record("2401.00003", raw_meta("2401.00003")), token="6000001|1001")
    oai.script = [lambda r: r, canned(200, looping)]
    with pytest.raises(OaiHarvestError, match="answered with the same token again"):
        list(make_harvester().harvest("2024-01-01"))


def test_bad_arguments_fail_before_any_request(oai: FakeOai, make_harvester: MakeHarvester) -> None:
    with pytest.raises(ValueError, match="from_date must be YYYY-MM-DD"):
        make_harvester().harvest("01/02/2024")
    with pytest.raises(ValueError, match="until must be YYYY-MM-DD"):
        make_harvester().harvest("2024-01-01", until="yesterday")
    with pytest.raises(ValueError, match="max_attempts"):
        OaiSettings(max_attempts=0)
    assert oai.requests == []
