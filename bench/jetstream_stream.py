"""A realistic recorded Jetstream stream for the benchmark: the event mix of ``wantedCollections`` =
posts + reposts (posts with replies, mentions, links, images, quotes and external cards; reposts;
deletes; identity and account events), with about ``arxiv_share`` of the events linking arXiv and a few
that only say "arxiv" without a link (pre-filter false positives)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import orjson

WORDS = [
    "the",
    "a",
    "model",
    "paper",
    "results",
    "we",
    "show",
    "new",
    "data",
    "learning",
    "neural",
    "network",
    "training",
    "large",
    "language",
    "our",
    "this",
    "is",
    "for",
    "with",
    "results",
    "benchmark",
    "code",
    "thread",
    "great",
    "talk",
    "slides",
    "workshop",
    "today",
    "excited",
    "to",
    "share",
    "figure",
    "proof",
    "theorem",
    "galaxy",
    "protein",
    "climate",
    "policy",
    "open",
    "source",
    "dataset",
    "reviewers",
    "camera",
    "ready",
    "accepted",
    "at",
]
LANGS = (["en"], ["en"], ["en"], ["ja"], ["pt"], ["de"], ["es"], ["fr"], None)
DOMAINS = ("github.com", "youtube.com", "nytimes.com", "bsky.app", "substack.com", "nature.com", "doi.org")
T0 = 1_796_000_000_000_000


def _did(rng: random.Random) -> str:
    return f"did:plc:{rng.getrandbits(100):025x}"[:32]


def _text(rng: random.Random, low: int = 3, high: int = 40) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def _arxiv_id(rng: random.Random) -> str:
    return f"{rng.randint(23, 26)}{rng.randint(1, 12):02d}.{rng.randint(1, 29999):05d}"


def _post(rng: random.Random, dids: list[str], arxiv: bool, says_arxiv: bool) -> dict[str, object]:
    text = _text(rng)
    record: dict[str, object] = {"$type": "app.bsky.feed.post", "createdAt": "2026-11-30T10:00:00.000Z", "text": text}
    if (langs := rng.choice(LANGS)) is not None:
        record["langs"] = langs
    facets: list[dict[str, object]] = []
    if rng.random() < 0.1:
        facets.append(
            {
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": rng.choice(dids)}],
                "index": {"byteStart": 0, "byteEnd": 5},
            }
        )
    link = None
    if arxiv:
        kind = rng.random()
        link = f"https://arxiv.org/{'abs' if kind < 0.8 else 'pdf'}/{_arxiv_id(rng)}"
        if kind > 0.95:
            record["text"] = f"{text} arXiv:{_arxiv_id(rng)}"
            link = None
    elif rng.random() < 0.12:
        link = f"https://{rng.choice(DOMAINS)}/{rng.getrandbits(40):x}"
    if says_arxiv:
        record["text"] = f"{text} (preprint on arxiv soon)"
    if link is not None:
        if rng.random() < 0.6:
            facets.append(
                {
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}],
                    "index": {"byteStart": 1, "byteEnd": 30},
                }
            )
        else:
            record["embed"] = {
                "$type": "app.bsky.embed.external",
                "external": {"uri": link, "title": _text(rng, 3, 10), "description": _text(rng, 5, 25)},
            }
    elif rng.random() < 0.2:
        record["embed"] = {
            "$type": "app.bsky.embed.images",
            "images": [
                {
                    "alt": "",
                    "image": {
                        "$type": "blob",
                        "ref": {"$link": f"bafkrei{rng.getrandbits(200):x}"},
                        "mimeType": "image/jpeg",
                        "size": rng.randint(10_000, 900_000),
                    },
                    "aspectRatio": {"height": 1080, "width": 1920},
                }
            ],
        }
    elif rng.random() < 0.06:
        record["embed"] = {
            "$type": "app.bsky.embed.record",
            "record": {
                "cid": f"bafyrei{rng.getrandbits(150):x}",
                "uri": f"at://{rng.choice(dids)}/app.bsky.feed.post/3l{rng.getrandbits(40):x}",
            },
        }
    if facets:
        record["facets"] = facets
    if rng.random() < 0.4:
        parent = {
            "cid": f"bafyrei{rng.getrandbits(150):x}",
            "uri": f"at://{rng.choice(dids)}/app.bsky.feed.post/3l{rng.getrandbits(40):x}",
        }
        record["reply"] = {"parent": parent, "root": parent}
    return record


def events(count: int, arxiv_share: float = 0.01, seed: int = 7) -> Iterator[bytes]:
    """``count`` raw events, one JSON object each, ``time_us`` increasing."""
    rng = random.Random(seed)
    dids = [_did(rng) for _ in range(20_000)]
    for n in range(count):
        did = rng.choice(dids)
        at = T0 + n * 50 + rng.randint(0, 40)
        roll = rng.random()
        base = {"did": did, "time_us": at}
        if roll < 0.04:
            event: dict[str, object] = {
                **base,
                "kind": "identity",
                "identity": {"did": did, "handle": "x.bsky.social", "seq": n, "time": "2026-11-30T10:00:00.000Z"},
            }
        elif roll < 0.07:
            event = {
                **base,
                "kind": "commit",
                "commit": {
                    "rev": f"3l{n:x}",
                    "operation": "delete",
                    "collection": "app.bsky.feed.post",
                    "rkey": f"3l{rng.getrandbits(40):x}",
                },
            }
        elif roll < 0.32:
            subject = {
                "cid": f"bafyrei{rng.getrandbits(150):x}",
                "uri": f"at://{rng.choice(dids)}/app.bsky.feed.post/3l{rng.getrandbits(40):x}",
            }
            record = {"$type": "app.bsky.feed.repost", "createdAt": "2026-11-30T10:00:00.000Z", "subject": subject}
            event = {
                **base,
                "kind": "commit",
                "commit": {
                    "rev": f"3l{n:x}",
                    "operation": "create",
                    "collection": "app.bsky.feed.repost",
                    "rkey": f"3l{rng.getrandbits(40):x}",
                    "record": record,
                    "cid": f"bafyrei{rng.getrandbits(150):x}",
                },
            }
        else:
            arxiv = rng.random() < arxiv_share / 0.68
            says = not arxiv and rng.random() < 0.002
            record = _post(rng, dids, arxiv, says)
            event = {
                **base,
                "kind": "commit",
                "commit": {
                    "rev": f"3l{n:x}",
                    "operation": "create",
                    "collection": "app.bsky.feed.post",
                    "rkey": f"3l{rng.getrandbits(40):x}",
                    "record": record,
                    "cid": f"bafyrei{rng.getrandbits(150):x}",
                },
            }
        yield orjson.dumps(event)


def write_stream(path: Path, count: int, arxiv_share: float = 0.01) -> Path:
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as out:
        batch: list[bytes] = []
        for raw in events(count, arxiv_share):
            batch.append(raw)
            if len(batch) >= 10_000:
                out.write(b"\n".join(batch) + b"\n")
                batch = []
        if batch:
            out.write(b"\n".join(batch) + b"\n")
    partial.rename(path)
    return path
