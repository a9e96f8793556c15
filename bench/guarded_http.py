"""What the SSRF guard costs: GETs to a local server through a plain ``httpx.Client`` and through
``guarded_client`` (opted in to loopback), side by side and interleaved in one run, over kept-alive
connections and with a new connection (so a new look-up and check of ``localhost``) for every GET;
plus building each client.

    .venv/bin/python -m bench.guarded_http --requests 2000 --rounds 9
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from papertalk.fetching.address_guard import AddressGuard, guarded_client

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"  # one send: no Nagle / delayed-ACK stall


class Answer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.close_connection = self.headers.get("Connection") == "close"
        self.wfile.write(ANSWER)

    def log_message(self, format: str, *args: object) -> None:
        return


def per_get_us(client: httpx.Client, url: str, requests: int, new_connection: bool) -> float:
    headers = {"Connection": "close"} if new_connection else None
    start = time.perf_counter()
    for _ in range(requests):
        client.get(url, headers=headers)
    return (time.perf_counter() - start) / requests * 1e6


def build_us(make: Callable[[], httpx.Client], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        make().close()
    return (time.perf_counter() - start) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="GETs per measurement")
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds; medians are reported")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://localhost:{server.server_address[1]}/"
    makers: dict[str, Callable[[], httpx.Client]] = {
        "plain": httpx.Client,
        "guarded": lambda: guarded_client(AddressGuard(allow_private=True)),
    }
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in makers}
    for _ in range(args.rounds):
        for name, make in makers.items():
            with make() as client:
                for label, fresh in (("keep_alive_us_per_get", False), ("new_connection_us_per_get", True)):
                    samples[name].setdefault(label, []).append(per_get_us(client, url, args.requests, fresh))
            samples[name].setdefault("client_build_us", []).append(build_us(make, 20))
    server.shutdown()
    report = {name: {k: round(statistics.median(v)) for k, v in rows.items()} for name, rows in samples.items()}
    print(json.dumps({"requests": args.requests, "rounds": args.rounds, **report}, indent=2))


if __name__ == "__main__":
    main()
