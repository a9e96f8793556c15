"""Build a deterministic, realistic SYNTHETIC world of papers and posts for the demo and the benchmarks.

Everything here is invented: papers (ids, titles, authors, abstracts) and posts in the neutral JSON-lines
format of ``docs/formats.md``, from a handful of accounts across five platforms. The world follows the
shapes real data has (long-tailed, bursty attention; a few very active accounts and aggregator bots;
reposts, quotes and replies pointing to earlier posts; arXiv ids cited in many forms), so the demo and
the benchmarks exercise the same paths real imports do.

Stdlib only, no database, network or clock: ``end`` (UTC epoch seconds) is a parameter and every random
choice comes from ``random.Random`` seeded by ``seed``. Times are drawn relative to ``end``, so changing
``end`` only moves the world in time (ids that encode time, like arXiv ids and post ids, follow it).
``generate_post_lines`` streams: it keeps per-paper and per-account state, never the posts themselves.
"""

from __future__ import annotations

import calendar
import heapq
import math
import random
import time
import unicodedata
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

from papertalk.core.records import Paper
from papertalk.demo import vocabulary as vocab

DAY = 86_400
_TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"  # Bluesky's base32-sortable alphabet
_DID_CHARS = "abcdefghijklmnopqrstuvwxyz234567"
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_REF_TIME = 1_735_689_600  # 2025-01-01, anchor for platforms whose ids grow roughly linearly with time
_ORIGINAL_SHARE = 0.45  # of all lines; the rest are reposts (~30%), replies (~15%) and quotes (~10%)


@dataclass(frozen=True)
class WorldSize:
    """How big a world to build. ``posts`` counts lines of every kind (the result is within a few %)."""

    papers: int = 3000
    accounts: int = 400
    posts: int = 30000
    days: int = 42


@dataclass(frozen=True, slots=True)
class _Paper:
    arxiv_id: str
    published: int  # seconds relative to ``end`` (negative)
    domain: vocab.Domain
    title: str
    method: str
    task: str
    categories: tuple[str, ...]
    version: int
    popularity: float


@dataclass(frozen=True, slots=True)
class _Account:
    platform: str
    author: dict[str, str]
    weight: float
    url_base: str
    bot_category: str | None = None


def _distinct_authors(rng: random.Random, region: int, count: int) -> tuple[str, ...]:
    """``count`` different people, most from the paper's region: drawn without replacement, since a
    paper that lists one person twice is no real paper (a draw that repeats someone is drawn again)."""
    names: dict[str, None] = {}
    while len(names) < count:
        names.setdefault(_person(rng, region if rng.random() < 0.65 else _pick_region(rng)))
    return tuple(names)


def generate_papers(seed: int, end: int, size: WorldSize) -> Iterator[Paper]:
    """The world's papers, with titles, authors, categories and abstracts (abstracts made on demand)."""
    for i, p in enumerate(_papers(seed, end, size)):
        rng = random.Random(f"{seed}:paper:{i}")
        region = _pick_region(rng)
        authors = _distinct_authors(rng, region, 1 + min(14, int(rng.lognormvariate(1.1, 0.65))))
        updated = None
        if p.version > 1:
            updated = end + p.published + int(-p.published * rng.uniform(0.05, 0.9))
        yield Paper(
            arxiv_id=p.arxiv_id,
            title=p.title,
            authors=authors,
            abstract=_abstract(rng, p),
            categories=p.categories,
            published_at=end + p.published,
            updated_at=updated,
            latest_version=p.version,
        )


def bot_account_ids(seed: int, size: WorldSize) -> list[tuple[str, str]]:
    """(platform, author id) of the aggregator bots, so a demo can block them."""
    return [(a.platform, a.author["id"]) for a in _accounts(seed, size) if a.bot_category]


def generate_post_lines(seed: int, end: int, size: WorldSize) -> Iterator[dict[str, object]]:
    """The world's posts as neutral-format dicts, in chronological order."""
    return _PostStream(seed, end, size).lines()


def _cap(phrase: str) -> str:
    """Title-case a phrase, keeping acronyms (``KV-cache`` -> ``KV-Cache``) and small words."""
    words = []
    for n, word in enumerate(phrase.split(" ")):
        parts = word.split("-")
        words.append(
            "-".join(
                p[0].upper() + p[1:] if p.islower() and (n + k == 0 or p not in vocab.SMALL_WORDS) else p
                for k, p in enumerate(parts)
            )
        )
    return " ".join(words)


