"""A digest as JSON-ready values (the page's JSON twin, the CLI's --json) and as Markdown (the CLI's
--markdown, with TeX left as written: a Markdown reader renders it or shows its source)."""

from __future__ import annotations

from typing import Any

from papertalk.core.curated_records import CuratedDigest
from papertalk.services.digests.digest_view import Digest
from papertalk.services.digests.followed_news import NewsLink


def digest_data(found: Digest, base_url: str) -> dict[str, Any]:
    base = base_url.rstrip("/")
    stream = found.stream
    return {
        "period": {"name": found.period.name, "kind": found.period.kind, "first_day": found.period.first.isoformat(),
                   "last_day": found.period.last.isoformat(), "start": found.start, "end": found.end},
        "stream": {"label": stream.label, "network": stream.network, "timezone": stream.timezone,
                   "categories": list(stream.categories), "own": stream.owner_id is not None},
        "state": found.state,
        "previous": f"{base}/digest/{found.period.previous().name}",
        "next": f"{base}/digest/{found.period.next().name}",
        "items": [
            {
                "rank": i.rank,
                "arxiv_id": i.arxiv_id,
                "title": i.paper.title if i.paper else None,
                "authors": list(i.paper.authors) if i.paper else [],
                "abstract": i.paper.abstract if i.paper else None,
                "categories": list(i.paper.categories) if i.paper else [],
                "score": round(i.score, 6),
                "people": i.people,
                "posts": i.posts,
                "url": f"{base}/abs/{i.arxiv_id}",
                "commentaries": [
                    {"platform": p.platform, "author": p.author, "text": p.text, "url": p.url,
                     "created_at": p.created_at}
                    for p in i.commentaries
                ],
            }
            for i in found.items
        ],
        "curated": [curated_data(c, base) for c in found.curated],
        "news": news_data(found, base),
        "calendar": [{"day": c.day.isoformat(), "state": c.state} for c in found.calendar],
    }  # fmt: skip


def curated_data(c: CuratedDigest, base: str) -> dict[str, Any]:
    """One curated digest as the JSON twins and the API give it (the intro as its source and its HTML)."""
    return {
        "id": c.id, "stream": c.stream, "kind": c.key.kind, "day": c.day, "title": c.title, "by": c.byline,
        "owner": c.owner_name, "version": c.version, "published_at": c.published_at,
        "intro": c.intro_source, "intro_html": c.intro_html,
        "papers": [{"arxiv_id": p.item.arxiv_id, "title": p.item.title, "comment": p.item.verdict_source,
                    "authors": list(p.paper.authors) if p.paper else [], "url": f"{base}/abs/{p.item.arxiv_id}"}
                   for p in c.picks],
        "links": [{"title": i.title, "author": i.author, "url": i.url} for i in c.links],
    }  # fmt: skip


def news_data(found: Digest, base: str) -> dict[str, list[dict[str, Any]]]:
    """The person's own digest's new list items and summaries (empty lists for any other stream)."""

    def links(found_links: tuple[NewsLink, ...]) -> list[dict[str, Any]]:
        return [{"title": n.title, "url": base + n.url, "byline": n.byline, "arxiv_id": n.arxiv_id}
                for n in found_links]  # fmt: skip

    return {"list_items": links(found.news.list_items), "summaries": links(found.news.summaries)}


def digest_markdown(found: Digest, base_url: str) -> str:
    base = base_url.rstrip("/")
    lines = [f"# papertalk digest {found.period.name} ({found.stream.label}, {found.stream.timezone})", ""]
    for c in found.curated:
        lines += [f"## {_one_line(c.title)} (curated by {c.byline})", ""]
        lines += [c.intro_source, ""] if c.intro_source else []
        lines += [f"- [{_one_line(p.item.title)}]({base}/abs/{p.item.arxiv_id})" + (f": {p.item.verdict_source}"
                  if p.item.verdict_source else "") for p in c.picks]  # fmt: skip
        lines += [f"- [{_one_line(i.title)}]({i.url})" + (f" by {i.author}" if i.author else "") for i in c.links]
        lines += ["", "## The most discussed papers", ""]
    if not found.items:
        lines.append("No papers were discussed in this period.")
    for item in found.items:
        title = (item.paper.title if item.paper else None) or f"arXiv:{item.arxiv_id}"
        lines += [f"## {item.rank}. [{_one_line(title)}]({base}/abs/{item.arxiv_id})", ""]
        if item.paper and item.paper.authors:
            lines += [", ".join(item.paper.authors), ""]
        if item.paper and item.paper.abstract:
            lines += [_one_line(item.paper.abstract), ""]
        lines += [f"{item.posts} posts, {item.people} people · arXiv:{item.arxiv_id}", ""]
        lines += [f"> {p.author} on {p.platform}: {_one_line(p.text)}" for p in item.commentaries]
        if item.commentaries:
            lines.append("")
    for _, title, found_links in found.news.sections():
        lines += [f"## {title}", ""] + [f"- [{_one_line(n.title)}]({base}{n.url}) {n.byline}" for n in found_links]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
