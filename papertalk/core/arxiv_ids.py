"""Find the arXiv papers a piece of text or a URL cites, as normalized ``ArxivRef`` values.

The one job of this module: turn identifiers, arXiv URLs (every arXiv host and mirror, DOIs, readers
such as alphaxiv, Hugging Face papers, ar5iv, arxiv-sanity, arxiv-vanity, Semantic Scholar, SciRate, Papers with Code)
and plain-text citations into ``ArxivRef(arxiv_id, version)``, rejecting ids that cannot exist.

Recognized identifiers:

* new style ``YYMM.NNNN`` (0704-1412) and ``YYMM.NNNNN`` (1501 on), optional ``vN``;
* old style ``archive(.SUBJECT)/YYMMNNN`` (9107-0703) for the real arXiv archives, optional ``vN``;
  the subject class is not part of the id (``math.GT/0309136`` -> ``math/0309136``).

A new-style id counts only right after an arXiv marker (a URL path, ``arXiv:``, the arXiv DOI prefix);
an old-style id carries its own marker (the archive name) and is also found bare in text.

Runs on the ingest hot path: a text without a marker costs one ``lower()``, a few substring tests and at
most one literal-prefix regex scan for ``/0``-``/9`` old-style tails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from papertalk.core.records import ArxivRef

__all__ = ["ARCHIVES", "find_arxiv_refs", "find_in_post", "parse_arxiv_id"]

#: Archives that appear in old-style (pre-April-2007) identifiers. Later archives (stat, q-fin, eess,
#: econ) only ever had new-style ids; ``test`` is arXiv's internal test archive.
ARCHIVES: frozenset[str] = frozenset(
    (
        "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an", "chao-dyn",
        "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex",
        "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th",
        "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph", "solv-int", "supr-con",
    )
)  # fmt: skip

_ARCH = "|".join(sorted(ARCHIVES, key=lambda a: (-len(a), a)))
_SUBJECT = r"(?:\.[a-z][a-z-]*)?"  # math.gt, cond-mat.stat-mech: dropped from the id
_NEW = r"(?P<new>(?P<yymm>\d{4})\.(?P<num>\d{4,5}))"
_OLD = rf"(?P<arch>{_ARCH}){_SUBJECT}/(?P<oyymm>\d{{4}})(?P<onum>\d{{3}})"
_VER = r"(?:v(?P<ver>\d+)(?!\d|…|\.\.\.))?(?!\d)"  # a version cut short by "…" is dropped

# Everything runs on lower-cased text (re.ASCII keeps \d to 0-9). Each marker starts with a key that
# str.find locates (much cheaper than a regex search); an anchored match then checks the marker and
# reads the id right after it.
_MARKED = re.compile(
    r"""
    (?:
        arxiv(?:
            \s?:\s?                                   # arXiv:2101.00001, arXiv: 2101.00001
          | \s                                        # arXiv 2101.00001
          | \.org:                                    # oai:arXiv.org:2101.00001
          | \.org/(?:abs|pdf|html|format|ps)/         # (www|export|ar5iv.labs).arxiv.org/...
          | \.                                        # 10.48550/arXiv.2101.00001 (DOI)
          | /                                         # semanticscholar, scirate, paperswithcode: /arxiv/
          | -sanity\.com/abs/
          | -vanity\.com/papers/                         # arxiv-vanity.com/papers/1805.09501/
          | -sanity-lite\.com/[^\s#]{0,200}?[?&;]pid=
        )
      | alphaxiv\.org/(?:abs|overview)/
      | ar5iv\.org/(?:abs|html)/
      | (?:huggingface|hf)\.co/papers/
      | lanl\.gov/(?:abs|pdf|format|ps)/               # xxx.lanl.gov, arXiv's original host
    )
    """
    rf"(?:{_NEW}|{_OLD}){_VER}",
    re.VERBOSE | re.ASCII,
)
# Old-style ids without a marker: find the "/YYMMNNN" tail (a cheap literal-prefix scan), then check
# that an archive name (plus optional subject class) sits right before the slash.
_OLD_TAIL = re.compile(rf"/(?P<oyymm>[09]\d{{3}})(?P<onum>\d{{3}}){_VER}", re.ASCII)
_OLD_HEAD = re.compile(rf"(?<![\w.-])(?P<arch>{_ARCH}){_SUBJECT}\Z", re.ASCII)
_ALONE = re.compile(rf"(?:arxiv:\s?)?(?:{_NEW}|{_OLD}){_VER}", re.ASCII)


def _yymm(first: int, last: int) -> frozenset[str]:
    """Every "YYMM" from first to last, given as YYYYMM."""
    return frozenset(f"{y % 100:02d}{m:02d}" for y in range(first // 100, last // 100 + 1)
                     for m in range(1, 13) if first <= y * 100 + m <= last)  # fmt: skip


_NEW4_YYMM = _yymm(200704, 201412)  # YYMM.NNNN
_NEW5_YYMM = _yymm(201501, 209912)  # YYMM.NNNNN
_OLD_YYMM = _yymm(199107, 200703)  # archive/YYMMNNN
MAX_VERSION_DIGITS = 6  # v1 to v999999: anything longer is not a version (and would not fit the database)
_BAD = 0  # the "version" of a citation that cannot exist

_Hit = tuple[int, str, int | None]  # (position in the text, arxiv_id, version)


def _version(ver: str | None) -> int | None:
    """The version number, None when absent, _BAD when it cannot exist (v0, absurdly long)."""
    if ver is None:
        return None
    return int(ver) if len(ver) <= MAX_VERSION_DIGITS else _BAD


def _old_ok(yymm: str, num: str) -> bool:
    return yymm in _OLD_YYMM and num != "000"


def _from_match(m: re.Match[str]) -> _Hit | None:
    """Validated hit from a ``_MARKED`` or ``_ALONE`` match; None if the id cannot exist."""
    new, yymm, num, arch, oyymm, onum, ver = m.groups()
    version = _version(ver)
    if version == _BAD:
        return None
    if new is not None:
        if yymm in (_NEW4_YYMM if len(num) == 4 else _NEW5_YYMM) and int(num):
            return m.start(1), new, version
    elif _old_ok(oyymm, onum):
        return m.start(4), f"{arch}/{oyymm}{onum}", version
    return None


def _scan(low: str, key: str, hits: list[_Hit]) -> None:
    """Add the ids cited right after each marker starting with ``key``."""
    i = low.find(key)
    while i >= 0:
        m = _MARKED.match(low, i)
        if m is None:
            i = low.find(key, i + 1)
            continue
        hit = _from_match(m)
        if hit is not None:
            hits.append(hit)
        i = low.find(key, m.end())


def _hits(low: str) -> list[_Hit]:
    """Every valid citation in lower-cased text, in order of position (may repeat an id)."""
    hits: list[_Hit] = []
    if "xiv" in low:
        _scan(low, "arxiv", hits)
        _scan(low, "alphaxiv", hits)
    if "ar5iv" in low:
        _scan(low, "ar5iv", hits)
    if "co/papers/" in low:
        _scan(low, "huggingface.co/papers/", hits)
        _scan(low, "hf.co/papers/", hits)
    if "lanl.gov/" in low:
        _scan(low, "lanl.gov/", hits)
    if "/0" in low or "/9" in low:  # old-style ids also stand alone: "see hep-th/9901001"
        t = _OLD_TAIL.search(low)
        while t is not None:
            start = t.start()
            head = _OLD_HEAD.search(low, max(0, start - 40), start)
            if head is not None:
                version = _version(t.group("ver"))
                oyymm, onum = t.group("oyymm", "onum")
                if version != _BAD and _old_ok(oyymm, onum):
                    hits.append((head.start(), f"{head.group('arch')}/{oyymm}{onum}", version))
            t = _OLD_TAIL.search(low, t.end())
    if len(hits) > 1:
        hits.sort(key=_position)
    return hits


def _position(hit: _Hit) -> int:
    return hit[0]


def _add(found: dict[str, int | None], hits: list[_Hit]) -> None:
    for _, arxiv_id, version in hits:
        if arxiv_id not in found:
            found[arxiv_id] = version
        elif found[arxiv_id] is None and version is not None:
            found[arxiv_id] = version  # keep the first explicit version seen


def parse_arxiv_id(s: str) -> ArxivRef | None:
    """One candidate identifier (``2101.00001v2``, ``arXiv:hep-th/9901001``, an arXiv URL) as a ref.

    Returns None when ``s`` is not a valid id. A bare id is accepted here (the caller says it is one);
    anything else must be a URL or citation that ``find_arxiv_refs`` recognizes, and its first paper wins.
    """
    low = s.strip().lower()
    m = _ALONE.fullmatch(low)
    if m is not None:
        hit = _from_match(m)
        return None if hit is None else ArxivRef(hit[1], hit[2])
    hits = _hits(low)
    return ArxivRef(hits[0][1], hits[0][2]) if hits else None


def find_arxiv_refs(text: str) -> list[ArxivRef]:
    """Every arXiv paper cited in a text or URL, in order of first appearance, once per arxiv_id.

    When a paper is cited with and without a version, the first explicit version seen is kept.
    """
    hits = _hits(text.lower())
    if len(hits) <= 1:
        return [ArxivRef(h[1], h[2]) for h in hits]
    found: dict[str, int | None] = {}
    _add(found, hits)
    return [ArxivRef(a, v) for a, v in found.items()]


def find_in_post(text: str, links: Iterable[str]) -> list[ArxivRef]:
    """Like ``find_arxiv_refs`` over a post's links first, then its text, deduplicated across them."""
    found: dict[str, int | None] = {}
    for link in links:
        _add(found, _hits(link.lower()))
    _add(found, _hits(text.lower()))
    return [ArxivRef(a, v) for a, v in found.items()]


# A pre-check for bulk filters over raw bytes (the Jetstream firehose). Over bytes folded with
# ``CANDIDATE_FOLD`` (ASCII upper case to lower, "x" to "/"), every marker ``find_arxiv_refs`` starts from
# matches ``CANDIDATE_SLASH``: "arxiv" and "alphaxiv" fold to "ar/iv" and "alpha/iv"; ar5iv links have
# "/abs/" or "/html/", Hugging Face papers "/papers/", lanl.gov links "/abs/" (or pdf, format, ps), and
# an old-style "/YYMMNNN" tail starts with "/0" or "/9". So the check is one ``translate`` and one regex
# whose literal prefix "/" is scanned in C: only the slashes cost a match attempt.
# tests/test_arxiv_prefilter.py checks with hypothesis that it never says no where the finder finds a
# paper. Non-ASCII characters whose ``str.lower`` is ASCII (Kelvin sign -> "k", dotted capital I -> "i" +
# a combining dot) never complete a marker, so folding ASCII alone misses nothing.
def _candidate_fold() -> bytes:
    table = bytearray(range(256))
    table[ord("A") : ord("Z") + 1] = bytes(range(ord("a"), ord("z") + 1))
    table[ord("x")] = table[ord("X")] = ord("/")
    return bytes(table)


CANDIDATE_FOLD: bytes = _candidate_fold()
CANDIDATE_SLASH = re.compile(rb"/(?:iv|[09][0-9]{6}|papers/|abs/|pdf/|html/|format/|ps/)")


def may_cite_arxiv(data: bytes) -> bool:
    """False only when ``find_arxiv_refs`` finds nothing in the UTF-8 text ``data`` (a cheap byte check:
    it may be True for text without a paper, never False for text with one)."""
    return CANDIDATE_SLASH.search(data.translate(CANDIDATE_FOLD)) is not None
