"""Plain values the pages show, shared by the trending, paper and posts pages: posts and day charts."""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.core.shown_text import without_bidi_controls
from papertalk.storage.pages.page_queries import DAY, PostRow


@dataclass(frozen=True, slots=True)
class PostView:
    """One captured post, rendered from stored text (no embedded third-party widget); its text and names
    carry no bidirectional controls, and its ``url`` is as captured (``core.shown_text.link_target``
    decides whether it becomes a link)."""

    platform: str
    kind: str
    text: str
    url: str | None
    created_at: int
    author: str  # @handle, or the display name when there is no handle
    display_name: str | None


@dataclass(frozen=True, slots=True)
class DayChart:
    """Mentions per UTC day, oldest first, starting at ``first_day`` (epoch days)."""

    first_day: int
    counts: tuple[int, ...]

    @property
    def peak(self) -> int:
        return max(self.counts, default=0)


def post_view(row: PostRow) -> PostView:
    author = without_bidi_controls(row.handle or row.display_name or "") or "unknown account"
    name = without_bidi_controls(row.display_name) if row.display_name else None
    return PostView(row.platform, row.kind, without_bidi_controls(row.text), row.url, row.created_at, author, name)


def day_chart(per_day: dict[int, int], first_day: int, last_day: int) -> DayChart:
    return DayChart(first_day, tuple(per_day.get(d, 0) for d in range(first_day, last_day + 1)))


def chart_days(window_length: int | None, default_days: int = 60) -> int:
    """How many days a chart shows for a window: at least a week, the window when longer."""
    if window_length is None:
        return default_days
    return max(7, -(-window_length // DAY))
