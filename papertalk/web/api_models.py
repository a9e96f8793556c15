"""The JSON API's response models: stable field names, documented in docs/api.md and the OpenAPI file."""

from __future__ import annotations

from pydantic import BaseModel, Field

from papertalk.core.records import Paper, VoteContribution
from papertalk.services.pages.page_views import DayChart, PostView
from papertalk.web.formatting import iso


class PaperOut(BaseModel):
    arxiv_id: str
    title: str | None
    authors: list[str]
    abstract: str | None
    categories: list[str]
    published_at: str | None = Field(description="first version, ISO 8601 UTC")
    updated_at: str | None
    latest_version: int | None
    doi: str | None
    journal_ref: str | None
    abs_url: str
    pdf_url: str

    @classmethod
    def of(cls, paper: Paper) -> PaperOut:
        return cls(
            arxiv_id=paper.arxiv_id,
            title=paper.title,
            authors=list(paper.authors),
            abstract=paper.abstract,
            categories=list(paper.categories),
            published_at=iso(paper.published_at) if paper.published_at else None,
            updated_at=iso(paper.updated_at) if paper.updated_at else None,
            latest_version=paper.latest_version,
            doi=paper.doi,
            journal_ref=paper.journal_ref,
            abs_url=f"https://arxiv.org/abs/{paper.arxiv_id}",
            pdf_url=f"https://arxiv.org/pdf/{paper.arxiv_id}",
        )


class PostOut(BaseModel):
    platform: str
    kind: str
    author: str
    display_name: str | None
    text: str
    url: str | None
    created_at: str

    @classmethod
    def of(cls, post: PostView) -> PostOut:
        return cls(
            platform=post.platform,
            kind=post.kind,
            author=post.author,
            display_name=post.display_name,
            text=post.text,
            url=post.url,
            created_at=iso(post.created_at),
        )


class ChartOut(BaseModel):
    first_day: str = Field(description="UTC date of the first count, YYYY-MM-DD")
    posts_per_day: list[int]

    @classmethod
    def of(cls, chart: DayChart) -> ChartOut:
        return cls(first_day=iso(chart.first_day * 86_400)[:10], posts_per_day=list(chart.counts))


class Links(BaseModel):
    self: str
    html: str
    first: str | None = None
    prev: str | None = None
    next: str | None = None
    last: str | None = None


class TrendingItemOut(BaseModel):
    rank: int
    arxiv_id: str
    score: float
    people: int
    posts: int
    reposts: int
    paper: PaperOut | None
    chart: ChartOut
    commentaries: list[PostOut]


class TrendingOut(BaseModel):
    window: str
    audience: str  # "everyone", or "network" when one network is counted
    network: str | None  # the network counted (null: everyone)
    networks: list[str]  # the public networks one may name in ``network=``
    new_only: bool
    category: str | None
    page: int
    pages: int
    total: int
    demo: str | None
    items: list[TrendingItemOut]
    links: Links


class WindowOut(BaseModel):
    name: str
    length_seconds: int | None  # null: all time
    half_life_seconds: int | None  # null: no decay


class AboutOut(BaseModel):
    """The ranking settings this site counts with, as the about page explains them."""

    weights: dict[str, float]  # by kind of post: an account's vote weighs its strongest kind's
    windows: list[WindowOut]
    network: str | None  # the site's own network (``audience=network``), null when there is none
    networks: list[str]  # the public networks ``network=`` may name
    demo: str | None
    links: Links


class ContributionOut(BaseModel):
    account: str
    first_at: str
    weight: float
    decay: float
    contribution: float

    @classmethod
    def of(cls, c: VoteContribution) -> ContributionOut:
        return cls(
            account=c.account, first_at=iso(c.first_at), weight=c.weight, decay=c.decay, contribution=c.contribution
        )


class TranslationOut(BaseModel):
    """A stored translation of the paper's title and abstract into the reader's language (settings)."""

    language: str
    title: str | None
    abstract: str | None


class PaperPageOut(BaseModel):
    arxiv_id: str
    has_metadata: bool
    paper: PaperOut
    posts_total: int
    posts: dict[str, list[PostOut]]
    chart: ChartOut
    window: str
    score: float
    people: int
    breakdown: list[ContributionOut]
    bibtex: str
    links: Links
    translation: TranslationOut | None = None


class PostWithPapersOut(BaseModel):
    post: PostOut
    arxiv_ids: list[str]


class PostsOut(BaseModel):
    platform: str | None
    page: int
    items: list[PostWithPapersOut]
    links: Links


class SearchHitOut(BaseModel):
    paper: PaperOut
    score: float
    posts: int


class SearchOut(BaseModel):
    query: str
    page: int
    total: int | None
    jump_to: str | None
    hits: list[SearchHitOut]
    links: Links


class ErrorOut(BaseModel):
    error: str
    status: int
