"""The synthetic demo world: deterministic, valid per docs/formats.md, long-tailed, roughly the size asked."""

from __future__ import annotations

import calendar
import json
import re
import statistics
import time
from collections import Counter
from typing import Any

import pytest

from papertalk.core.arxiv_ids import find_in_post
from papertalk.core.records import Paper
from papertalk.demo.world import WorldSize, bot_account_ids, generate_papers, generate_post_lines

END = 1_767_225_600  # 2026-01-01T00:00:00Z
DAY = 86_400
SMALL = WorldSize(papers=600, accounts=120, posts=6000, days=21)
NEW_STYLE = re.compile(r"\d{4}\.\d{5}")
PLATFORMS = {"bluesky", "mastodon", "x", "hackernews", "reddit"}
POST_ID = {
    "bluesky": re.compile(r"[2-7a-j][2-7a-z]{12}"),
    "mastodon": re.compile(r"[1-9]\d{15,19}"),
    "x": re.compile(r"[1-9]\d{15,19}"),
    "hackernews": re.compile(r"[1-9]\d{6,9}"),
    "reddit": re.compile(r"t[13]_[0-9a-z]{5,10}"),
}
AUTHOR_ID = {
    "bluesky": re.compile(r"did:plc:[a-z2-7]{24}"),
    "mastodon": re.compile(r"\d{1,20}"),
    "x": re.compile(r"\d{6,20}"),
    "hackernews": re.compile(r"[a-z0-9_]+"),
    "reddit": re.compile(r"t2_[0-9a-z]{5,10}"),
}
HANDLE = {
    "bluesky": re.compile(r"[a-z0-9-]+\.bsky\.social"),
    "mastodon": re.compile(r"@[a-z0-9_]+@[a-z0-9.-]+\.[a-z]+"),
    "x": re.compile(r"[a-z0-9_]{1,15}"),
    "hackernews": re.compile(r"[a-z0-9_]+"),
    "reddit": re.compile(r"u/[a-z0-9_]+"),
}
URL_PREFIX = {
    "bluesky": "https://bsky.app/profile/",
    "mastodon": "https://",
    "x": "https://x.com/",
    "hackernews": "https://news.ycombinator.com/item?id=",
    "reddit": "https://www.reddit.com/r/",
}

Line = dict[str, Any]


def _lines(seed: int, end: int, size: WorldSize) -> list[Line]:
    return list(generate_post_lines(seed, end, size))


@pytest.fixture(scope="module")
def world() -> tuple[list[Line], list[Paper]]:
    return _lines(1, END, WorldSize()), list(generate_papers(1, END, WorldSize()))


@pytest.fixture(scope="module")
def small() -> tuple[list[Line], list[Paper]]:
    return _lines(3, END, SMALL), list(generate_papers(3, END, SMALL))


def _epoch(created_at: str) -> int:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created_at), created_at
    return calendar.timegm(time.strptime(created_at, "%Y-%m-%dT%H:%M:%SZ"))


def _own_papers(line: Line) -> set[str]:
    return {ref.arxiv_id for ref in find_in_post(line.get("text", ""), line.get("links", []))}


def _papers_carried(lines: list[Line]) -> list[set[str]]:
    """Per line, the papers it carries under the rules of docs/formats.md."""
    own: dict[tuple[str, str], set[str]] = {}
    carried = []
    for line in lines:
        ids = _own_papers(line)
        if line["kind"] in ("repost", "quote"):
            ids |= own[line["platform"], line["original"]["post_id"]]
        own[line["platform"], line["post_id"]] = ids
        carried.append(ids)
    return carried


def _canonical(lines: list[Line]) -> list[str]:
    """Lines without times and with time-derived ids (post ids, arXiv ids) renamed by first appearance."""
    posts: dict[tuple[str, str], int] = {}
    papers: dict[str, int] = {}
    out = []
    for original in lines:
        line = dict(original)
        del line["created_at"]
        line.pop("url", None)
        line["post_id"] = posts.setdefault((line["platform"], line["post_id"]), len(posts))
        if "original" in line:
            line["original"] = posts[line["platform"], line["original"]["post_id"]]
        text = json.dumps(line, sort_keys=True, ensure_ascii=False)
        out.append(NEW_STYLE.sub(lambda m: f"<{papers.setdefault(m.group(), len(papers))}>", text))
    return out


def test_same_seed_and_end_give_the_same_world() -> None:
    assert _lines(5, END, SMALL) == _lines(5, END, SMALL)
    assert list(generate_papers(5, END, SMALL)) == list(generate_papers(5, END, SMALL))
    assert bot_account_ids(5, SMALL) == bot_account_ids(5, SMALL)