def _papers(seed: int, end: int, size: WorldSize) -> list[_Paper]:
    rng = random.Random(f"{seed}:papers")
    domain_cum = list(accumulate(d.weight for d in vocab.DOMAINS))
    window = size.days * DAY
    rows, titles = [], set()
    for _ in range(size.papers):
        dom = vocab.DOMAINS[bisect(domain_cum, rng.random() * domain_cum[-1])]
        if rng.random() < 0.12:  # an older paper that resurfaces now and then
            published = -int(rng.uniform(window + 3 * DAY, 730 * DAY))
            reach = 0.15
        else:
            published = -int(rng.uniform(0.02 * DAY, window + 2 * DAY))
            age = -published / DAY
            reach = (1 - math.exp(-age / 1.5)) * math.exp(-max(0.0, age - size.days))
        method, task = rng.choice(dom.methods), rng.choice(dom.tasks)
        title = rng.choice(vocab.TITLE_PATTERNS).format(
            Method=_cap(method),
            Task=_cap(task),
            Adj=rng.choice(vocab.ADJECTIVES),
            Adj2=rng.choice(vocab.ADVERBS),
            Name=rng.choice(vocab.ACRONYMS),
            Property=rng.choice(vocab.PROPERTIES),
        )
        if rng.random() < 0.25:
            title += rng.choice(vocab.TITLE_SUFFIXES)
        base = title
        for _ in range(8):  # real titles rarely repeat
            if title not in titles:
                break
            if ":" in base or rng.random() < 0.5:
                title = base + rng.choice(vocab.TITLE_SUFFIXES)
            else:
                title = f"{rng.choice(vocab.ACRONYMS)}: {base}"
        titles.add(title)
        crosses = [c for c in dom.cross_lists if c != dom.primaries[0]]
        primary = rng.choice(dom.primaries)
        extra = rng.sample([c for c in crosses if c != primary], k=rng.choice((0, 0, 1, 1, 1, 2)))
        version = 1 + int(rng.random() ** 2.5 * 4)
        popularity = reach * math.exp(rng.gauss(0.0, 1.8))
        rows.append((published, dom, title, method, task, (primary, *extra), version, popularity))
    ids = _arxiv_ids([r[0] for r in rows], end)
    return [_Paper(aid, *row) for aid, row in zip(ids, rows, strict=True)]


