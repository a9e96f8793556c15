"""A captured post as HTML (a <blockquote> with its author, platform, kind and time), rendered from the
stored text. Written as one function rather than a template macro: the pages show 20 to 100 posts, and
the macro's per-value escaping and call overhead were a large share of their render time."""

from __future__ import annotations

from markupsafe import Markup, escape

from papertalk.core.shown_text import link_target, without_bidi_controls
from papertalk.services.pages.page_views import PostView
from papertalk.web.formatting import time_tag


def post_html(post: PostView, now: int) -> Markup:
    kind = escape(post.kind)
    text = f"<p>{escape(post.text)}</p>" if post.text else f'<p class="muted">(no text: a bare {kind})</p>'
    shown_kind = f' <span class="kind">{kind}</span>' if post.kind != "post" else ""
    when = time_tag(post.created_at, now)
    target = link_target(post.url)
    if target:
        when = Markup(f'<a href="{escape(target)}" rel="nofollow noopener">{when}</a>')
    elif post.url:  # not an http(s) URL: shown, never followed
        when = Markup(f'{when} <span class="unlinked-url">{escape(without_bidi_controls(post.url[:300]))}</span>')
    # <bdi>: a right-to-left name keeps its direction to itself instead of reordering the line after it.
    return Markup(
        f'<blockquote class="post post-{kind}">\n{text}\n<footer>\n'
        f'<bdi class="who">{escape(post.author)}</bdi>\n'
        f'<span class="platform">{escape(post.platform)}</span>{shown_kind}\n· {when}\n</footer>\n</blockquote>\n'
    )
