"""A local arXiv OAI-PMH look-alike on 127.0.0.1 for tests: real-format ListRecords pages linked by
resumption tokens, scripted faults, recorded requests, a fake clock (pytest fixtures), and builders of
OAI-PMH responses in the real formats."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from papertalk.arxiv.oai_pmh import (
    OaiHarvester,
    OaiPage,
    OaiParseError,
    OaiSettings,
    parse_list_records,
)

OAI_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "oai_pmh"

# --- real-format responses ------------------------------------------------------------------------------

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">\n'
    "<responseDate>2024-03-01T10:00:00Z</responseDate>\n"
    '<request verb="ListRecords" from="2024-01-01" metadataPrefix="arXivRaw">http://export.arxiv.org/oai2</request>\n'
)
RAW_OPEN = (
    ' <arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://arxiv.org/OAI/arXivRaw/ http://arxiv.org/OAI/arXivRaw.xsd">\n'
)
ARXIV_OPEN = (
    ' <arXiv xmlns="http://arxiv.org/OAI/arXiv/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://arxiv.org/OAI/arXiv/ http://arxiv.org/OAI/arXiv.xsd">\n'
)


def record(oai_id: str, metadata: str, *, sets: tuple[str, ...] = ("cs",)) -> str:
    specs = "".join(f" <setSpec>{s}</setSpec>\n" for s in sets)
    return (
        f"<record>\n<header>\n <identifier>oai:arXiv.org:{oai_id}</identifier>\n"
        f" <datestamp>2024-02-01</datestamp>\n{specs}</header>\n<metadata>\n{metadata}</metadata>\n</record>\n"
    )


def list_records(*records: str, token: str | None = None, cursor: int = 0, size: int | None = None) -> bytes:
    tail = ""
    if token is not None or size is not None:
        attrs = f' cursor="{cursor}"' + (f' completeListSize="{size}"' if size is not None else "")
        tail = f"<resumptionToken{attrs}>{token or ''}</resumptionToken>\n"
    return (HEAD + "<ListRecords>\n" + "".join(records) + tail + "</ListRecords>\n</OAI-PMH>\n").encode()


def oai_error(code: str, message: str) -> bytes:
    return (HEAD + f'<error code="{code}">{message}</error>\n</OAI-PMH>\n').encode()


def raw_meta(arxiv_id: str, title: str = "A title", **extra: str) -> str:
    """A minimal arXivRaw metadata block with one version; ``extra`` replaces or adds elements."""
    fields = {
        "id": arxiv_id,
        "submitter": "Ada Lovelace",
        "version": "<date>Mon, 1 Jan 2024 10:00:00 GMT</date><size>10kb</size><source_type>D</source_type>",
        "title": title,
        "authors": "Ada Lovelace and Charles Babbage",
        "categories": "cs.LG stat.ML",
        "abstract": "  An abstract.\n",
        **extra,
    }
    body = "".join(
        f'<version version="v1">{v}</version>' if k == "version" else f"<{k}>{v}</{k}>" for k, v in fields.items() if v
    )
    return f"{RAW_OPEN} {body}</arXivRaw>\n"


RAW_TWO_VERSIONS = list_records(
    record(
        "0704.0471",
        RAW_OPEN
        + " <id>0704.0471</id><submitter>Dinesh Shetty</submitter>"
        + '<version version="v1"><date>Mon, 2 Apr 2007 19:18:42 GMT</date><size>294kb</size></version>'
        + '<version version="v2"><date>Tue, 29 Jan 2008 20:15:01 GMT</date><size>301kb</size></version>'
        + "<title>Density dependence of the $\\alpha$-symmetry energy\n  and &lt;the&gt; EOS</title>"
        + "<authors>D.V. Shetty (Texas A&amp;M, College Station), S.J. Yennello, and G.A. Souliotis, Jr.</authors>"
        + "<categories>nucl-ex nucl-th</categories><comments>16 pages,\n  14 figures</comments>"
        + "<journal-ref>Phys.Rev.C76:024606,2007</journal-ref>"
        + "<doi>10.1103/PhysRevC.76.024606 10.1103/PhysRevC.76.039902</doi>"
        + "<license>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</license>"
        + "<abstract>  The density dependence of the $E_{sym}(\\rho)$\nis   studied.\n</abstract></arXivRaw>\n",
        sets=("physics:nucl-ex", "physics:nucl-th"),
    ),
    token="726959|1001",
    size=58011,
)

ARXIV_PREFIX = list_records(
    record(
        "1101.4388",
        ARXIV_OPEN
        + " <id>1101.4388</id><created>2011-01-23</created><updated>2012-03-28</updated><authors>"
        + "<author><keyname>Song</keyname><forenames>Guohui</forenames></author>"
        + "<author><keyname>R&#xf6;glin</keyname><forenames>Heiko</forenames><affiliation>Bonn</affiliation></author>"
        + "<author><keyname>Barboza</keyname><forenames>Ed&#xe9;sio M.</forenames><suffix>Jr.</suffix></author>"
        + "<author><keyname>ATLAS Collaboration</keyname></author><author><keyname>:</keyname></author>"
        + "</authors><title>Reproducing Kernel Banach Spaces with the $\\ell^1$\n  Norm</title>"
        + "<categories>stat.ML cs.LG math.FA</categories><comments>28 pages</comments>"
        + "<journal-ref>Appl. Comput. Harmon. Anal., 34:96-116, 2013</journal-ref>"
        + "<doi>10.1016/j.acha.2012.03.009</doi><license>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</license>"
        + "<abstract>  Targeting at sparse learning,\nwe construct Banach spaces.\n</abstract></arXiv>\n",
    ),
    record(
        "hep-th/9901001",
        ARXIV_OPEN
        + " <id>hep-th/9901001</id><created>1999-01-04</created><authors><author><keyname>Witten</keyname>"
        + "<forenames>Edward</forenames></author></authors><title>Old style</title><categories>hep-th</categories>"
        + "<abstract>Short.</abstract></arXiv>\n",
        sets=("physics:hep-th",),
    ),
)

DELETED = list_records(
    '<record><header status="deleted"><identifier>oai:arXiv.org:2401.00001</identifier>'
    "<datestamp>2024-02-01</datestamp><setSpec>cs</setSpec></header></record>\n",
    record("2401.00002", raw_meta("2401.00002")),
    '<record><header status="deleted"><identifier>oai:arXiv.org:math/0309136</identifier>'
    "<datestamp>2024-02-01</datestamp></header></record>\n",
)

BROKEN_RECORDS = list_records(
    record("2401.00010", raw_meta("2401.00010", title="")),  # no <title>
    record("2401.00011", raw_meta("2401.00011", title="Kept")),
    record("2401.00012", raw_meta("")),  # no <id>
    record("2401.00013", raw_meta("not-an-id")),
    "<record><header><identifier>oai:arXiv.org:2401.00014</identifier></header></record>\n",  # no metadata
    "<record><metadata>" + raw_meta("", title="") + "</metadata></record>\n",  # nothing at all
    record(
        "1507.03011",
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A</dc:title></oai_dc:dc>\n',
    ),
)


# --- the local OAI-PMH server -----------------------------------------------------------------------------


@dataclass
class FakeClock:
    """``clock`` and ``sleep`` for the harvester: sleeping records the wait and advances the clock."""

    now: float = 1000.0
    waits: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0, "the harvester should not call sleep for nothing"
        self.waits.append(seconds)
        self.now += seconds


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # real seconds to wait before answering
    drop: bool = False  # close the connection without answering


Fault = Callable[[Reply], Reply]  # gets the normal reply, returns what to send instead


def status(code: int, *headers: tuple[str, str]) -> Fault:
    return lambda normal: Reply(code, f"<html>{code}</html>".encode(), headers)


def truncated(normal: Reply) -> Reply:
    cut = normal.body[: normal.body.index(b"<record>", normal.body.index(b"<record>") + 1) + 80]
    with pytest.raises(OaiParseError, match="truncated"):
        parse_list_records(cut)
    return replace(normal, body=cut)


def canned(code: int, body: bytes) -> Fault:
    return lambda normal: Reply(code, body)


PAGE_IDS = [["2401.00001", "2401.00002"], ["2401.00003", "2401.00004"], ["2401.00005", "2401.00006"]]
TOKENS = ["6000001|1001", "6000001|2001", None]  # the token each page carries; None: the last page


def page_body(n: int) -> bytes:
    records = [record(i, raw_meta(i, title=f"Paper {i}")) for i in PAGE_IDS[n]]
    return list_records(*records, token=TOKENS[n], cursor=2 * n, size=6)


@dataclass(frozen=True)
class Recorded:
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    at: float  # fake clock at arrival


class FakeOai:
    """The state behind the handler: the three pages, scripted faults (one per request, in order), records."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.script: list[Fault] = []
        self.requests: list[Recorded] = []
        self.url = ""
        self._lock = threading.Lock()

    def handle(self, raw_path: str, headers: dict[str, str]) -> Reply:
        url = urlsplit(raw_path)
        query = parse_qs(url.query, keep_blank_values=True)
        with self._lock:
            self.requests.append(Recorded(query, headers, self.clock.now))
            fault = self.script.pop(0) if self.script else None
        normal = self.normal(url.path, {k: v[0] for k, v in query.items()})
        return fault(normal) if fault else normal

    @staticmethod
    def normal(path: str, q: dict[str, str]) -> Reply:
        if path != "/oai":
            return Reply(404, b"<html>Not Found</html>")
        if q.get("verb") != "ListRecords":
            return Reply(200, oai_error("badVerb", "Illegal verb"))
        if "resumptionToken" in q:
            if set(q) != {"verb", "resumptionToken"}:
                return Reply(200, oai_error("badArgument", "resumptionToken is an exclusive argument"))
            if q["resumptionToken"] not in TOKENS:
                return Reply(200, oai_error("badResumptionToken", "The resumptionToken supplied is illegal"))
            return Reply(200, page_body(TOKENS.index(q["resumptionToken"]) + 1))
        if q.get("metadataPrefix") != "arXivRaw":
            return Reply(200, oai_error("cannotDisseminateFormat", "Unknown metadata format"))
        if q.get("set") == "moo" or q.get("from", "") > "2025-01-01":
            return Reply(200, oai_error("noRecordsMatch", "No records match"))
        return Reply(200, page_body(0))


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        fake: FakeOai = self.server.fake  # type: ignore[attr-defined]
        reply = fake.handle(self.path, {k.lower(): v for k, v in self.headers.items()})
        time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            return
        names = {name.lower() for name, _ in reply.headers}
        try:
            self.send_response_only(reply.status)
            if "date" not in names:
                self.send_header("Date", formatdate(usegmt=True))
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Type", "text/xml; charset=UTF-8")
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except OSError:  # the client gave up (timeout test)
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def oai(fake_clock: FakeClock) -> Iterator[FakeOai]:
    fake = FakeOai(fake_clock)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.fake = fake  # type: ignore[attr-defined]
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/oai"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


MakeHarvester = Callable[..., OaiHarvester]


@pytest.fixture
def make_harvester(oai: FakeOai, fake_clock: FakeClock) -> Iterator[MakeHarvester]:
    harvesters: list[OaiHarvester] = []

    def make(**overrides: object) -> OaiHarvester:
        settings = OaiSettings(**{"base_url": oai.url, **overrides})  # type: ignore[arg-type]
        harvester = OaiHarvester(settings, clock=fake_clock, sleep=fake_clock.sleep)
        harvesters.append(harvester)
        return harvester

    yield make
    for harvester in harvesters:
        harvester.close()


ALL_IDS = [i for ids in PAGE_IDS for i in ids]


def ids_of(pages: list[OaiPage]) -> list[str]:
    return [p.arxiv_id for page in pages for p in page.papers]
