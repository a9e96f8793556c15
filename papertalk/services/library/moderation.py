"""Moderation of summaries and comments: anyone signed in reports one (with a reason); admins see the
open reports and hide or restore what was reported. A hidden summary stops counting as a post."""

from __future__ import annotations

from papertalk.config import Settings
from papertalk.core.people_records import User
from papertalk.core.summary_records import Report
from papertalk.services.library.summaries import sync_attention
from papertalk.services.library.summary_rights import SummaryNotFound, comment_shown_to, readable, signed_in
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import require_admin
from papertalk.storage.engine import Engine
from papertalk.storage.library import comment_rows, report_rows, summary_rows

TARGETS = ("summary", "comment")
REASON_MAX = 500


def report(engine: Engine, actor: User | None, target_kind: str, target_id: int, reason: str, now: int) -> None:
    user = signed_in(actor, "report")
    reason = " ".join(reason.split())
    if not reason or len(reason) > REASON_MAX or "\x00" in reason:
        raise FormProblem(f"reason: say in at most {REASON_MAX} characters what is wrong")
    with engine.begin() as conn:
        if target_kind == "summary":
            summary = readable(user, summary_rows.summary_by_id(conn, target_id), target_id)
            if summary.kind != "summary" or summary.visibility == "private":
                raise SummaryNotFound(f"summary: no summary {target_id} that you may see")
        elif target_kind == "comment":
            comment = comment_rows.comment_by_id(conn, target_id)
            if comment is None or not comment_shown_to(user, comment):
                raise SummaryNotFound(f"comment: no comment {target_id} that you may see")
        else:
            raise FormProblem(f"target: choose one of {', '.join(TARGETS)}")
        report_rows.add_report(conn, user.id, target_kind, target_id, reason, now)


def queue(engine: Engine, actor: User, limit: int = 100) -> list[Report]:
    require_admin(actor, "see reports")
    with engine.connect() as conn:
        return report_rows.open_reports(conn, limit)


def set_hidden(engine: Engine, settings: Settings, actor: User, target_kind: str, target_id: int, hide: bool,
               now: int) -> None:  # fmt: skip
    """Hide (or restore) a summary or comment; its open reports are resolved."""
    require_admin(actor, "hide or restore")
    at = now if hide else None
    with engine.begin() as conn:
        if target_kind == "summary":
            summary = summary_rows.summary_by_id(conn, target_id)
            if summary is None or summary.kind != "summary" or summary.visibility == "private":
                raise FormProblem(f"target: no summary {target_id}")
            summary_rows.set_hidden(conn, target_id, at)
            changed = summary_rows.summary_by_id(conn, target_id)
            assert changed is not None
            sync_attention(conn, settings, changed, now)
        elif target_kind == "comment":
            comment = comment_rows.comment_by_id(conn, target_id)
            if comment is None:
                raise FormProblem(f"target: no comment {target_id}")
            comment_rows.mark(conn, comment, "hidden_at", at)
        else:
            raise FormProblem(f"target: choose one of {', '.join(TARGETS)}")
        report_rows.resolve_reports(conn, target_kind, target_id, now)
