"""The records of summaries, notes and their discussion, as the pages, API and exports see them."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("summary", "note")
VISIBILITIES = ("public", "unlisted", "private")


@dataclass(frozen=True, slots=True)
class Summary:
    """A person's summary of a paper (or, kind "note", one of their private notes on it)."""

    id: int
    user_id: int
    author: str
    paper_id: int
    arxiv_id: str
    paper_title: str | None
    kind: str
    visibility: str
    anonymous: bool
    title: str
    source: str
    html: str
    renderer_version: int
    formula_errors: int
    version: int
    score: int
    comments: int
    created_at: int
    updated_at: int
    hidden_at: int | None

    @property
    def shown_author(self) -> str:
        return "anonymous" if self.anonymous else self.author

    @property
    def listed(self) -> bool:
        """Shown in lists, feeds, search and counts (public, not hidden); unlisted: only by its link."""
        return self.kind == "summary" and self.visibility == "public" and self.hidden_at is None


@dataclass(frozen=True, slots=True)
class SummaryVersion:
    version: int
    title: str
    source: str
    saved_at: int


@dataclass(frozen=True, slots=True)
class Comment:
    id: int
    summary_id: int
    user_id: int
    author: str
    parent_id: int | None
    source: str
    html: str
    created_at: int
    updated_at: int
    deleted_at: int | None
    hidden_at: int | None

    @property
    def shown(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    comment_id: int
    summary_id: int
    arxiv_id: str
    author: str
    created_at: int
    read_at: int | None


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    reporter: str
    target_kind: str
    target_id: int
    reason: str
    created_at: int
