"""A person's digest as an email: multipart/alternative with a plain-text part (TeX formulas as written,
so math stays readable) and an HTML part (inline CSS only, MathML for the math, every link absolute, no
image, stylesheet or other remote resource), a Message-ID derived from the person and the period (the
same whoever builds it, however often), and RFC 8058 one-click unsubscribe headers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from html import escape
from urllib.parse import urlsplit

from papertalk.core.curated_records import CuratedDigest
from papertalk.core.math_html import math_html
from papertalk.core.shown_text import link_target
from papertalk.services.digests.digest_view import Digest, DigestItem

# Header lines up to RFC 5322's 998 characters: the default 78 would fold the long unsubscribe URL into
# RFC 2047 encoded words, which one-click clients do not decode (seen in the test).
HEADERS_UNFOLDED = SMTP.clone(max_line_length=998)
TEXT_WIDTH_CHARS = 2000  # an abstract longer than this is cut in both parts (with a link to the rest)
BODY_STYLE = "font-family:Georgia,serif;color:#1a1a1a;background:#ffffff;max-width:680px;margin:0 auto;padding:12px"
TITLE_STYLE = "font-size:17px;font-weight:bold;color:#0b3d91;text-decoration:none"
SMALL_STYLE = "font-size:13px;color:#555555"
QUOTE_STYLE = "margin:6px 0 6px 0;padding-left:10px;border-left:3px solid #cccccc;font-size:14px;color:#333333"


@dataclass(frozen=True, slots=True)
class Addressing:
    """Who and where: the addresses, the site's absolute base URL and the person's unsubscribe link."""

    sender: str
    name: str
    email: str
    base_url: str
    unsubscribe_url: str
    settings_url: str


def message_id(user_id: int, period: str, base_url: str) -> str:
    """``<digest.PERIOD.USER.HASH@HOST>``: one per person and period, so a message sent again after a
    crash carries the same id (mail clients show one)."""
    host = urlsplit(base_url).hostname or "localhost"
    check = hashlib.sha256(f"papertalk-digest:{user_id}:{period}".encode()).hexdigest()[:12]
    return f"<digest.{period}.{user_id}.{check}@{host}>"


def digest_message(found: Digest, to: Addressing, now: int) -> EmailMessage:
    period = found.period.name
    message = EmailMessage(policy=HEADERS_UNFOLDED)
    count = len(found.items)
    what = "day" if found.period.kind == "day" else found.period.kind
    message["Subject"] = f"papertalk digest {period}: {count} paper{'s' if count != 1 else ''} of your network's {what}"
    message["From"] = to.sender
    message["To"] = formataddr((to.name, to.email))
    message["Date"] = format_datetime(datetime.fromtimestamp(now, UTC))
    message["Message-ID"] = message_id(found.stream.owner_id or 0, period, to.base_url)
    message["List-Id"] = f"papertalk digest <digest.{urlsplit(to.base_url).hostname or 'localhost'}>"
    message["List-Unsubscribe"] = f"<{to.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(plain_text(found, to), cte="quoted-printable")
    message.add_alternative(html_text(found, to), subtype="html", cte="quoted-printable")
    return message


def _paper_url(base: str, item: DigestItem) -> str:
    return f"{base}/abs/{item.arxiv_id}"


def _cut(text: str) -> str:
    return text if len(text) <= TEXT_WIDTH_CHARS else text[:TEXT_WIDTH_CHARS].rsplit(" ", 1)[0] + " …"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def plain_text(found: Digest, to: Addressing) -> str:
    base = to.base_url.rstrip("/")
    page = f"{base}/digest/{found.period.name}"
    lines = [f"papertalk digest {found.period.name} · {found.stream.label} · {found.stream.timezone}", page, ""]
    for c in found.curated:
        lines += [f"{_one_line(c.title)} (curated by {c.byline})", ""]
        lines += [c.intro_source.strip(), ""] if c.intro_source.strip() else []
        for pick in c.picks:
            lines.append(f"* {_one_line(pick.item.title)}\n  {base}/abs/{pick.item.arxiv_id}")
            lines += [f"  {pick.item.verdict_source}"] if pick.item.verdict_source else []
        lines += [f"* {_one_line(i.title)}" + (f" by {i.author}" if i.author else "") + f"\n  {i.url}" for i in c.links]
        lines += ["", "The most discussed papers", ""]
    if not found.items:
        lines += ["No papers were discussed in your network in this period.", ""]
    for item in found.items:
        paper = item.paper
        title = _one_line(paper.title) if paper and paper.title else f"arXiv:{item.arxiv_id}"
        lines += [f"{item.rank}. {title}", f"   {_paper_url(base, item)}"]
        if paper and paper.authors:
            lines.append("   " + ", ".join(paper.authors))
        lines.append(f"   {item.posts} posts, {item.people} people · arXiv:{item.arxiv_id}")
        if paper and paper.abstract:
            lines += ["", "   " + _cut(_one_line(paper.abstract))]
        for post in item.commentaries:
            lines.append(f"   > {post.author} on {post.platform}: {_cut(_one_line(post.text))}")
        lines.append("")
    for _, heading, links in found.news.sections():
        lines += [heading, ""] + [f"- {_one_line(n.title)} ({n.byline})\n  {base}{n.url}" for n in links] + [""]
    lines += ["--", "Formulas are written in TeX ($...$); the HTML part and the page show them typeset.",
              f"Your digest settings: {to.settings_url}", f"Unsubscribe: {to.unsubscribe_url}"]  # fmt: skip
    return "\n".join(lines) + "\n"


def html_text(found: Digest, to: Addressing) -> str:
    base = to.base_url.rstrip("/")
    page = escape(f"{base}/digest/{found.period.name}")
    parts = [
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>papertalk digest</title></head>',
        f'<body style="{BODY_STYLE}">',
        f'<h1 style="font-size:20px;margin:0 0 4px 0"><a href="{page}" style="color:#1a1a1a;text-decoration:none">'
        f"papertalk digest {escape(found.period.name)}</a></h1>",
        f'<p style="{SMALL_STYLE}">{escape(found.stream.label)} · {escape(found.stream.timezone)}</p>',
    ]
    parts += [_html_curated(base, c) for c in found.curated]
    if not found.items:
        parts.append("<p>No papers were discussed in your network in this period.</p>")
    for item in found.items:
        parts.append(_html_item(base, item))
    for _, heading, links in found.news.sections():
        parts.append(f'<h2 style="font-size:17px;margin:22px 0 6px 0">{escape(heading)}</h2><ul>')
        parts += [f'<li style="margin:4px 0"><a href="{escape(base + n.url)}" style="color:#0b3d91">'
                  f'{math_html(_one_line(n.title))}</a> <span style="{SMALL_STYLE}">{escape(n.byline)}</span></li>'
                  for n in links]  # fmt: skip
        parts.append("</ul>")
    parts.append(
        f'<hr style="border:0;border-top:1px solid #dddddd"><p style="{SMALL_STYLE}">'
        f'<a href="{escape(to.settings_url)}" style="color:#555555">Your digest settings</a> · '
        f'<a href="{escape(to.unsubscribe_url)}" style="color:#555555">Unsubscribe</a></p></body></html>'
    )
    return "".join(parts)


def _html_item(base: str, item: DigestItem) -> str:
    paper = item.paper
    title = math_html(_one_line(paper.title)) if paper and paper.title else escape(f"arXiv:{item.arxiv_id}")
    url = escape(_paper_url(base, item))
    bits = [
        '<div style="margin:18px 0">',
        f'<p style="margin:0"><span style="{SMALL_STYLE}">{item.rank}.</span> '
        f'<a href="{url}" style="{TITLE_STYLE}">{title}</a></p>',
    ]
    if paper and paper.authors:
        bits.append(f'<p style="margin:2px 0;{SMALL_STYLE}">{escape(", ".join(paper.authors))}</p>')
    bits.append(f'<p style="margin:2px 0;{SMALL_STYLE}">{item.posts} posts · {item.people} people · '
                f"arXiv:{escape(item.arxiv_id)}</p>")  # fmt: skip
    if paper and paper.abstract:
        abstract = math_html(_cut(_one_line(paper.abstract)))
        bits.append(f'<p style="margin:6px 0;font-size:15px;line-height:1.45">{abstract}</p>')
    for post in item.commentaries:
        who = escape(f"{post.author} on {post.platform}")
        target = link_target(post.url)
        who_html = f'<a href="{escape(target)}" style="color:#555555">{who}</a>' if target else who
        bits.append(f'<blockquote style="{QUOTE_STYLE}">{escape(_cut(_one_line(post.text)))}'
                    f'<br><span style="{SMALL_STYLE}">— {who_html}</span></blockquote>')  # fmt: skip
    bits.append("</div>")
    return "".join(bits)


def _html_curated(base: str, c: CuratedDigest) -> str:
    """A curated digest above the computed part: the intro (sanitized when it was written), picks and links."""
    bits = [f'<div style="margin:14px 0;padding:10px 12px;border:1px solid #dddddd;border-radius:6px">'
            f'<h2 style="font-size:18px;margin:0 0 2px 0">{math_html(_one_line(c.title))}</h2>'
            f'<p style="margin:0 0 8px 0;{SMALL_STYLE}">Curated by {escape(c.byline)}</p>',
            f'<div style="font-size:15px;line-height:1.45">{c.intro_html}</div>']  # fmt: skip
    for pick in c.picks:
        url = escape(f"{base}/abs/{pick.item.arxiv_id}")
        comment = f'<br><span style="font-size:14px">{pick.item.verdict_html}</span>' if pick.item.verdict_html else ""
        title = math_html(_one_line(pick.item.title))
        bits.append(f'<p style="margin:6px 0"><a href="{url}" style="{TITLE_STYLE}">{title}</a>{comment}</p>')
    for link in c.links:
        by = f' <span style="{SMALL_STYLE}">by {escape(link.author)}</span>' if link.author else ""
        target = link_target(link.url) or ""
        bits.append(
            f'<p style="margin:6px 0"><a href="{escape(target)}" style="color:#0b3d91">{escape(link.title)}</a>{by}</p>'
        )
    bits.append("</div>")
    return "".join(bits)
