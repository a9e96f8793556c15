"""The JSON shapes of Discover (issue 19): a similar paper and a paper discussed by the same people, each
with the paper and the one-line reason it is suggested."""

from __future__ import annotations

from pydantic import BaseModel, Field

from papertalk.services.discover.co_discussed import CoDiscussed
from papertalk.services.discover.similar import SimilarPaper
from papertalk.web.api_models import Links, PaperOut


class SimilarOut(BaseModel):
    paper: PaperOut
    score: float = Field(
        description="tf-idf cosine (blended with the vector cosine when both have vectors) plus the author "
        "and category bonuses (docs/discover.md)"
    )
    reason: str
    shared_terms: list[str]
    shared_authors: list[str]
    shared_categories: list[str]
    meaning: float | None = Field(
        None, description="the cosine of the two papers' semantic vectors (PAPERTALK_EMBEDDER), when both have one"
    )

    @classmethod
    def of(cls, s: SimilarPaper) -> SimilarOut:
        return cls(
            paper=PaperOut.of(s.paper),
            score=round(s.score, 6),
            reason=s.reason,
            shared_terms=list(s.terms),
            shared_authors=list(s.authors),
            shared_categories=list(s.categories),
            meaning=None if s.meaning is None else round(s.meaning, 6),
        )


class CoDiscussedOut(BaseModel):
    paper: PaperOut
    score: float = Field(description="the summed weights of the shared accounts' votes (one per account)")
    people: int
    reason: str

    @classmethod
    def of(cls, c: CoDiscussed) -> CoDiscussedOut:
        return cls(paper=PaperOut.of(c.paper), score=round(c.score, 6), people=c.people, reason=c.reason)


class SimilarListOut(BaseModel):
    arxiv_id: str
    similar: list[SimilarOut]
    discussed_by_same_people: list[CoDiscussedOut]
    links: Links
