"""A person's settings and the rules their fields follow: an IANA timezone, arXiv categories of interest
(the trending page's default filter), a preferred language (for the digests' translated abstracts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CATEGORY = re.compile(r"^[a-z][a-z-]{0,19}(\.[A-Za-z-]{1,20})?$")  # cs.LG, math.ST, hep-th, astro-ph.GA
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$")  # BCP 47, simply: en, pt-BR, zh-Hant
MAX_CATEGORIES = 20


@dataclass(frozen=True, slots=True)
class PersonSettings:
    timezone: str = "UTC"
    categories: tuple[str, ...] = ()
    language: str = "en"

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def timezone_problem(name: str) -> str | None:
    try:
        if name and len(name) <= 64 and "\x00" not in name:
            ZoneInfo(name)
            return None
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: not a key at all, e.g. "../etc"
        pass
    return f"timezone: {name[:64]!r} is not a timezone name such as Europe/Paris or America/New_York"


def parse_categories(text: str) -> tuple[tuple[str, ...], str | None]:
    """The categories of a space- or comma-separated field, and the first problem with it."""
    found = tuple(dict.fromkeys(part for part in re.split(r"[\s,]+", text.strip()) if part))
    for part in found:
        if not CATEGORY.match(part):
            return (), f"categories: {part[:40]!r} is not an arXiv category such as cs.LG or hep-th"
    if len(found) > MAX_CATEGORIES:
        return (), f"categories: at most {MAX_CATEGORIES}, got {len(found)}"
    return found, None


def language_problem(tag: str) -> str | None:
    if not LANGUAGE.match(tag):
        return f"language: {tag[:40]!r} is not a language tag such as en, fr or pt-BR"
    return None
