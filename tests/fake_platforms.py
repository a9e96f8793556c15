"""A local platform look-alike on 127.0.0.1 for fetcher tests: each test gives a route function that
answers in the platform's real format; scripted faults (429 with Retry-After, 500, a slow or truncated
body, a timeout) hit the next requests; every request is recorded. Plus a fake clock for PoliteGetter."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import orjson
import pytest

from papertalk.fetching.address_guard import AddressGuard, guarded_client
from papertalk.fetching.polite_http import PoliteGetter, Politeness
from tests.fake_arxiv import FakeClock


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a timeout when over the client's)
    truncate: bool = False  # send only half the body (with a matching Content-Length)
    drip: float = 0.0  # seconds between body chunks (a slow body)

    @classmethod
    def json(cls, data: object, status: int = 200, **headers: str) -> Reply:
        return cls(status, orjson.dumps(data), {"Content-Type": "application/json", **headers})


Route = Callable[[Request], Reply]
PASS = Reply(status=0)  # in a fault script: answer this request normally


class FakePlatform:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.route: Route = lambda _r: Reply(404, b"no route")
        self.faults: list[Reply] = []
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def fail_next(self, *faults: Reply) -> None:
        self.faults.extend(faults)

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def _answer(self, request: Request) -> Reply:
        with self.lock:
            self.requests.append(request)
            if self.faults:
                fault = self.faults.pop(0)
                if fault.status == 0:  # PASS: this request is answered normally
                    return self.route(request)
                if fault.body or not (fault.truncate or fault.drip or fault.delay):
                    return fault
                good = self.route(request)
                return Reply(good.status, good.body, good.headers, fault.delay, True, fault.drip)
        return self.route(request)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(
                    self.command,
                    parts.path,
                    dict(parse_qsl(parts.query)),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                reply = platform._answer(request)
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.body[: len(reply.body) // 2] if reply.truncate else reply.body
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    if reply.drip:
                        for start in range(0, len(payload), 64):
                            self.wfile.write(payload[start : start + 64])
                            self.wfile.flush()
                            time.sleep(reply.drip)
                    else:
                        self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = _serve
            do_POST = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def platform() -> Iterator[FakePlatform]:
    with running(FakePlatform()) as fake:
        yield fake


@contextmanager
def running(fake: FakePlatform) -> Iterator[FakePlatform]:
    """Serve ``fake`` for the duration of the block."""
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()


@pytest.fixture
def polite(platform: FakePlatform) -> Iterator[tuple[PoliteGetter, FakeClock]]:
    """A PoliteGetter on a fake clock (waits are recorded, not slept) with a short real timeout, connecting
    through the SSRF guard opted in to loopback, as the product does with PAPERTALK_FETCH_ALLOW_PRIVATE=1."""
    clock = FakeClock()
    http = guarded_client(AddressGuard(allow_private=True))
    rules = Politeness(min_interval=1.0, timeout=0.5, max_attempts=4, max_wait=120.0, user_agent="papertalk-tests")
    yield PoliteGetter(http, rules, clock, clock.sleep), clock
    http.close()
