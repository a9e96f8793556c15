"""Discussing summaries: votes (one per person, never on one's own), comments in Markdown without headings
or images (Flavour.COMMENT, rendered once when saved) with one level of replies, editing and deleting
one's own, and the notifications a comment or reply sends. New accounts may post only so many comments
an hour (PAPERTALK_LIBRARY_NEW_ACCOUNT_COMMENTS_PER_HOUR)."""

from __future__ import annotations

from papertalk.config import LibrarySettings
from papertalk.core.people_records import User
from papertalk.core.summary_records import Comment, Notification, Summary
from papertalk.core.written_text import Flavour, RenderedText, WrittenTextError, check_written, render_written
from papertalk.services.library.summary_rights import (
    SummaryNotFound,
    comment_shown_to,
    discussable,
    readable,
    signed_in,
)
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import NotAllowed
from papertalk.storage.engine import Engine
from papertalk.storage.library import comment_rows, notification_rows, summary_rows, vote_rows

COMMENT_MAX_CHARS = 20_000
VOTES = {"up": 1, "down": -1, "none": 0}
HOUR = 3600


def vote(engine: Engine, actor: User | None, summary_id: int, choice: str, now: int) -> int:
    """Vote up, down or take one's vote back ("none"); returns the summary's score."""
    if choice not in VOTES:
        raise FormProblem("vote: choose up, down or none")
    with engine.begin() as conn:
        summary = readable(actor, summary_rows.summary_by_id(conn, summary_id), summary_id)
        user = discussable(actor, summary, "vote")
        if user.id == summary.user_id:
            raise NotAllowed("vote: not on your own summary")
        return vote_rows.set_vote(conn, summary_id, user.id, VOTES[choice], now)


def render_comment(source: str) -> tuple[str, RenderedText]:
    """The comment as stored and its HTML, or FormProblem (empty, too long, a NUL)."""
    try:
        text = check_written(source, field="comment", max_chars=COMMENT_MAX_CHARS)
    except WrittenTextError as error:
        raise FormProblem(str(error)) from None
    if not text.strip():
        raise FormProblem("comment: write something first")
    return text, render_written(text, Flavour.COMMENT)


def add_comment(engine: Engine, library: LibrarySettings, actor: User | None, summary_id: int, source: str,
                parent_id: int | None, now: int) -> Comment:  # fmt: skip
    """A comment under the summary (or a reply to one of its top-level comments); the summary's author
    and the author of the comment replied to are notified (never of their own words)."""
    user = signed_in(actor, "comment")
    text, rendered = render_comment(source)
    with engine.begin() as conn:
        summary = readable(user, summary_rows.summary_by_id(conn, summary_id), summary_id)
        discussable(user, summary, "comment")
        parent = None
        if parent_id is not None:
            parent = comment_rows.comment_by_id(conn, parent_id)
            if parent is None or parent.summary_id != summary_id or not comment_shown_to(user, parent):
                raise FormProblem("parent: no comment of this number under this summary")
            if parent.parent_id is not None:  # one level of replies: a reply to a reply joins its thread
                parent = comment_rows.comment_by_id(conn, parent.parent_id) or parent
        young = now - user.created_at < library.new_account_days * 86_400
        if young and comment_rows.comments_since(conn, user.id, now - HOUR) >= library.new_account_comments_per_hour:
            raise FormProblem(
                f"comment: new accounts may post {library.new_account_comments_per_hour} comments an hour; "
                "try again later"
            )
        new_id = comment_rows.insert_comment(conn, summary_id, user.id, parent.id if parent else None,
                                             text, rendered.html, rendered.version, now)  # fmt: skip
        for someone in {summary.user_id, *([parent.user_id] if parent else [])} - {user.id}:
            notification_rows.notify(conn, someone, new_id, now)
        made = comment_rows.comment_by_id(conn, new_id)
    assert made is not None
    return made


def _own_comment(engine: Engine, actor: User | None, comment_id: int, action: str) -> tuple[User, Comment]:
    user = signed_in(actor, action)
    with engine.connect() as conn:
        comment = comment_rows.comment_by_id(conn, comment_id)
    if comment is None or not comment_shown_to(user, comment):
        raise SummaryNotFound(f"comment: no comment {comment_id} that you may see")
    if comment.user_id != user.id:
        raise NotAllowed(f"{action}: only its author may do this")
    return user, comment


def edit_comment(engine: Engine, actor: User | None, comment_id: int, source: str, now: int) -> Comment:
    _own_comment(engine, actor, comment_id, "edit a comment")
    text, rendered = render_comment(source)
    with engine.begin() as conn:
        comment_rows.update_comment(conn, comment_id, text, rendered.html, rendered.version, now)
        made = comment_rows.comment_by_id(conn, comment_id)
    assert made is not None
    return made


def delete_comment(engine: Engine, actor: User | None, comment_id: int, now: int) -> Comment:
    """Mark one's comment deleted (its replies keep their place under it)."""
    _, comment = _own_comment(engine, actor, comment_id, "delete a comment")
    with engine.begin() as conn:
        comment_rows.mark(conn, comment, "deleted_at", now)
    return comment


def comments_shown(engine: Engine, viewer: User | None, summary: Summary) -> list[tuple[Comment, list[Comment]]]:
    """The summary's discussion as the viewer may see it: top-level comments, each with its replies; a
    deleted or hidden comment that has replies stays as a placeholder (its text is not shown)."""
    with engine.connect() as conn:
        every = comment_rows.comments_of(conn, summary.id)
    replies: dict[int, list[Comment]] = {}
    for c in every:
        if c.parent_id is not None and comment_shown_to(viewer, c):
            replies.setdefault(c.parent_id, []).append(c)
    return [(c, replies.get(c.id, [])) for c in every
            if c.parent_id is None and (comment_shown_to(viewer, c) or replies.get(c.id))]  # fmt: skip


def notifications_of(engine: Engine, actor: User | None, limit: int = 50) -> list[Notification]:
    user = signed_in(actor, "see notifications")
    with engine.connect() as conn:
        return notification_rows.notifications_of(conn, user.id, limit)


def unread(engine: Engine, viewer: User | None) -> int:
    if viewer is None:
        return 0
    with engine.connect() as conn:
        return notification_rows.unread_count(conn, viewer.id)


def mark_read(engine: Engine, actor: User | None, now: int) -> int:
    user = signed_in(actor, "mark notifications read")
    with engine.begin() as conn:
        return notification_rows.mark_read(conn, user.id, now)


def vote_of(engine: Engine, viewer: User | None, summary: Summary) -> int:
    """The viewer's vote on the summary: +1, -1 or 0."""
    if viewer is None:
        return 0
    with engine.connect() as conn:
        return vote_rows.vote_of(conn, summary.id, viewer.id)


def find_comment(engine: Engine, viewer: User | None, comment_id: int) -> Comment:
    """A comment the viewer may see, under a summary they may see (SummaryNotFound otherwise)."""
    with engine.connect() as conn:
        comment = comment_rows.comment_by_id(conn, comment_id)
        if comment is None or not comment_shown_to(viewer, comment):
            raise SummaryNotFound(f"comment: no comment {comment_id} that you may see")
        readable(viewer, summary_rows.summary_by_id(conn, comment.summary_id), comment.summary_id)
    return comment
