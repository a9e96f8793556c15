"""One digest as plain values: the top papers of a stream over a day, week or month as of the end of that
period in the stream's timezone, with counts and the best commentaries.

"As of the end" means posts dated (``created_at``) inside the period; papertalk stores no capture time, so
until a digest is frozen, a post captured late but dated inside its period still counts. Posts dated
after the period never do, so a past day's page does not change as new posts arrive. Shortly after a
period ends the worker freezes it (``digest_freezing``, ``digest_snapshots``): from then on it is the
same whenever it is opened, whatever is captured later, even posts dated inside it. Pages only read.
A day's ranking is the sum of the kind weights of the votes first placed that day (no decay within it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from papertalk.core.curated_records import CuratedDigest
from papertalk.core.people_records import User
from papertalk.core.ranking import RankingSettings, Window
from papertalk.core.records import Paper
from papertalk.services.digests.curated_reading import curated_for
from papertalk.services.digests.digest_dates import Period, day_period, month_of, today_in
from papertalk.services.digests.digest_streams import Stream
from papertalk.services.digests.followed_news import FollowedNews, followed_news
from papertalk.services.pages.page_views import PostView, post_view
from papertalk.storage.catalogue.paper_rows import papers_by_row
from papertalk.storage.digests.shown_posts import posts_by_rows
from papertalk.storage.digests.snapshot_rows import DigestEntry, frozen_periods, read_snapshot, store_snapshot
from papertalk.storage.engine import Connection, Engine
from papertalk.storage.pages.page_queries import commentaries
from papertalk.storage.ranking.trending_filters import top_filtered
from papertalk.storage.ranking.trending_queries import Audience, post_counts, top_papers

DIGEST_SIZE = 20
COMMENTARIES_SHOWN = 3


@dataclass(frozen=True, slots=True)
class DigestItem:
    rank: int
    arxiv_id: str
    paper: Paper | None
    score: float
    people: int
    posts: int
    commentaries: tuple[PostView, ...]


@dataclass(frozen=True, slots=True)
class CalendarDay:
    day: date
    state: str  # "frozen" (finished and kept), "finished" (not opened yet), "open" (today) or "future"


@dataclass(frozen=True)
class Digest:
    period: Period
    stream: Stream
    start: int
    end: int  # exclusive
    # "frozen" (as stored when it was frozen), "finished" (over, not frozen yet: computed from what is stored
    # now), "open" (not over: as of now) or "future"
    state: str
    items: tuple[DigestItem, ...]
    calendar: tuple[CalendarDay, ...]
    news: FollowedNews  # the person's own digest only: their followed lists' new items, new public summaries
    curated: tuple[CuratedDigest, ...] = ()  # shown above the computed part (a day's only)


def digest(
    engine: Engine, ranking: RankingSettings, now: int, period: Period, stream: Stream, reader: User | None = None
) -> Digest:
    """The digest of ``period`` for ``stream``: its frozen form when there is one, else computed (reads only),
    under the day's curated digests that ``reader`` may see (None: the published ones only)."""
    start, end = period.bounds(stream.zone())
    state = "finished" if now >= end else "open" if now >= start else "future"
    with engine.connect() as conn:
        entries = read_snapshot(conn, stream.key, period.name) if state == "finished" else None
        if entries is not None:
            state = "frozen"
        else:
            entries = _ranked(conn, ranking, start, min(end, now + 1), stream)
        items = _items(conn, entries)
        calendar = _calendar(conn, stream, period, now)
    # Read on every open, never frozen: dated by when they happened, so only a removal changes a past day.
    news = followed_news(engine, stream, start, min(end, now + 1))
    curated = curated_for(engine, stream, period, now, reader)
    return Digest(period, stream, start, end, state, items, calendar, news, curated)


def freeze(engine: Engine, ranking: RankingSettings, now: int, period: Period, stream: Stream) -> bool:
    """Store the digest of a finished ``period`` as it is now, unless it is stored already; whether it was
    stored by this call. Two processes freezing one digest at once agree: the first insert wins."""
    start, end = period.bounds(stream.zone())
    if now < end:
        return False
    with engine.begin() as conn:
        if read_snapshot(conn, stream.key, period.name) is not None:
            return False
        store_snapshot(conn, stream.key, period.name, now, _ranked(conn, ranking, start, end, stream))
    return True


def _ranked(conn: Connection, ranking: RankingSettings, start: int, upper: int, stream: Stream) -> list[DigestEntry]:
    """The top papers by votes first placed in [start, upper), with their posts and best commentaries."""
    if upper <= start:
        return []
    # A window of exactly the period, without decay, ending at its last second: the trending queries'
    # "first_at > now - length AND first_at <= now" is then "start <= first_at < upper". Its name is no
    # configured window's, so no maintained rank table (which only knows the present) is used.
    window = Window("digest:period", upper - start, None)
    last = upper - 1
    audience = Audience(stream.network_row, stream.hidden_by)
    if stream.categories:
        rows = top_filtered(conn, last, window, ranking, audience, False, stream.categories, DIGEST_SIZE, 0)
    else:
        rows = top_papers(conn, last, window, ranking, audience, DIGEST_SIZE, 0)
    paper_rows = [r.paper_row for r in rows]
    counts = post_counts(conn, paper_rows, last, window, audience)
    best = commentaries(conn, paper_rows, start - 1, last, stream.network_row, COMMENTARIES_SHOWN, stream.network_row)
    return [
        DigestEntry(
            r.paper_row,
            r.score,
            r.people,
            counts.get(r.paper_row, 0),
            tuple(p.post_row for p in best.get(r.paper_row, [])),
        )
        for r in rows
    ]


def _items(conn: Connection, entries: list[DigestEntry]) -> tuple[DigestItem, ...]:
    papers = papers_by_row(conn, [e.paper_row for e in entries])
    posts = posts_by_rows(conn, [p for e in entries for p in e.commentary_rows])
    items = []
    for rank, entry in enumerate(entries, start=1):
        paper = papers.get(entry.paper_row)
        shown = tuple(post_view(posts[p]) for p in entry.commentary_rows if p in posts)
        arxiv_id = paper.arxiv_id if paper else "?"
        items.append(DigestItem(rank, arxiv_id, paper, entry.score, entry.people, entry.posts, shown))
    return tuple(items)


def _calendar(conn: Connection, stream: Stream, period: Period, now: int) -> tuple[CalendarDay, ...]:
    """The days of the period's (first) month, each with whether its digest is frozen, finished, open or ahead."""
    month = month_of(period.first)
    frozen = frozen_periods(conn, stream.key, month.name + "-")
    today = today_in(stream.zone(), now)
    days = []
    for day in month.days():
        name = day_period(day).name
        state = "frozen" if name in frozen else "finished" if day < today else "open" if day == today else "future"
        days.append(CalendarDay(day, state))
    return tuple(days)
