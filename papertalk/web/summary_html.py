"""A summary as a card (lists, the paper page): its title, author, time, score and comment count, and,
when ``full``, its HTML as stored (sanitized by core.written_text when it was saved; nothing else here is
written out unescaped). One function rather than a template macro, as post_html: a paper page shows up
to 200 of them, and the macro's per-value overhead was most of its render time."""

from __future__ import annotations

from markupsafe import Markup, escape

from papertalk.core.summary_records import Summary
from papertalk.web.formatting import time_tag


def summary_card(s: Summary, now: int, full: bool = True) -> Markup:
    title = escape(s.title or f"Summary of arXiv:{s.arxiv_id}")
    who = "anonymous" if s.anonymous else f'<a href="/people/{escape(s.author)}">{escape(s.author)}</a>'
    plural = "" if s.comments == 1 else "s"
    extra = ""
    if not full:
        extra += f' · on <a href="/abs/{escape(s.arxiv_id)}">{escape(s.paper_title or "arXiv:" + s.arxiv_id)}</a>'
    if s.visibility != "public":
        extra += f' · <span class="badge">{escape(s.visibility)}</span>'
    if s.hidden_at:
        extra += ' · <span class="badge">hidden</span>'
    body = f'\n  <div class="written">{s.html}</div>' if full else ""
    return Markup(
        f'<article class="summary-card" id="summary-{s.id}">\n  <header>\n'
        f'    <h3><a href="/summaries/{s.id}">{title}</a></h3>\n'
        f'    <p class="muted">by {who} · {time_tag(s.created_at, now)}{" · edited" if s.version > 1 else ""}'
        f' · score <strong class="score">{s.score}</strong> · <a href="/summaries/{s.id}#comments">{s.comments}'
        f" comment{plural}</a>{extra}</p>\n  </header>{body}\n</article>\n"
    )