def _arxiv_ids(published: list[int], end: int) -> list[str]:
    """New-style ids: YYMM of the submission month, numbers growing through the month, unique."""
    months: dict[tuple[int, int], list[int]] = {}
    for i, rel in enumerate(published):
        tm = time.gmtime(end + rel)
        months.setdefault((tm.tm_year, tm.tm_mon), []).append(i)
    ids = [""] * len(published)
    for (year, month), members in months.items():
        if len(members) > 99_999:
            raise ValueError("too many papers in one month for five-digit arXiv numbers")
        start = calendar.timegm((year, month, 1, 0, 0, 0, 0, 0, 0))
        stop = calendar.timegm((year + month // 12, month % 12 + 1, 1, 0, 0, 0, 0, 0, 0))
        volume = min(99_999 - len(members), max(24_000, 2 * len(members)))
        last = 0
        for i in sorted(members, key=lambda i: (published[i], i)):
            last = max(last + 1, int((end + published[i] - start) / (stop - start) * volume) + 1)
            ids[i] = f"{year % 100:02d}{month:02d}.{last:05d}"
    return ids


def _pick_region(rng: random.Random) -> int:
    return rng.choices(range(len(vocab.NAME_REGIONS)), [r[0] for r in vocab.NAME_REGIONS])[0]


def _person(rng: random.Random, region: int) -> str:
    _, given, family = vocab.NAME_REGIONS[region]
    middle = f" {rng.choice('ABCDEFGHJKLMNPRST')}." if rng.random() < 0.12 else ""
    return f"{rng.choice(given)}{middle} {rng.choice(family)}"


def _abstract(rng: random.Random, p: _Paper) -> str:
    name = p.title.split(":")[0]
    if name not in vocab.ACRONYMS:
        name = rng.choice(vocab.ACRONYMS)
    slots = {
        "Task": p.task[0].upper() + p.task[1:],
        "task": p.task,
        "field": p.domain.field,
        "limit": rng.choice(vocab.LIMITS),
        "method": p.method,
        "method2": rng.choice([m for m in p.domain.methods if m != p.method]),
        "name": name,
        "adj": rng.choice(vocab.ADJECTIVES).lower(),
        "evidence": rng.choice(p.domain.evidence),
        "pct": rng.randint(2, 35),
        "x": rng.choice((2, 3, 4, 8, 10)),
    }
    middles = sorted(rng.sample(range(len(vocab.MIDDLES)), rng.randint(2, 4)))
    sentences = [rng.choice(vocab.OPENINGS), *(vocab.MIDDLES[k] for k in middles)]
    if rng.random() < 0.3:
        sentences.append(rng.choice(vocab.MATH_SENTENCES))
    sentences.append(rng.choice(vocab.RESULTS))
    if rng.random() < 0.7:
        sentences.append(rng.choice(vocab.CLOSINGS))
    return " ".join(s.format(**slots) if "$" not in s else s for s in sentences)


def _accounts(seed: int, size: WorldSize) -> list[_Account]:
    rng = random.Random(f"{seed}:accounts")
    n_bots = min(len(vocab.BOTS), size.accounts // 10)
    taken: set[tuple[str, str]] = set()
    out = []
    for n in range(size.accounts):
        bot = vocab.BOTS[n - (size.accounts - n_bots)] if n >= size.accounts - n_bots else None
        platform = bot[0] if bot else rng.choices(vocab.PLATFORMS, vocab.PLATFORM_WEIGHTS)[0]
        name = _person(rng, _pick_region(rng))
        base = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
        first, last = base.replace(".", "").split(" ")[0], base.split(" ")[-1]
        base = rng.choice((first, first + last, first[0] + last, f"{first}_{last}", f"{last}{first[0]}"))
        if rng.random() < 0.1:
            base = rng.choice(vocab.NICKNAMES)
        if rng.random() < 0.2:
            base += str(rng.randint(1, 99))
        base = base.replace("-", "")[:15]
        while True:
            handle, acc_id = _handle(rng, platform, base)
            if bot:
                handle = bot[1]
            if (platform, handle) not in taken and (platform, acc_id) not in taken:
                break
            base = f"{base[:11]}{rng.randint(1, 9999)}"  # taken: X allows 15 characters
        taken.update(((platform, handle), (platform, acc_id)))
        author = {"id": acc_id, "handle": handle}
        if platform not in ("hackernews", "reddit"):
            author["name"] = bot[2] if bot else name + rng.choice(vocab.NAME_FLAIR)
        url_base = {
            "bluesky": f"https://bsky.app/profile/{handle}/post/",
            "mastodon": f"https://{handle.split('@')[-1]}/{handle.rsplit('@', 1)[0]}/",
            "x": f"https://x.com/{handle}/status/",
            "hackernews": "https://news.ycombinator.com/item?id=",
        }.get(platform, "https://www.reddit.com/r/")
        weight = 0.0 if bot else min(100.0, rng.paretovariate(1.4))
        out.append(_Account(platform, author, weight, url_base, bot[3] if bot else None))
    return out


def _handle(rng: random.Random, platform: str, base: str) -> tuple[str, str]:
    """(handle, account id) in the shape each platform uses."""
    if platform == "bluesky":
        did = "did:plc:" + "".join(rng.choice(_DID_CHARS) for _ in range(24))
        return f"{base.replace('_', '-')}.bsky.social", did
    if platform == "mastodon":
        new = rng.random() < 0.7
        acc_id = rng.randrange(109_300_000_000_000_000, 113_900_000_000_000_000) if new else rng.randrange(1, 10**6)
        return f"@{base}@{rng.choice(vocab.MASTODON_INSTANCES)}", str(acc_id)
    if platform == "x":
        acc_id = rng.randrange(10**6, 4 * 10**9) if rng.random() < 0.5 else rng.randrange(7 * 10**17, 19 * 10**17)
        return base, str(acc_id)
    if platform == "hackernews":
        return base, base
    return f"u/{base}", "t2_" + "".join(rng.choice(_B36) for _ in range(8))


def _b36(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = _B36[r] + out
    return out or "0"


_TID_PAIRS = [a + b for a in _TID_CHARS for b in _TID_CHARS]


def _tid(v: int) -> str:
    """Bluesky's 13-character record key: 64 bits in base32-sortable, two characters per lookup."""
    p = _TID_PAIRS
    return _TID_CHARS[(v >> 60) & 31] + "".join([p[(v >> s) & 1023] for s in (50, 40, 30, 20, 10, 0)])


# A post that later posts may point to: (platform, post_id, account index, reddit submission id).
_Ref = tuple[str, str, int, str]


class _PostStream:
    """Plans each paper's attention as one or two decaying waves and merges them into one timeline."""

    def __init__(self, seed: int, end: int, size: WorldSize) -> None:
        self.end, self.window = end, size.days * DAY
        self.papers = _papers(seed, end, size)
        self.accounts = _accounts(seed, size)
        self.rng = random.Random(f"{seed}:posts")
        self.pools: dict[str, tuple[list[int], list[float]]] = {}
        for plat in (None, *vocab.PLATFORMS):
            members = [i for i, a in enumerate(self.accounts) if a.weight and plat in (None, a.platform)]
            if members:
                self.pools[plat or ""] = (members, list(accumulate(self.accounts[i].weight for i in members)))
        if "" not in self.pools:
            raise ValueError("the world needs at least one account that is not a bot")
        self.old = [i for i, p in enumerate(self.papers) if p.published < -self.window]
        self.origs: list[list[_Ref] | None] = [None] * len(self.papers)
        self.convo: list[list[_Ref] | None] = [None] * len(self.papers)
        self.last_id = dict.fromkeys(("bluesky", "mastodon", "x", "hackernews", "t1", "t3"), 0)
        self.streams: list[list[float]] = []  # [paper, left, u, start, mean, norm, bot account or -1]
        self.q = self._plan(random.Random(f"{seed}:attention"), size.posts)

    def _plan(self, rng: random.Random, posts: int) -> float:
        """Make the waves; return the chance that a later post about a paper is an original too."""
        bots = {a.bot_category: i for i, a in enumerate(self.accounts) if a.bot_category}
        eligible = [
            (i, bots[p.categories[0]])
            for i, p in enumerate(self.papers)
            if p.categories[0] in bots and p.published >= -self.window
        ]
        share = min(0.9, 0.04 * posts / len(eligible)) if eligible else 0.0
        for i, bot in eligible:
            at = self.papers[i].published + rng.uniform(600, 4 * 3600)
            if rng.random() < share and at <= 0:
                self._add(i, 1, at, 0.0, bot)
        n_bot = len(self.streams)
        scale = max(0, posts - n_bot) / (sum(p.popularity for p in self.papers) or 1.0)
        counts = [int(p.popularity * scale + rng.random()) for p in self.papers]
        for i, (p, count) in enumerate(zip(self.papers, counts, strict=True)):
            if not count:
                continue
            n = count
            if p.published < -self.window:  # an older paper resurfacing
                start = -self.window + rng.random() * 0.95 * self.window
            else:
                start = max(-self.window, min(0.0, p.published + rng.uniform(0, 3600)))
            mean = DAY * rng.uniform(0.3, 1.5)
            second, n2 = p.published + DAY * rng.uniform(2, 9), int(n * rng.uniform(0.25, 0.45))
            if n >= 40 and -self.window <= second < -DAY / 2 and start < second:  # a hit's second wave
                self._add(i, n2, second, DAY * rng.uniform(0.3, 1.0), -1)
                n -= n2
            self._add(i, n, start, mean, -1)
        regular, cited = sum(counts), sum(1 for n in counts if n)
        wanted = _ORIGINAL_SHARE * (regular + n_bot) - n_bot - cited
        return min(0.95, max(0.05, wanted / max(1, regular - cited)))

    def _add(self, paper: int, n: int, start: float, mean: float, bot: int) -> None:
        norm = 1 - math.exp(start / mean) if mean else 0.0  # truncates the decay at ``end`` (0)
        self.streams.append([paper, n, 0.0, start, mean, norm, bot])

    def _advance(self, st: list[float]) -> float:
        """Next time of a wave: ascending order statistics of a truncated exponential, one at a time."""
        left = st[1]
        u = 1 - (1 - st[2]) * self.rng.random() ** (1 / left)
        st[1], st[2] = left - 1, u
        return min(0.0, st[3] - st[4] * math.log(max(1e-300, 1 - u * st[5])))

    def lines(self) -> Iterator[dict[str, object]]:
        heap = [(self._advance(st), sid) for sid, st in enumerate(self.streams)]
        heapq.heapify(heap)
        while heap:
            rel, sid = heap[0]
            st = self.streams[sid]
            if st[1]:
                heapq.heapreplace(heap, (self._advance(st), sid))
            else:
                heapq.heappop(heap)
            paper, bot = int(st[0]), int(st[6])
            t = self.end + math.floor(rel)
            if bot >= 0:
                yield self._original(paper, t, bot)
            elif self.origs[paper] is None or self.rng.random() < self.q:
                yield self._original(paper, t, self._pick(""))
            else:
                yield self._child(paper, t)

    def _pick(self, platform: str) -> int:
        members, cum = self.pools[platform]
        return members[min(len(members) - 1, bisect(cum, self.rng.random() * cum[-1]))]

    def _line(self, a: int, t: int, kind: str, text: str, links: list[str]) -> dict[str, object]:
        acc = self.accounts[a]
        post_id, _ = self._post_id(acc.platform, t, kind != "post")
        line: dict[str, object] = {
            "platform": acc.platform,
            "post_id": post_id,
            "author": dict(acc.author),
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)),
            "kind": kind,
            "text": text,
        }
        if acc.url_base and acc.platform != "reddit":
            line["url"] = acc.url_base + post_id
        if links:
            line["links"] = links
        return line

    def _original(self, i: int, t: int, a: int) -> dict[str, object]:
        rng, paper, acc = self.rng, self.papers[i], self.accounts[a]
        aid, sub = paper.arxiv_id, paper.domain.subreddit
        if acc.bot_category:
            url = f"https://arxiv.org/abs/{aid}"
            line = self._line(a, t, "post", url if rng.random() < 0.7 else f"{paper.title} {url}", [url])
            line["lang"] = "en"
        elif acc.platform in ("hackernews", "reddit"):
            url = f"https://arxiv.org/{'pdf' if rng.random() < 0.3 else 'abs'}/{aid}"
            tag = rng.choice(("[R] ", "[R] ", "[D] ", "")) if acc.platform == "reddit" else ""
            line = self._line(a, t, "post", tag + paper.title, [url])
            line["score"] = min(2000, int(rng.paretovariate(0.9)))
            if acc.platform == "reddit":
                slug = "".join(c if c.isalnum() else "_" for c in paper.title.lower())[:48].strip("_")
                root = str(line["post_id"])[3:]
                line["url"] = f"{acc.url_base}{sub}/comments/{root}/{slug}/"
        else:
            line = self._commentary(paper, a, t)
        post_id = str(line["post_id"])
        ref: _Ref = (acc.platform, post_id, a, post_id[3:] if acc.platform == "reddit" else "")
        origs = self.origs[i]
        if origs is None:
            self.origs[i] = [ref]
        elif len(origs) < 6:
            origs.append(ref)
        elif rng.random() < 0.3:
            origs[rng.randrange(1, 6)] = ref
        return line

    def _cite(self, paper: _Paper) -> tuple[str, list[str]]:
        """An in-text reference (maybe empty) and the links of a post citing ``paper``, in varied forms."""
        r, aid = self.rng.random(), paper.arxiv_id
        ver = f"{aid}v{self.rng.randint(1, paper.version)}"
        if r < 0.30:
            return "", [f"https://arxiv.org/abs/{aid}"]
        if r < 0.45:
            return f"https://arxiv.org/abs/{aid}", [f"https://arxiv.org/abs/{aid}"]
        if r < 0.55:
            return "", [f"https://arxiv.org/pdf/{ver}"]
        if r < 0.63:
            return f"arxiv.org/abs/{aid}", []
        if r < 0.70:
            return f"arXiv:{aid}", []
        if r < 0.79:
            return "", [f"https://huggingface.co/papers/{aid}"]
        if r < 0.85:
            return "", [f"https://www.alphaxiv.org/abs/{aid}"]
        if r < 0.90:
            return f"arXiv:{aid}", [f"https://arxiv.org/pdf/{ver}"]
        if r < 0.95:
            return "", [f"https://arxiv.org/abs/{aid}", f"https://arxiv.org/pdf/{ver}"]
        return f"https://arxiv.org/html/{ver}", [f"https://arxiv.org/html/{ver}"]

    def _commentary(self, paper: _Paper, a: int, t: int) -> dict[str, object]:
        rng = self.rng
        ref, links = self._cite(paper)
        lang, template = "en", rng.choice(vocab.ORIGINAL_TEXTS)
        if rng.random() < 0.04:
            lang, template = rng.choice(vocab.FOREIGN_TEXTS)
        topic = paper.method if rng.random() < 0.6 else paper.task
        text = template.format(title=paper.title, topic=topic, n=rng.randint(3, 12))
        if ref:
            text = f"{text} {ref}" if rng.random() < 0.7 else f"📄 {ref}\n{text}"
        if self.old and rng.random() < 0.03:  # cites a second, older paper
            other = self.papers[rng.choice(self.old)].arxiv_id
            if rng.random() < 0.5:
                text += f" (see also arXiv:{other})"
            else:
                links.append(f"https://arxiv.org/abs/{other}")
        if rng.random() < 0.15:
            text += rng.choice(vocab.EMOJI)
        line = self._line(a, t, "post", text, links)
        line["lang"] = lang
        return line

    def _child(self, i: int, t: int) -> dict[str, object]:
        rng, paper = self.rng, self.papers[i]
        origs = self.origs[i] or []
        target = origs[0] if rng.random() < 0.4 else rng.choice(origs)
        r = rng.random()
        kind = "repost" if r < 0.56 else "quote" if r < 0.75 else "reply"
        convo = self.convo[i]
        if kind == "reply" and convo and rng.random() < 0.4:
            target = rng.choice(convo)
        plat = target[0]
        if plat in ("hackernews", "reddit"):
            kind = "reply"
        if plat not in self.pools:  # only a bot lives there: nobody to answer it
            return self._original(i, t, self._pick(""))
        a = self._pick(plat)
        if a == target[2]:
            a = self._pick(plat)
        topic = paper.method if rng.random() < 0.5 else paper.task
        method2 = rng.choice(paper.domain.methods)
        text, links = "", list[str]()
        if kind != "repost":
            text = rng.choice(vocab.QUOTE_TEXTS if kind == "quote" else vocab.REPLY_TEXTS)
            text = text.format(topic=topic, method2=method2)
            if rng.random() < (0.15 if kind == "quote" else 0.1):
                if kind == "reply" and self.old and rng.random() < 0.4:
                    cite, links = f"Related: arXiv:{self.papers[rng.choice(self.old)].arxiv_id}", []
                else:
                    cite, links = self._cite(paper)
                text = f"{text} {cite}".strip()
            if rng.random() < 0.1:
                text += rng.choice(vocab.EMOJI)
        line = self._line(a, t, kind, text, links)
        line["original"] = {"post_id": target[1]}
        if plat == "reddit":
            sub, comment = paper.domain.subreddit, str(line["post_id"])[3:]
            line["url"] = f"{self.accounts[a].url_base}{sub}/comments/{target[3]}/comment/{comment}/"
            line["score"] = int(rng.paretovariate(1.5))
        elif kind == "repost" and plat != "x":
            del line["url"]
        if text and plat not in ("hackernews", "reddit"):
            line["lang"] = "en"
        if kind != "repost":
            ref: _Ref = (plat, str(line["post_id"]), a, target[3])
            if convo is None:
                self.convo[i] = [ref]
            elif len(convo) < 4:
                convo.append(ref)
            else:
                convo[rng.randrange(4)] = ref
        return line

    def _post_id(self, platform: str, t: int, comment: bool) -> tuple[str, str]:
        """A platform-shaped post id that grows with time (strictly, per platform), and a reddit root."""
        rng, last = self.rng, self.last_id
        if platform == "bluesky":
            v = last[platform] = max(
                last[platform] + 1, (t * 10**6 + int(rng.random() * 1e6)) << 10 | rng.getrandbits(10)
            )
            return _tid(v), ""
        if platform == "mastodon":
            v = last[platform] = max(
                last[platform] + 1, (t * 1000 + int(rng.random() * 1e3)) << 16 | rng.getrandbits(16)
            )
            return str(v), ""
        if platform == "x":
            ms = t * 1000 + int(rng.random() * 1e3) - 1_288_834_974_657
            v = last[platform] = max(last[platform] + 1, ms << 22 | rng.getrandbits(22))
            return str(v), ""
        if platform == "hackernews":
            v = last[platform] = max(last[platform] + 1, 42_600_000 + (t - _REF_TIME) * 16 // 100)
            return str(v), ""
        key = "t1" if comment else "t3"
        rate, base = (80, 47_900_000_000) if comment else (12, 3_270_000_000)
        v = last[key] = max(last[key] + 1, base + (t - _REF_TIME) * rate + int(rng.random() * rate))
        return f"{key}_{_b36(v)}", _b36(v)
