"""A captured post as HTML (a <blockquote> with its author, platform, kind and time), rendered from the
stored text. Written as one function rather than a template macro: the pages show 20 to 100 posts, and
the macro's per-value escaping and call overhead were a large share of their render time."""

from __future__ import annotations

from markupsafe import Markup, escape

from papertalk.services.pages.page_views import PostView
from papertalk.web.formatting import time_tag


def post_html(post: PostView, now: int) -> Markup:
    kind = escape(post.kind)
    text = f"<p>{escape(post.text)}</p>" if post.text else f'<p class="muted">(no text: a bare {kind})</p>'
    shown_kind = f' <span class="kind">{kind}</span>' if post.kind != "post" else ""
    when = time_tag(post.created_at, now)
    if post.url:
        when = Markup(f'<a href="{escape(post.url)}" rel="nofollow noopener">{when}</a>')
    return Markup(
        f'<blockquote class="post post-{kind}">\n{text}\n<footer>\n'
        f'<span class="who">{escape(post.author)}</span>\n'
        f'<span class="platform">{escape(post.platform)}</span>{shown_kind}\n· {when}\n</footer>\n</blockquote>\n'
    )
