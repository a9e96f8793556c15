"""The byte-level pre-check in front of the arXiv finder (``core.arxiv_ids.may_cite_arxiv``) and the
Jetstream filter built on it: whatever form, letter case or JSON escaping a citation takes, an event the
finder would find a paper in is never dropped before parsing."""

from __future__ import annotations

import json
import random

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papertalk.core.arxiv_ids import find_arxiv_refs, find_in_post, may_cite_arxiv
from papertalk.core.records import ArxivRef
from papertalk.sources.bluesky.jetstream_events import EventFilter, candidate_lines, read_blob
from tests.fake_jetstream import delete_event, identity_event, post_event
from tests.test_arxiv_ids import FORMS, FOUND, OLD_ONLY_FORMS, citations, new4, new5, noise, old, subjects

# Characters whose str.lower() is ASCII or that sit next to markers in real text.
_ODD = ["İ", "K", "ſ", "ı", "Ⅸ", "\u0307", "…", "\n", "\t", " ", "/", ".", ":", "-", "9", "0"]
_PIECES = ["arxiv", "ArXiv", "aRxIv", "ALPHAXIV", "Ar5iv", "HuggingFace.co/Papers/", "HF.CO/papers/",
           "xxx.LANL.gov/", "abs/", "pdf/", "hep-th", "Math.GT", "/9901001", "/0703999", "2101.00001", "v2",
           ":", " ", "10.48550/"]  # fmt: skip


def _flip_case(text: str, rng: random.Random) -> str:
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_every_known_form_passes(text: str, expected: list[tuple[str, int | None]]) -> None:
    assert may_cite_arxiv(text.encode())
    assert may_cite_arxiv(text.upper().encode())


_MORE_FORMS = ["https://ar5iv.org/html/{}", "https://hf.co/papers/{}", "http://xxx.lanl.gov/pdf/{}", "lanl.gov/ps/{}",
               "oai:arXiv.org:{}", "arXiv {}", "https://arxiv-sanity-lite.com/?pid={}"]  # fmt: skip
_TEMPLATES = [template for template, _ in FORMS] + _MORE_FORMS
_OLD_TEMPLATES = [template for template, _ in OLD_ONLY_FORMS]


@pytest.mark.parametrize("template", _TEMPLATES + _OLD_TEMPLATES)
@settings(max_examples=25)
@given(data=st.data(), before=noise, after=noise, rng=st.randoms(use_true_random=False))
def test_every_form_in_any_case_passes(
    template: str, data: st.DataObject, before: str, after: str, rng: random.Random
) -> None:
    arxiv_id = data.draw(old if template in _OLD_TEMPLATES else st.one_of(new4, new5, old))
    if "/" in arxiv_id:
        archive, number = arxiv_id.split("/")
        arxiv_id = f"{archive}{data.draw(subjects)}/{number}"
    version = data.draw(st.sampled_from(["", "v1", "v12"]))
    text = _flip_case(f"{before} {template.format(arxiv_id + version)} {after}", rng)
    assert find_arxiv_refs(text)
    assert may_cite_arxiv(text.encode())


@given(st.lists(st.one_of(st.text(max_size=8), st.sampled_from(_PIECES + _ODD)), max_size=14).map("".join))
def test_whatever_the_finder_finds_passes(text: str) -> None:
    if find_arxiv_refs(text):
        assert may_cite_arxiv(text.encode())


def test_text_without_a_marker_is_rejected() -> None:
    for text in ("new results on graph learning", "see https://example.com/2024/09/post", "archive of ivy", "9901001"):
        assert not find_arxiv_refs(text)
        assert not may_cite_arxiv(text.encode())


def _escaped(value: str, rng: random.Random) -> bytes:
    """``value`` as a JSON string with random ASCII characters written as ``\\uXXXX`` (valid JSON)."""
    ascii_only = rng.random() < 0.5
    out = []
    for c in value:
        if c.isalnum() and c.isascii() and rng.random() < 0.2:
            out.append(f"\\u{ord(c):04{rng.choice('xX')}}")
        else:
            out.append(json.dumps(c, ensure_ascii=ascii_only)[1:-1])
    return ('"' + "".join(out) + '"').encode()


def _event_bytes(n: int, text: str, link: str | None, rng: random.Random, escape: bool) -> bytes:
    event = post_event(n, "did:plc:writer")
    event["commit"]["record"]["text"] = "TEXT"
    if link is not None:
        event["commit"]["record"]["facets"] = [{"features": [{"$type": "app.bsky.richtext.facet#link", "uri": "LINK"}]}]
    raw = orjson.dumps(event)
    for placeholder, value in (("TEXT", text), ("LINK", link)):
        if value is not None:
            encoded = _escaped(value, rng) if escape else orjson.dumps(value)
            raw = raw.replace(orjson.dumps(placeholder), encoded)
    return raw


@given(citations(), noise, st.booleans(), st.booleans(), st.randoms(use_true_random=False))
def test_jetstream_filter_keeps_every_citing_event_however_encoded(
    cited: tuple[str, ArxivRef], other: str, in_link: bool, escape: bool, rng: random.Random
) -> None:
    citation = _flip_case(cited[0], rng)
    text, link = (other, citation) if in_link else (f"{other} {citation}", None)
    expected = find_in_post(text, [link] if link else [])
    citing = _event_bytes(7, text, link, rng, escape)
    assert orjson.loads(citing)["commit"]["record"]["text"] == text
    plain = [orjson.dumps(post_event(n, "did:plc:other")) for n in range(1, 7)]
    blob = b"\n".join([*plain[:3], citing, *plain[3:]])
    batch = read_blob(blob, "test")
    assert [p.post_id for p in batch.posts] == ["at://did:plc:writer/app.bsky.feed.post/3k00000007"]
    assert find_in_post(batch.posts[0].text, batch.posts[0].links) == expected != []
    assert EventFilter().keep(citing)


def test_jetstream_filter_parses_only_candidates_and_drops_false_alarms() -> None:
    events = [
        post_event(1, "did:plc:a"),
        post_event(2, "did:plc:a", arxiv="2401.00002"),
        identity_event(3, "did:plc:a"),
        delete_event(4, "did:plc:a", "3k00000001"),
        post_event(5, "did:plc:a"),
        post_event(6, "did:plc:a"),
        post_event(7, "did:plc:a"),
    ]
    events[4]["commit"]["record"]["text"] = "a long number https://example.com/item/0123456789 and AT\\u0026T"
    events[5]["commit"]["record"]["text"] = "new ArXiv paper: https://bit.ly/abc"  # its short link may lead to one
    events[6]["commit"]["record"]["text"] = "Ampersands & <tags> only"
    raws = [orjson.dumps(e) for e in events]
    assert [bool(candidate_lines(r)) for r in raws] == [False, True, False, True, True, True, False]
    batch = read_blob(b"\n".join(raws), "test")
    assert [p.post_id.rsplit("/", 1)[1] for p in batch.posts] == ["3k00000002", "3k00000006"]
    assert batch.deleted == ["at://did:plc:a/app.bsky.feed.post/3k00000001"]
    assert batch.events == 7 and batch.cursor == events[-1]["time_us"]
