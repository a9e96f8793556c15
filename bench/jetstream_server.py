"""A fast local Jetstream for the benchmark: a threaded socket server that answers the WebSocket upgrade
and then writes the recorded events as pre-framed, unmasked server text frames, several MB per
``sendall`` (no per-message Python beyond building the frame bytes), from the requested ``cursor`` on; then
it stays quiet until the client leaves. The whole stream is framed once into ``FILE.frames`` at start,
and a connection without a cursor gets that file through ``sendfile``.
Run as ``python -m bench.jetstream_server FILE PORT_FILE``.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from papertalk.fetching.websocket import accept_key
from papertalk.sources.bluesky.jetstream_events import time_us_of

CHUNK = 4 << 20  # bytes of frames per sendall
_U16, _U64 = struct.Struct("!H"), struct.Struct("!Q")


def server_frame(payload: bytes) -> bytes:
    """One final, unmasked text frame."""
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 1 << 16:
        return b"\x81\x7e" + _U16.pack(n) + payload
    return b"\x81\x7f" + _U64.pack(n) + payload


def framed_chunks(path: Path, cursor: int) -> Iterator[bytes]:
    """The events of ``path`` (one JSON a line) at or after ``cursor``, as frames joined in chunks."""
    parts: list[bytes] = []
    size = 0
    with path.open("rb") as f:
        for line in f:
            event = line.rstrip(b"\n")
            if cursor and (time_us_of(event) or 0) < cursor:
                continue
            frame = server_frame(event)
            parts.append(frame)
            size += len(frame)
            if size >= CHUNK:
                yield b"".join(parts)
                parts, size = [], 0
    if parts:
        yield b"".join(parts)


def read_upgrade(sock: socket.socket) -> tuple[str, bytes]:
    """Read the HTTP upgrade request; returns its target (path?query) and the answer to send."""
    request = b""
    while b"\r\n\r\n" not in request:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("client left during the handshake")
        request += chunk
    lines = request.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    answer = (
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Accept: {accept_key(headers['sec-websocket-key'].encode()).decode()}\r\n\r\n"
    )
    return lines[0].split(" ")[1], answer.encode()


class ReplayHandler(socketserver.BaseRequestHandler):
    """Serves ``server.path`` to each connection (see the module docstring)."""

    server: ReplayServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        target, answer = read_upgrade(sock)
        sock.sendall(answer)
        cursor = int(parse_qs(urlsplit(target).query).get("cursor", ["0"])[0])
        try:
            if cursor:
                for chunk in framed_chunks(self.server.path, cursor):
                    sock.sendall(chunk)
            else:
                with self.server.frames.open("rb") as f:
                    sock.sendfile(f)
            if sock.recv(65536):  # quiet until the client speaks: its close frame (it sends nothing else)
                sock.sendall(b"\x88\x02\x03\xe8")  # close, 1000
        except OSError:
            return


class ReplayServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, path: Path) -> None:
        super().__init__(("127.0.0.1", 0), ReplayHandler)
        self.path, self.frames = path, path.with_suffix(".frames")
        with self.frames.open("wb") as out:
            for chunk in framed_chunks(path, 0):
                out.write(chunk)


def main() -> None:
    path, port_file = Path(sys.argv[1]), Path(sys.argv[2])
    with ReplayServer(path) as server:
        port_file.write_text(str(server.server_address[1]))
        server.serve_forever()


if __name__ == "__main__":
    main()
