"""Small presentation helpers the templates use: times, page links, chart geometry, author folding."""

from __future__ import annotations

import time
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from papertalk.services.pages.page_views import DayChart

DAY = 86_400


def iso(at: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))


def utc(at: int, zone: ZoneInfo | None = None) -> str:
    """Date and time, in the reader's timezone when they chose one (signed in), else in UTC."""
    if zone is None or zone.key == "UTC":
        return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(at))
    return datetime.fromtimestamp(at, zone).strftime("%Y-%m-%d %H:%M %Z")


def day(at: int, zone: ZoneInfo | None = None) -> str:
    if zone is None or zone.key == "UTC":
        return time.strftime("%d %b %Y", time.gmtime(at)).lstrip("0")
    return datetime.fromtimestamp(at, zone).strftime("%d %b %Y").lstrip("0")


@pass_context
def utc_in_zone(context: Context, at: int) -> str:
    """The ``utc`` filter: in the timezone the page's ``zone`` names (the signed-in reader's)."""
    return utc(at, context.get("zone"))


@pass_context
def day_in_zone(context: Context, at: int) -> str:
    return day(at, context.get("zone"))


@pass_context
def time_tag_in_zone(context: Context, at: int, now: int, relative: bool = True) -> Markup:
    return time_tag(at, now, relative, context.get("zone"))


@lru_cache(maxsize=4096)
def _day_number(number: int) -> str:
    """``day`` of a UTC day number: a page's charts share their days, so each is formatted once."""
    return day(number * DAY)


def ago(at: int, now: int) -> str:
    seconds = max(0, now - at)
    for unit, size in (("d", DAY), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return "just now"


def time_tag(at: int, now: int, relative: bool = True, zone: ZoneInfo | None = None) -> Markup:
    """A <time> the local script rewrites into the browser's timezone; without script, "ago" or the date in
    the reader's chosen timezone (UTC for everyone else)."""
    shown = ago(at, now) if relative else utc(at, zone)
    kind = "rel" if relative else "abs"
    return Markup(
        f'<time datetime="{iso(at)}" title="{utc(at, zone)}" data-now="{iso(now)}" data-style="{kind}">'
        f"{escape(shown)}</time>"
    )


def page_numbers(current: int, pages: int, edge: int = 2, around: int = 2) -> list[int | None]:
    """Seed-style page links: the first and last ``edge`` pages and ``around`` pages either side of the
    current one; None marks a gap ("…")."""
    wanted = set(range(1, min(edge, pages) + 1)) | set(range(max(1, pages - edge + 1), pages + 1))
    wanted |= set(range(max(1, current - around), min(pages, current + around) + 1))
    out: list[int | None] = []
    previous = 0
    for n in sorted(wanted):
        if n > previous + 1:
            out.append(None)
        out.append(n)
        previous = n
    return out


class Bar(NamedTuple):
    x: float
    y: float
    width: float
    height: float
    label: str


CHART_WIDTH = 240
CHART_HEIGHT = 40


@lru_cache(maxsize=64)
def _slots(n: int, width: int) -> tuple[tuple[float, ...], float]:
    """Where each of ``n`` bars starts, and their width: the same for every chart of ``n`` days."""
    slot = width / n
    return tuple(round(i * slot + 0.5, 2) for i in range(n)), round(max(1.0, slot - 1), 2)


def chart_bars(chart: DayChart, width: int = CHART_WIDTH, height: int = CHART_HEIGHT) -> list[Bar]:
    """One bar per day, scaled to the busiest day; each carries its hover label."""
    xs, bar_width = _slots(len(chart.counts) or 1, width)
    peak = chart.peak or 1
    bars = []
    for i, count in enumerate(chart.counts):
        h = 0.0 if count == 0 else max(1.5, (height - 2) * count / peak)
        label = f"{_day_number(chart.first_day + i)}: {count} post{'s' if count != 1 else ''}"
        bars.append(Bar(xs[i], round(height - h, 2), bar_width, round(h, 2), label))
    return bars


def chart_svg(chart: DayChart, label: str, width: int = CHART_WIDTH, height: int = CHART_HEIGHT) -> Markup:
    """The inline SVG bar chart of a day chart: written here rather than as a template loop because a
    trending page draws twenty of them, and the loop's per-attribute escaping was a large share of the
    page's render time. Presentation attributes only (the Content-Security-Policy forbids inline style)."""
    text = escape(label)
    bars = "".join(
        f'<g><title>{escape(b.label)}</title><rect x="{b.x}" y="{b.y}" width="{b.width}" height="{b.height}"/>'
        f'<rect class="hit" x="{b.x}" y="0" width="{b.width}" height="{height}"/></g>'
        for b in chart_bars(chart, width, height)
    )
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{text}">\n<title>{text}</title>\n'
        f'<line class="axis" x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}"/>\n{bars}</svg>\n'
    )


def fold_authors(authors: tuple[str, ...], shown: int = 6) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The first authors to show and the rest to fold (never folds just one or two names)."""
    if len(authors) <= shown + 2:
        return authors, ()
    return authors[:shown], authors[shown:]


def with_params(path: str, current: dict[str, str], **changes: object) -> str:
    """``path`` with the current query parameters, some changed (None or "" removes one; page 1 too)."""
    from urllib.parse import urlencode

    merged: dict[str, str] = dict(current)
    for key, value in changes.items():
        if value is None or value == "" or value is False or (key == "page" and value == 1):
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return path + (f"?{urlencode(merged)}" if merged else "")
