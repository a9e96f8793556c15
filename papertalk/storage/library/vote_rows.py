"""Rows of ``summary_votes``: one vote per person and summary, and the summary's score kept equal to
the sum of its votes in the same transaction."""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, insert, select, update

from papertalk.storage.tables import summaries, summary_votes


def set_vote(conn: Connection, summary_id: int, user_id: int, value: int, now: int) -> int:
    """The person's vote (+1, -1, or 0 to take it back); returns the summary's score after it."""
    mine = (summary_votes.c.summary_id == summary_id) & (summary_votes.c.user_id == user_id)
    conn.execute(delete(summary_votes).where(mine))
    if value:
        conn.execute(insert(summary_votes).values(summary_id=summary_id, user_id=user_id, value=value, voted_at=now))
    total = select(func.coalesce(func.sum(summary_votes.c.value), 0)).where(summary_votes.c.summary_id == summary_id)
    conn.execute(update(summaries).where(summaries.c.id == summary_id).values(score=total.scalar_subquery()))
    return int(conn.execute(select(summaries.c.score).where(summaries.c.id == summary_id)).scalar_one())


def vote_of(conn: Connection, summary_id: int, user_id: int) -> int:
    found = conn.execute(
        select(summary_votes.c.value).where(
            summary_votes.c.summary_id == summary_id, summary_votes.c.user_id == user_id
        )
    ).scalar()
    return int(found or 0)


def votes_of(conn: Connection, summary_ids: list[int], user_id: int) -> dict[int, int]:
    """The person's votes on these summaries (summary id -> +1 or -1)."""
    if not summary_ids:
        return {}
    rows = conn.execute(
        select(summary_votes.c.summary_id, summary_votes.c.value).where(
            summary_votes.c.user_id == user_id, summary_votes.c.summary_id.in_(summary_ids)
        )
    )
    return {int(r.summary_id): int(r.value) for r in rows}
