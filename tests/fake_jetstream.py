"""A local Jetstream look-alike on 127.0.0.1: a WebSocket server replaying recorded events in the real
format (``{"did", "time_us", "kind", "commit": {...}}``) from the requested cursor, which can drop the
connection in the middle of the stream."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

import orjson
import pytest
from websockets.sync.server import ServerConnection, serve

T0 = 1_796_000_000_000_000  # time_us of the first event (2026-11-30)


def post_event(n: int, did: str, arxiv: str | None = None, quote: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "createdAt": "2026-11-30T10:00:00.000Z",
        "langs": ["en"],
        "text": f"note {n}",
    }
    if arxiv:
        record["text"] = f"new paper arxiv.org/abs/{arxiv[:5]}..."
        record["facets"] = [
            {
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": f"https://arxiv.org/abs/{arxiv}"}],
                "index": {"byteEnd": 40, "byteStart": 10},
            }
        ]
    if quote:
        record["embed"] = {"$type": "app.bsky.embed.record", "record": {"cid": "bafyreiq", "uri": quote}}
    return {
        "did": did,
        "time_us": T0 + n * 1000,
        "kind": "commit",
        "commit": {
            "rev": f"3l{n:010d}",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": f"3k{n:08d}",
            "record": record,
            "cid": f"bafyrei{n:020d}",
        },
    }


def repost_event(n: int, did: str, subject: str) -> dict[str, Any]:
    record = {
        "$type": "app.bsky.feed.repost",
        "createdAt": "2026-11-30T10:00:01.000Z",
        "subject": {"cid": "x", "uri": subject},
    }
    commit = {
        "rev": "r",
        "operation": "create",
        "collection": "app.bsky.feed.repost",
        "rkey": f"3r{n:08d}",
        "record": record,
    }
    return {"did": did, "time_us": T0 + n * 1000, "kind": "commit", "commit": commit}


def delete_event(n: int, did: str, rkey: str) -> dict[str, Any]:
    commit = {"rev": "d", "operation": "delete", "collection": "app.bsky.feed.post", "rkey": rkey}
    return {"did": did, "time_us": T0 + n * 1000, "kind": "commit", "commit": commit}


def identity_event(n: int, did: str) -> dict[str, Any]:
    return {"did": did, "time_us": T0 + n * 1000, "kind": "identity", "identity": {"did": did, "seq": n}}


@dataclass
class FakeJetstream:
    url: str = ""
    events: list[bytes] = field(default_factory=list)
    drop_after: list[int] = field(default_factory=list)  # per connection: close after this many events
    connections: list[dict[str, list[str]]] = field(default_factory=list)
    delay: float = 0.0  # seconds between events (a live pace)

    def add(self, *events: dict[str, Any] | bytes) -> None:
        self.events.extend(e if isinstance(e, bytes) else orjson.dumps(e) for e in events)

    def handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        params = parse_qs(urlparse(ws.request.path).query)
        self.connections.append(params)
        cursor = int(params.get("cursor", ["0"])[0])
        limit = self.drop_after.pop(0) if self.drop_after else None
        sent = 0
        for raw in self.events:
            at = orjson.loads(raw).get("time_us", 0) if raw.startswith(b"{") and raw.endswith(b"}") else T0
            if at < cursor:
                continue
            if limit is not None and sent >= limit:
                ws.socket.close()  # an abrupt drop, no closing handshake
                return
            ws.send(raw.decode("utf-8", "replace"))
            sent += 1
            if self.delay:
                time.sleep(self.delay)
        ws.recv()  # stay open (quiet) until the client leaves


@pytest.fixture
def fake_jetstream() -> Iterator[FakeJetstream]:
    fake = FakeJetstream()
    with serve(fake.handle, "127.0.0.1", 0) as server:
        fake.url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}/subscribe"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield fake
        server.shutdown()
