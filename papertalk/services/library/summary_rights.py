"""Who may read and change a summary, note or comment. Every library write names its actor and these
checks run here, in the service, never in a template.

A private note or private summary is its author's alone: no admin, no other page, feed, search, export or
count shows it. A hidden summary or comment is seen only by its author and the admins.
"""

from __future__ import annotations

from papertalk.core.people_records import User
from papertalk.core.summary_records import Comment, Summary
from papertalk.services.people.permissions import NotAllowed, is_admin


class SummaryNotFound(LookupError):
    """No summary, note or comment of this number that the reader may see (the same answer either way,
    so a private one's existence is not told)."""


def signed_in(actor: User | None, action: str) -> User:
    if actor is None or actor.disabled:
        raise NotAllowed(f"{action}: sign in first")
    return actor


def may_read(viewer: User | None, summary: Summary) -> bool:
    mine = viewer is not None and viewer.id == summary.user_id
    if mine:
        return True
    if summary.kind != "summary" or summary.visibility == "private":
        return False
    return summary.hidden_at is None or (viewer is not None and is_admin(viewer))


def readable(viewer: User | None, summary: Summary | None, number: int) -> Summary:
    if summary is None or not may_read(viewer, summary):
        raise SummaryNotFound(f"summary: no summary {number} that you may see")
    return summary


def require_author(actor: User | None, summary: Summary, action: str) -> User:
    user = signed_in(actor, action)
    if user.id != summary.user_id:
        raise NotAllowed(f"{action}: only its author may do this")
    return user


def discussable(actor: User | None, summary: Summary, action: str) -> User:
    """A summary others may vote on and discuss: public or unlisted, not hidden."""
    user = signed_in(actor, action)
    if summary.kind != "summary" or summary.visibility == "private" or summary.hidden_at is not None:
        raise NotAllowed(f"{action}: this summary is not open for discussion")
    return user


def comment_shown_to(viewer: User | None, comment: Comment) -> bool:
    if comment.deleted_at is not None:
        return False
    return comment.hidden_at is None or (viewer is not None and (viewer.id == comment.user_id or is_admin(viewer)))
