"""A local arXiv API look-alike on 127.0.0.1 for tests: real-format Atom responses from known papers,
scripted faults, recorded requests, and a fake clock whose sleep records waits (pytest fixtures)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

import pytest

from papertalk.arxiv.api_client import ApiSettings, ArxivApiClient
from papertalk.arxiv.atom import AtomParseError, parse_feed

MakeClient = Callable[..., ArxivApiClient]

# --- the fake clock ---------------------------------------------------------------------------------


@dataclass
class FakeClock:
    """``clock`` and ``sleep`` for the client: sleeping records the wait and advances the clock."""

    now: float = 1000.0
    waits: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0, "the client should not call sleep for nothing"
        self.waits.append(seconds)
        self.now += seconds


# --- real-format Atom responses -----------------------------------------------------------------------


@dataclass(frozen=True)
class FakePaper:
    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    summary: str
    primary: str
    categories: tuple[str, ...]
    version: int = 1
    published: str = "2024-01-02T18:00:00Z"
    updated: str = "2024-01-05T09:30:00Z"
    doi: str | None = None
    journal_ref: str | None = None


FEED_HEAD = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom"'
    ' xmlns="http://www.w3.org/2005/Atom">\n'
    "  <id>https://arxiv.org/api/LOCALTESTFEED000000000000</id>\n"
    "  <title>arXiv Query: {query}</title>\n"
    "  <updated>2026-04-12T22:09:36Z</updated>\n"
    '  <link href="https://arxiv.org/api/query?{query}" type="application/atom+xml"/>\n'
    "  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>\n"
    "  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
    "  <opensearch:startIndex>0</opensearch:startIndex>\n"
)


def entry_xml(p: FakePaper) -> str:
    """One ``<entry>`` laid out as the API lays it out."""
    vid = f"{p.arxiv_id}v{p.version}"
    lines = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{vid}</id>",
        f"    <title>{escape(p.title)}</title>",
        f"    <updated>{p.updated}</updated>",
        f'    <link href="https://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>',
        f'    <link href="https://arxiv.org/pdf/{vid}" rel="related" type="application/pdf" title="pdf"/>',
        f"    <summary>{escape(p.summary)}</summary>",
        *(f'    <category term={quoteattr(c)} scheme="http://arxiv.org/schemas/atom"/>' for c in p.categories),
        f"    <published>{p.published}</published>",
        *([f"    <arxiv:doi>{escape(p.doi)}</arxiv:doi>"] if p.doi else []),
        *([f"    <arxiv:journal_ref>{escape(p.journal_ref)}</arxiv:journal_ref>"] if p.journal_ref else []),
        f"    <arxiv:primary_category term={quoteattr(p.primary)}/>",
        *(f"    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in p.authors),
        "  </entry>",
    ]
    return "\n".join(lines) + "\n"


def feed_xml(query: str, papers: list[FakePaper], per_page: int) -> bytes:
    head = FEED_HEAD.format(query=escape(query), per_page=per_page, total=len(papers))
    return (head + "".join(entry_xml(p) for p in papers[:per_page]) + "</feed>\n").encode()


def error_feed_xml(bad_id: str) -> bytes:
    """What arXiv answers (with HTTP 400) to ``id_list=abc``."""
    anchor = f"https://arxiv.org/api/errors#incorrect_id_format_for_{bad_id}"
    head = FEED_HEAD.replace("LOCALTESTFEED000000000000", "").format(query="", per_page=1, total=1)
    return (
        head
        + f"  <entry>\n    <id>{escape(anchor)}</id>\n    <title>Error</title>\n"
        + "    <updated>2026-04-12T22:59:06Z</updated>\n"
        + f'    <link href="{escape(anchor)}" rel="alternate" type="text/html"/>\n'
        + f"    <summary>incorrect id format for {escape(bad_id)}</summary>\n"
        + "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n</feed>\n"
    ).encode()


def make_paper(n: int) -> FakePaper:
    return FakePaper(
        arxiv_id=f"2401.{n:05d}",
        title=f"Paper {n}: $\\alpha$-stable & <heavy>\n  tails",
        authors=(f"Ada Lovelace {n}", "Émile Borel"),
        summary=f"  We study case {n} of $x < y$ & more.\nSecond line.",
        primary="cs.LG",
        categories=("cs.LG", "stat.ML"),
        version=1 + n % 3,
        doi=f"10.1000/test.{n}" if n % 2 else None,
        journal_ref=f"J. Tests {n} (2024)" if n % 5 == 0 else None,
    )


ALL_IDS = [f"2401.{n:05d}" for n in range(1, 251)]
KNOWN = {p.arxiv_id: p for p in map(make_paper, range(1, 251))}
NEW_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?")
OLD_ID = re.compile(r"[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?")

# --- the local server ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # real seconds to wait before answering
    drop: bool = False  # close the connection without answering


Fault = Callable[[Reply], Reply]  # gets the normal reply, returns what to send instead


def status(code: int, *headers: tuple[str, str], body: bytes = b"") -> Fault:
    return lambda normal: Reply(code, body or f"<html>{code}</html>".encode(), headers)


def truncated(normal: Reply) -> Reply:
    """The normal 200, cut in the middle of its second entry (a correct Content-Length for what is sent)."""
    body = normal.body
    cut = body[: body.index(b"<entry>", body.index(b"<entry>") + 1) + 60]
    with pytest.raises(AtomParseError):
        parse_feed(cut)
    return replace(normal, body=cut)


def slow(seconds: float) -> Fault:
    return lambda normal: replace(normal, delay=seconds)


def dropped(normal: Reply) -> Reply:
    return Reply(drop=True)


def canned(code: int, body: str) -> Fault:
    return lambda normal: Reply(code, body.encode())


@dataclass(frozen=True)
class Recorded:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    at: float  # fake clock at arrival
    received: float  # wall clock at arrival (requests from other processes run on their own clocks)

    @property
    def ids(self) -> list[str]:
        return self.query["id_list"][0].split(",")


class FakeArxiv:
    """The state behind the handler: known papers, scripted faults (one per request, in order), records."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.papers = dict(KNOWN)
        self.script: list[Fault] = []
        self.requests: list[Recorded] = []
        self.url = ""
        self._lock = threading.Lock()

    def handle(self, raw_path: str, headers: dict[str, str]) -> Reply:
        url = urlsplit(raw_path)
        query = parse_qs(url.query, keep_blank_values=True)
        with self._lock:
            self.requests.append(Recorded(url.path, query, headers, self.clock.now, time.time()))
            fault = self.script.pop(0) if self.script else None
        normal = self.normal(url.path, query, url.query)
        return fault(normal) if fault else normal

    def normal(self, path: str, query: dict[str, list[str]], raw_query: str) -> Reply:
        if path != "/api/query":
            return Reply(404, b"<html>Not Found</html>")
        ids = [i for i in query.get("id_list", [""])[0].split(",") if i]
        bad = [i for i in ids if not (NEW_ID.fullmatch(i) or OLD_ID.fullmatch(i))]
        if bad:
            return Reply(400, error_feed_xml(bad[0]))
        found = [self.papers[base] for base in (re.sub(r"v\d+$", "", i) for i in ids) if base in self.papers]
        per_page = int(query.get("max_results", ["10"])[0])
        return Reply(200, feed_xml(raw_query, found, per_page))


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        fake: FakeArxiv = self.server.fake  # type: ignore[attr-defined]
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
            self.send_header("Content-Type", "application/atom+xml; charset=UTF-8")
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except OSError:  # the client gave up (timeout test)
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def arxiv(clock: FakeClock) -> Iterator[FakeArxiv]:
    fake = FakeArxiv(clock)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.fake = fake  # type: ignore[attr-defined]
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/api/query"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def make_client(arxiv: FakeArxiv, clock: FakeClock) -> Iterator[MakeClient]:
    clients: list[ArxivApiClient] = []

    def make(**overrides: object) -> ArxivApiClient:
        settings = ApiSettings(**{"base_url": arxiv.url, **overrides})  # type: ignore[arg-type]
        client = ArxivApiClient(settings, clock=clock, sleep=clock.sleep)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