def test_another_seed_gives_another_world() -> None:
    a, b = _lines(5, END, SMALL), _lines(6, END, SMALL)
    assert [x["text"] for x in a[:200]] != [x["text"] for x in b[:200]]
    assert {p.title for p in generate_papers(5, END, SMALL)} != {p.title for p in generate_papers(6, END, SMALL)}
    assert bot_account_ids(5, SMALL) != bot_account_ids(6, SMALL)


def test_another_end_only_shifts_times() -> None:
    delta = 9 * DAY + 3 * 3600 + 17  # crosses a month boundary, so arXiv ids and post ids change too
    a, b = _lines(5, END, SMALL), _lines(5, END + delta, SMALL)
    assert len(a) == len(b)
    assert all(_epoch(y["created_at"]) - _epoch(x["created_at"]) == delta for x, y in zip(a, b, strict=True))
    assert _canonical(a) == _canonical(b)
    pa, pb = list(generate_papers(5, END, SMALL)), list(generate_papers(5, END + delta, SMALL))
    assert [(p.title, p.authors, p.categories) for p in pa] == [(p.title, p.authors, p.categories) for p in pb]
    assert all(
        y.published_at == x.published_at + delta  # type: ignore[operator]
        for x, y in zip(pa, pb, strict=True)
    )


def test_every_line_is_valid_neutral_format(world: tuple[list[Line], list[Paper]]) -> None:
    lines, papers = world
    size = WorldSize()
    known = {p.arxiv_id for p in papers}
    seen: dict[tuple[str, str], str] = {}  # (platform, post_id) -> kind
    last_time, last_number = END - size.days * DAY, dict.fromkeys(PLATFORMS, -1)
    for line in lines:
        platform, post_id, kind, author = line["platform"], line["post_id"], line["kind"], line["author"]
        assert platform in PLATFORMS and kind in {"post", "repost", "quote", "reply"}
        assert isinstance(post_id, str) and POST_ID[platform].fullmatch(post_id), line
        assert (platform, post_id) not in seen, "post ids are unique per platform"
        at = _epoch(line["created_at"])
        assert last_time <= at <= END, "chronological and inside the window"
        last_time = at
        if platform in ("mastodon", "x", "hackernews"):
            assert int(post_id) > last_number[platform], "numeric ids grow with time"
            last_number[platform] = int(post_id)
        assert AUTHOR_ID[platform].fullmatch(author["id"]) and HANDLE[platform].fullmatch(author["handle"]), line
        if platform == "hackernews":
            assert author["id"] == author["handle"]
        if platform == "reddit":
            assert post_id.startswith("t3_" if kind == "post" else "t1_")
        if "url" in line:
            assert (
                line["url"].startswith(URL_PREFIX[platform])
                and post_id.removeprefix("t1_").removeprefix("t3_") in line["url"]
            )
            account = {"bluesky": author["handle"], "x": author["handle"]}.get(platform)
            if platform == "mastodon":
                user, instance = author["handle"].split("@")[1:]
                account = f"{instance}/@{user}/"
            assert account is None or account in line["url"], "the post URL names its author"
        assert isinstance(line["text"], str) and all(isinstance(u, str) for u in line.get("links", []))
        if kind == "post":
            assert "original" not in line
            cited = _own_papers(line)
            assert cited and cited <= known, line
        else:
            target = seen.get((platform, line["original"]["post_id"]))
            assert target is not None, "originals come earlier, on the same platform"
            if kind in ("repost", "quote"):
                assert target == "post"
        if kind == "repost":
            assert line["text"] == "" and not line.get("links")
        assert _own_papers(line) <= known
        assert all(NEW_STYLE.fullmatch(r.arxiv_id) for r in find_in_post(line["text"], line.get("links", [])))
        seen[platform, post_id] = kind


def test_the_mix_of_kinds_platforms_and_citation_forms(world: tuple[list[Line], list[Paper]]) -> None:
    lines, _ = world
    kinds = Counter(line["kind"] for line in lines)
    share = {k: n / len(lines) for k, n in kinds.items()}
    assert 0.38 < share["post"] < 0.52 and 0.22 < share["repost"] < 0.38
    assert 0.05 < share["quote"] < 0.16 and 0.08 < share["reply"] < 0.24
    assert set(Counter(line["platform"] for line in lines)) == PLATFORMS
    originals = [line for line in lines if line["kind"] == "post"]
    links = [u for line in originals for u in line.get("links", [])]
    for form in ("https://arxiv.org/abs/", "https://arxiv.org/pdf/", "https://huggingface.co/papers/",
                 "https://www.alphaxiv.org/abs/"):  # fmt: skip
        assert any(u.startswith(form) for u in links), form
    assert any(re.search(r"\barXiv:\d{4}\.\d{5}", line["text"]) for line in originals)
    bare = [line for line in originals if not line.get("links")]
    assert bare and all(_own_papers(line) for line in bare), "some cite the paper in their text only"
    assert sum(len(_own_papers(line)) == 2 for line in originals) >= 10, "a few cite two papers"
    assert {"fr", "de", "ja", "zh"} <= {line.get("lang") for line in lines}
    with_own_link = [line for line in lines if line["kind"] in ("quote", "reply") and _own_papers(line)]
    assert 0 < len(with_own_link) < 0.3 * (kinds["quote"] + kinds["reply"])


