"""``fetching.websocket.WebSocketReader`` against an independent implementation (the ``websockets``
library's server on 127.0.0.1): many messages per read, pings answered, fragmented messages joined,
close frames and abrupt drops, refused handshakes and oversize messages as one-line ``OSError``s."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest
from websockets.datastructures import Headers
from websockets.http11 import Request, Response
from websockets.sync.server import ServerConnection, serve

from papertalk.fetching.websocket import WebSocketClosed, WebSocketError, WebSocketReader, accept_key

Handler = Callable[[ServerConnection], None]


@pytest.fixture
def served() -> Iterator[Callable[..., str]]:
    servers = []

    def start(handler: Handler, **options: object) -> str:
        server = serve(handler, "127.0.0.1", 0, compression=None, **options)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"ws://127.0.0.1:{server.socket.getsockname()[1]}/subscribe?cursor=5"

    yield start
    for server in servers:
        server.shutdown()


def read_until_closed(ws: WebSocketReader) -> list[bytes]:
    got: list[bytes] = []
    with pytest.raises(WebSocketClosed) as closed:
        while True:
            got += ws.read_messages(timeout=5)
    assert "\n" not in str(closed.value)
    return got


def test_many_messages_fragments_and_a_close_frame(served: Callable[..., str]) -> None:
    seen_paths: list[str] = []

    def handler(ws: ServerConnection) -> None:
        assert ws.request is not None
        seen_paths.append(ws.request.path)
        for n in range(3000):
            ws.send(f'{{"n":{n},"pad":"{"x" * (n % 300)}"}}')
        ws.send(["frag", "mented ", "message"])  # one message in three frames
        ws.send(b"\x00binary")
        ws.send("é" * 40_000)  # a 64-bit length
        ws.close(1001, "going away")

    with WebSocketReader(served(handler)) as ws:
        got = read_until_closed(ws)
    assert seen_paths == ["/subscribe?cursor=5"]
    assert len(got) == 3003
    assert got[7] == b'{"n":7,"pad":"xxxxxxx"}'
    assert got[3000:] == [b"fragmented message", b"\x00binary", ("é" * 40_000).encode()]


def test_pings_are_answered(served: Callable[..., str]) -> None:
    answered: list[bool] = []

    def handler(ws: ServerConnection) -> None:
        ws.send("before")
        pong = ws.ping(b"are you there")
        answered.append(pong.wait(5))
        ws.send("after")
        ws.recv()  # until the client leaves

    with WebSocketReader(served(handler)) as ws:
        got = ws.read_messages(timeout=5)
        while len(got) < 2:
            got += ws.read_messages(timeout=5)
    assert got == [b"before", b"after"]
    assert answered == [True]


def test_an_abrupt_drop_keeps_the_complete_messages(served: Callable[..., str]) -> None:
    def handler(ws: ServerConnection) -> None:
        ws.send("one")
        ws.send("two")
        ws.socket.close()

    with WebSocketReader(served(handler)) as ws:
        assert read_until_closed(ws) == [b"one", b"two"]


def test_quiet_stream_times_out(served: Callable[..., str]) -> None:
    with WebSocketReader(served(lambda ws: ws.recv() and None)) as ws, pytest.raises(TimeoutError):
        ws.read_messages(timeout=0.2)


def test_oversize_message_is_refused(served: Callable[..., str]) -> None:
    def handler(ws: ServerConnection) -> None:
        ws.send("y" * 5000)
        ws.recv()

    with WebSocketReader(served(handler), max_size=1000) as ws, pytest.raises(WebSocketError, match="over the limit"):
        ws.read_messages(timeout=5)


def test_refused_handshake_and_no_server(served: Callable[..., str]) -> None:
    def refuse(connection: ServerConnection, request: Request) -> Response:
        return Response(404, "Not Found", Headers({"Content-Length": "0"}), b"")

    url = served(lambda ws: None, process_request=refuse)
    with pytest.raises(WebSocketError, match=r"handshake refused: HTTP/1\.1 404"):
        WebSocketReader(url)
    with pytest.raises(OSError):
        WebSocketReader("ws://127.0.0.1:9/subscribe", open_timeout=2)
    with pytest.raises(WebSocketError, match="not a ws"):
        WebSocketReader("http://127.0.0.1/subscribe")


def test_messages_sent_with_the_handshake_answer_are_read(unused_tcp_server: Callable[..., str]) -> None:
    # A server may send its first messages in the same TCP segment as the 101 answer (Jetstream does when
    # it has a backlog); they must be read at once, not after the next bytes arrive (there may be none).
    url = unused_tcp_server([b"first", b"x" * 300])
    with WebSocketReader(url) as ws:
        assert ws.read_messages(timeout=0.5) == [b"first", b"x" * 300]
        with pytest.raises(TimeoutError):
            ws.read_messages(timeout=0.2)  # then quiet


@pytest.fixture
def unused_tcp_server() -> Iterator[Callable[[list[bytes]], str]]:
    """A raw TCP server answering the upgrade and its first text frames in one ``sendall``, then quiet."""
    listeners: list[socket.socket] = []

    def start(messages: list[bytes]) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def answer() -> None:
            conn, _ = listener.accept()
            request = b""
            while b"\r\n\r\n" not in request:
                request += conn.recv(4096)
            key = next(
                line.split(b":", 1)[1].strip()
                for line in request.split(b"\r\n")
                if line.lower().startswith(b"sec-websocket-key:")
            )
            head = (
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                b"Sec-WebSocket-Accept: " + accept_key(key) + b"\r\n\r\n"
            )
            frames = b"".join(
                bytes([0x81, len(m)]) + m if len(m) < 126 else bytes([0x81, 126]) + len(m).to_bytes(2, "big") + m
                for m in messages
            )
            conn.sendall(head + frames)
            conn.recv(4096)  # quiet until the client says goodbye
            conn.close()

        threading.Thread(target=answer, daemon=True).start()
        return f"ws://127.0.0.1:{listener.getsockname()[1]}/subscribe"

    yield start
    for listener in listeners:
        listener.close()
