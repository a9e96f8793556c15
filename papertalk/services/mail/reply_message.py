"""A reply notification as an email, the digest's way: multipart/alternative with a plain-text part (the
comment's Markdown as written) and an HTML part (the comment's stored, sanitized HTML, inline CSS only,
every papertalk link absolute, no remote resource), a Message-ID derived from the person and the
notification (the same on every attempt), and RFC 8058 one-click unsubscribe headers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from html import escape
from urllib.parse import urlsplit

from papertalk.core.summary_records import Comment, Summary
from papertalk.services.mail.digest_message import BODY_STYLE, HEADERS_UNFOLDED, QUOTE_STYLE, SMALL_STYLE, Addressing

SUBJECT_TITLE_CHARS = 120


@dataclass(frozen=True, slots=True)
class Reply:
    """What the message says: the comment, the summary it is under, and whether it answers the person's
    own comment (else it is a comment on their summary)."""

    comment: Comment
    summary: Summary
    to_your_comment: bool


def reply_message_id(user_id: int, notification_id: int, base_url: str) -> str:
    """``<reply.NOTIFICATION.USER.HASH@HOST>``: one per person and notification."""
    host = urlsplit(base_url).hostname or "localhost"
    check = hashlib.sha256(f"papertalk-reply:{user_id}:{notification_id}".encode()).hexdigest()[:12]
    return f"<reply.{notification_id}.{user_id}.{check}@{host}>"


def _what(reply: Reply) -> str:
    paper = reply.summary.paper_title or f"arXiv:{reply.summary.arxiv_id}"
    paper = " ".join(paper.split())
    if len(paper) > SUBJECT_TITLE_CHARS:
        paper = paper[: SUBJECT_TITLE_CHARS - 1] + "…"
    where = "your comment" if reply.to_your_comment else "your summary"
    verb = "replied to" if reply.to_your_comment else "commented on"
    return f"{reply.comment.author} {verb} {where} on {paper}"


def reply_message(reply: Reply, to: Addressing, notification_id: int, user_id: int, now: int) -> EmailMessage:
    base = to.base_url.rstrip("/")
    link = f"{base}/comments/{reply.comment.id}"
    message = EmailMessage(policy=HEADERS_UNFOLDED)
    message["Subject"] = _what(reply)
    message["From"] = to.sender
    message["To"] = formataddr((to.name, to.email))
    message["Date"] = format_datetime(datetime.fromtimestamp(now, UTC))
    message["Message-ID"] = reply_message_id(user_id, notification_id, to.base_url)
    message["List-Id"] = f"papertalk replies <replies.{urlsplit(to.base_url).hostname or 'localhost'}>"
    message["List-Unsubscribe"] = f"<{to.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    plain = [
        f"{_what(reply)}:",
        "",
        reply.comment.source.rstrip(),
        "",
        f"Read and answer it: {link}",
        "",
        "--",
        f"You get this because you asked for replies by email: {to.settings_url}",
        f"Stop these emails: {to.unsubscribe_url}",
    ]
    message.set_content("\n".join(plain) + "\n", cte="quoted-printable")
    message.add_alternative(_html(reply, to, link), subtype="html", cte="quoted-printable")
    return message


def _html(reply: Reply, to: Addressing, link: str) -> str:
    # The comment's HTML is what the site shows: made once by the one sanitizing pipeline (no script, no
    # remote image, links rel="nofollow ugc noopener"), so it goes in as it is.
    return "".join([
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>papertalk reply</title></head>',
        f'<body style="{BODY_STYLE}">',
        f'<p style="margin:0 0 8px 0"><a href="{escape(link)}" style="color:#1a1a1a">{escape(_what(reply))}</a></p>',
        f'<blockquote style="{QUOTE_STYLE}">{reply.comment.html}</blockquote>',
        f'<p><a href="{escape(link)}" style="color:#0b3d91">Read and answer it</a></p>',
        f'<hr style="border:0;border-top:1px solid #dddddd"><p style="{SMALL_STYLE}">'
        f'<a href="{escape(to.settings_url)}" style="color:#555555">Your email settings</a> · '
        f'<a href="{escape(to.unsubscribe_url)}" style="color:#555555">Stop these emails</a></p></body></html>',
    ])  # fmt: skip
