"""A local translator on 127.0.0.1 speaking both APIs papertalk plugs in: LibreTranslate's
``POST /translate`` and OpenAI's ``POST /v1/chat/completions``. It "translates" by prefixing the target
language (placeholders kept), and plays a script of faults first: 429 with Retry-After, 500, a stall
longer than the client's timeout, a body that is not JSON, JSON of the wrong shape, and answers that drop,
repeat or alter a formula's placeholder. Every request is recorded."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

STALL_SECONDS = 1.5


@dataclass
class Script:
    faults: list[str] = field(default_factory=list)  # consumed one per request; then "ok"
    always: str | None = None  # a fault every request plays once the list is empty
    requests: list[tuple[str, dict[str, Any], dict[str, str]]] = field(default_factory=list)

    def next(self) -> str:
        return self.faults.pop(0) if self.faults else (self.always or "ok")


def translated(text: str, target: str, fault: str) -> str:
    out = f"〔{target}〕{text}"
    if fault == "drop":
        return re.sub(r"\[\[F1\]\]", "", out, count=1)
    if fault == "dup":
        return out.replace("[[F1]]", "[[F1]] [[F1]]", 1)
    if fault == "alter":
        return out.replace("[[F1]]", "[[ F1 ]]", 1)
    return out


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            script.requests.append((self.path, body, dict(self.headers)))
            fault = script.next()
            if fault == "429":
                return self._send(429, b'{"error": "slow down"}', {"Retry-After": "2"})
            if fault == "500":
                return self._send(500, b'{"error": "boom"}')
            if fault == "stall":
                time.sleep(STALL_SECONDS)
                return self._send(200, b"{}")
            if fault == "notjson":
                return self._send(200, b"<html>Bad gateway</html>")
            if fault == "shape":
                return self._send(200, b'{"unexpected": [1, 2]}')
            if self.path == "/translate":
                answer: dict[str, Any] = {"translatedText": translated(body["q"], body["target"], fault)}
            elif self.path == "/v1/chat/completions":
                target = re.search(r"to (\S+)\.", body["messages"][0]["content"])
                text = translated(body["messages"][1]["content"], target.group(1) if target else "?", fault)
                answer = {"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}
            else:
                return self._send(404, b'{"error": "no such path"}')
            self._send(200, json.dumps(answer).encode())

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client timed out and left
                self.wfile.write(body)

    return Handler


@contextmanager
def fake_translator(script: Script) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
