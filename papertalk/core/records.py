"""The neutral records every layer speaks: posts, accounts, papers, votes and ranked results.

Frozen dataclasses with no behaviour beyond small derived properties; sources produce them, storage
stores and returns them, ranking and pages consume them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

DEFAULT_NETWORK = "following"  # the network ``follow`` adds accounts to, and ``trending --network following`` ranks


class PostKind(enum.StrEnum):
    """What a post is relative to other posts; decides which papers it carries and its vote weight."""

    POST = "post"
    QUOTE = "quote"
    REPLY = "reply"
    REPOST = "repost"


@dataclass(frozen=True, slots=True)
class ArxivRef:
    """A normalized arXiv identifier (never carries a version) plus the version a citation named, if any."""

    arxiv_id: str
    version: int | None = None

    def __str__(self) -> str:
        return self.arxiv_id if self.version is None else f"{self.arxiv_id}v{self.version}"


@dataclass(frozen=True, slots=True)
class Author:
    """An account on one platform: ``(platform, platform_id)`` identifies it, the rest may change."""

    platform: str
    platform_id: str
    handle: str | None = None
    display_name: str | None = None


@dataclass(frozen=True, slots=True)
class OriginalRef:
    """The post a repost, quote or reply points to. With ``post`` set, the original itself is known too."""

    post_id: str
    post: Post | None = None


@dataclass(frozen=True, slots=True)
class Post:
    """One item on one platform; ``(platform, post_id)`` is unique. Times are UTC epoch seconds."""

    platform: str
    post_id: str
    author: Author
    created_at: int
    kind: PostKind = PostKind.POST
    original: OriginalRef | None = None
    text: str = ""
    url: str | None = None
    links: tuple[str, ...] = ()
    lang: str | None = None  # at most LANG_MAX_CHARS where stored
    platform_score: int | None = None  # within SCORE_LIMITS where stored


SCORE_LIMITS = (-(2**31), 2**31 - 1)  # a platform's score is stored as a 32-bit integer
LANG_MAX_CHARS = 35  # the longest language tag stored (BCP 47's longest well-formed tag)


@dataclass(frozen=True, slots=True)
class Paper:
    """An arXiv paper. Metadata may arrive later: a paper known only by its id is still a paper."""

    arxiv_id: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    abstract: str | None = None
    categories: tuple[str, ...] = ()
    published_at: int | None = None
    updated_at: int | None = None
    latest_version: int | None = None
    doi: str | None = None
    journal_ref: str | None = None
    comments: str | None = None
    versions: tuple[tuple[int, int], ...] = ()  # (version number, submitted at), oldest first

    @property
    def primary_category(self) -> str | None:
        return self.categories[0] if self.categories else None


@dataclass(frozen=True, slots=True)
class Mention:
    """A post citing a paper: who, when, as which kind of post (reposts and quotes inherit papers)."""

    arxiv_id: str
    account: str
    at: int
    kind: PostKind


@dataclass(frozen=True, slots=True)
class Vote:
    """One account's vote on one paper: placed at its first mention; ``kinds`` is a bit set of the kinds
    of post it used (see ``core.ranking.KIND_BITS``), so its weight is that of its strongest kind."""

    arxiv_id: str
    account: str
    first_at: int
    kinds: int


@dataclass(frozen=True, slots=True)
class VoteContribution:
    """One line of "why is this trending": who, when, which weight, and what it adds after decay."""

    account: str
    first_at: int
    weight: float
    decay: float
    contribution: float


@dataclass(frozen=True, slots=True)
class RankedPaper:
    """A paper's place in a trending list, with its counts and, when asked for, its score breakdown."""

    rank: int
    arxiv_id: str
    score: float
    people: int
    posts: int = 0
    paper: Paper | None = None
    breakdown: tuple[VoteContribution, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class CitingPost:
    """A post together with the papers its own text and links cite (found by ``core.arxiv_ids``)."""

    post: Post
    refs: tuple[ArxivRef, ...] = ()