def test_attention_is_long_tailed(world: tuple[list[Line], list[Paper]]) -> None:
    lines, papers = world
    counts = Counter(a for ids in _papers_carried(lines) for a in ids)
    values = sorted(counts.values())
    assert len(values) >= 20
    assert values[-1] >= 10 * statistics.median(values)
    assert sum(v <= 3 for v in values) > len(values) / 2
    assert values[-5] >= 100, "a handful of hits get hundreds of posts"
    published = {p.arxiv_id: p.published_at for p in papers}
    for at, ids in zip((_epoch(line["created_at"]) for line in lines), _papers_carried(lines), strict=True):
        assert all(published[a] <= at for a in ids), "nobody cites a paper before it exists"  # type: ignore[operator]


def test_activity_is_long_tailed_with_aggregator_bots(world: tuple[list[Line], list[Paper]]) -> None:
    lines, _ = world
    per_author = Counter((line["platform"], line["author"]["id"]) for line in lines)
    assert WorldSize().accounts / 2 <= len(per_author) <= WorldSize().accounts
    values = sorted(per_author.values())
    assert values[-1] >= 20 * statistics.median(values)
    bots = bot_account_ids(1, WorldSize())
    assert 2 <= len(bots) <= 3
    for bot in bots:
        posts = [line for line in lines if (line["platform"], line["author"]["id"]) == bot]
        assert len(posts) >= 100 and all(line["kind"] == "post" for line in posts)
        assert "bot" in posts[0]["author"]["handle"]
    assert not any(
        "bot" in line["author"]["handle"] for line in lines if (line["platform"], line["author"]["id"]) not in bots
    )


@pytest.mark.parametrize("size", [WorldSize(), SMALL, WorldSize(papers=2000, accounts=50, posts=12000, days=10)])
def test_sizes_are_roughly_as_asked(size: WorldSize) -> None:
    lines = _lines(11, END, size)
    assert abs(len(lines) - size.posts) <= 0.05 * size.posts
    assert len({(line["platform"], line["author"]["id"]) for line in lines}) <= size.accounts
    assert all(END - size.days * DAY <= _epoch(line["created_at"]) <= END for line in lines)
    assert sum(1 for _ in generate_papers(11, END, size)) == size.papers


def test_papers_look_like_arxiv_papers(world: tuple[list[Line], list[Paper]]) -> None:
    _, papers = world
    assert len({p.arxiv_id for p in papers}) == len(papers) == WorldSize().papers
    for p in papers:
        assert p.published_at is not None and p.published_at <= END
        assert NEW_STYLE.fullmatch(p.arxiv_id) and p.arxiv_id[:4] == time.strftime("%y%m", time.gmtime(p.published_at))
        assert p.title and not p.title[0].islower() and 1 <= len(p.authors) <= 15
        assert len(set(p.authors)) == len(p.authors), f"{p.arxiv_id} lists an author twice: {p.authors}"
        assert all(re.fullmatch(r"\w[\w.'-]*( [A-Z]\.)? \w[\w'-]*", a) for a in p.authors), p.authors
        assert 1 <= len(p.categories) <= 3 and len(set(p.categories)) == len(p.categories)
        assert all(re.fullmatch(r"[a-z-]+(\.[A-Za-z-]+)?", c) for c in p.categories)
        assert p.abstract and 4 <= p.abstract.count(". ") + 1 <= 8
        assert p.latest_version is not None and 1 <= p.latest_version <= 4
        assert (p.updated_at is None) == (p.latest_version == 1)
        assert p.updated_at is None or p.published_at <= p.updated_at <= END
    assert sum("$" in (p.abstract or "") for p in papers) >= 50
    assert sum(p.published_at < END - WorldSize().days * DAY for p in papers) >= 100  # type: ignore[operator]
    assert len({p.title for p in papers}) > 0.9 * len(papers)
    assert len({a for p in papers for a in p.authors}) > 500
    assert len({p.categories[0] for p in papers}) >= 10
