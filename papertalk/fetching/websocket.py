"""A small blocking WebSocket client (RFC 6455) that reads many messages per call, for firehoses.

``WebSocketReader.read_messages`` does one socket read of up to ``READ_SIZE`` bytes and returns every
complete message in it, so the per-message cost is a few header bytes looked at in Python, not a
frame-reader thread, a queue and a ``recv`` call per message (what a general library spends). It
answers pings, replies to a close frame, joins fragmented messages, refuses masked or compressed server
frames (no extension is ever offered) and messages over ``max_size``. Every failure is an ``OSError``
(``WebSocketClosed`` for the end of the connection, ``WebSocketError`` for the rest), so a caller's
reconnect logic has one exception to catch. ``ws://`` and ``wss://`` (TLS with the system's CAs).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import socket
import ssl
import struct
from types import TracebackType
from urllib.parse import urlsplit

READ_SIZE = 1 << 20  # bytes asked of the socket per read
MAX_HEADER = 16 << 10  # the handshake response must fit in this
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_CONTINUATION, _TEXT, _BINARY, _CLOSE, _PING, _PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
_U16, _U64 = struct.Struct("!H"), struct.Struct("!Q")
_HEAD = struct.Struct("!BBH")  # first byte, second byte, 16-bit length


class WebSocketError(OSError):
    """The handshake failed or the server broke the protocol."""


class WebSocketClosed(OSError):
    """The connection ended (close frame, end of stream)."""


def accept_key(key: bytes) -> bytes:
    """The ``Sec-WebSocket-Accept`` a server must answer to ``Sec-WebSocket-Key`` ``key``."""
    return base64.b64encode(hashlib.sha1(key + _GUID).digest())


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A final, masked client frame (control frames: payload of at most 125 bytes)."""
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([0x80 | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 1 << 16:
        head += bytes([0x80 | 126]) + _U16.pack(n)
    else:
        head += bytes([0x80 | 127]) + _U64.pack(n)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


class WebSocketReader:
    """One connection; use as a context manager. See the module docstring."""

    def __init__(self, url: str, open_timeout: float = 10.0, max_size: int = 1 << 22) -> None:
        self.max_size = max_size
        self._buffer = b""
        self._fragments: list[bytes] = []
        self._closed = ""  # why, once the server's close frame came (the messages before it still count)
        self._sock = _open(url, open_timeout)
        try:
            self._buffer = _handshake(self._sock, url)
        except BaseException:
            self._sock.close()
            raise

    def __enter__(self) -> WebSocketReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Say goodbye (status 1000) if the socket still works, then close it."""
        with contextlib.suppress(OSError):
            self._sock.settimeout(1.0)
            self._sock.sendall(client_frame(_CLOSE, _U16.pack(1000)))
        self._sock.close()

    def read_messages(self, timeout: float | None) -> list[bytes]:
        """Every complete data message from one read (at least one, waiting up to ``timeout`` seconds for
        the first: ``TimeoutError`` if none came). Raises ``WebSocketClosed`` at the end of the stream."""
        self._sock.settimeout(timeout)
        messages: list[bytes] = []
        if self._buffer:  # whole messages may already be here: sent with the handshake answer
            self._buffer = self._frames(self._buffer, messages)
        while not messages:
            if self._closed:
                raise WebSocketClosed(self._closed)
            chunk = self._sock.recv(READ_SIZE)  # socket.timeout is TimeoutError
            if not chunk:
                raise WebSocketClosed("connection closed by the server without a close frame")
            self._buffer = self._frames(self._buffer + chunk if self._buffer else chunk, messages)
        return messages

    def _frames(self, data: bytes, messages: list[bytes]) -> bytes:
        """Append the complete messages in ``data`` to ``messages``; return the incomplete rest."""
        at, size, append, limit, head = 0, len(data), messages.append, self.max_size, _HEAD.unpack_from
        while size - at >= 4:
            first, second, length = head(data, at)  # one C call for the 4-byte header of a 126..65535 frame
            if first == 0x81 and second == 126:  # a whole text message of 126..65535 bytes: Jetstream's usual
                if length > limit:
                    raise WebSocketError(f"websocket: frame of {length} bytes over the limit {limit}")
                end = at + 4 + length
                if end > size:
                    break
                append(data[at + 4 : end])
                at = end
                continue
            end = self._frame(data, at, messages)
            if end < 0:
                break
            at = end
            if self._closed:  # only the slow path reads control frames
                return data[at:]
        if 0 < size - at < 4 and not self._closed:  # a tiny last frame (or the start of one)
            end = self._frame(data, at, messages)
            at = end if end >= 0 else at
        return data[at:]

    def _frame(self, data: bytes, at: int, messages: list[bytes]) -> int:
        """Read the frame at ``at``: returns where it ends, or -1 if it is not complete yet."""
        size = len(data)
        if size - at < 2:
            return -1
        first, second = data[at], data[at + 1]
        length, start = second & 0x7F, at + 2
        if length == 126:
            if size - at < 4:
                return -1
            length, start = _U16.unpack_from(data, at + 2)[0], at + 4
        elif length == 127:
            if size - at < 10:
                return -1
            length, start = _U64.unpack_from(data, at + 2)[0], at + 10
        if length > self.max_size:
            raise WebSocketError(f"websocket: frame of {length} bytes over the limit {self.max_size}")
        end = start + length
        if end > size:
            return -1
        if first in (0x81, 0x82) and not second & 0x80:  # a whole text or binary message
            messages.append(data[start:end])
        else:
            self._other_frame(first, second, data[start:end], messages)
        return end

    def _other_frame(self, first: int, second: int, payload: bytes, messages: list[bytes]) -> None:
        opcode, final = first & 0x0F, first & 0x80
        if first & 0x70 or second & 0x80:
            raise WebSocketError(f"websocket: unexpected frame bits {first:#04x} {second:#04x}")
        if opcode == _PING:
            self._sock.sendall(client_frame(_PONG, payload))
        elif opcode == _PONG:
            pass
        elif opcode == _CLOSE:
            code = _U16.unpack_from(payload)[0] if len(payload) >= 2 else 1005
            with contextlib.suppress(OSError):
                self._sock.sendall(client_frame(_CLOSE, payload[:2]))
            self._closed = f"websocket: closed by the server (code {code})"
        elif opcode in (_TEXT, _BINARY, _CONTINUATION):
            if (opcode == _CONTINUATION) != bool(self._fragments):
                raise WebSocketError("websocket: fragment out of order")
            self._fragments.append(payload)
            if sum(len(f) for f in self._fragments) > self.max_size:
                raise WebSocketError(f"websocket: message over the limit {self.max_size}")
            if final:
                messages.append(b"".join(self._fragments))
                self._fragments = []
        else:
            raise WebSocketError(f"websocket: unknown opcode {opcode}")


def _open(url: str, timeout: float) -> socket.socket:
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise WebSocketError(f"websocket: not a ws:// or wss:// URL: {url}")
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    sock = socket.create_connection((parts.hostname, port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if parts.scheme == "wss":
        return ssl.create_default_context().wrap_socket(sock, server_hostname=parts.hostname)
    return sock


def _handshake(sock: socket.socket, url: str) -> bytes:
    """Send the upgrade request, check the 101 answer; returns the bytes read past the headers."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    key = base64.b64encode(os.urandom(16))
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key.decode()}\r\nSec-WebSocket-Version: 13\r\nUser-Agent: papertalk\r\n\r\n"
    )
    sock.sendall(request.encode())
    response = b""
    while b"\r\n\r\n" not in response:
        chunk = sock.recv(4096)
        if not chunk or len(response) > MAX_HEADER:
            raise WebSocketError(f"websocket: {url}: no complete handshake response")
        response += chunk
    head, rest = response.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    if lines[0].split(" ")[1:2] != ["101"]:
        raise WebSocketError(f"websocket: {url}: handshake refused: {lines[0]}")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    if headers.get("sec-websocket-accept", "").encode() != accept_key(key):
        raise WebSocketError(f"websocket: {url}: wrong Sec-WebSocket-Accept")
    if headers.get("sec-websocket-extensions"):
        raise WebSocketError(f"websocket: {url}: extension not asked for: {headers['sec-websocket-extensions']}")
    return rest
