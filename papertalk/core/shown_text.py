"""Captured text made safe to show, decided once for pages, feeds and mail: which URLs become links, and
names and texts without the bidirectional controls that would reverse the text around them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

LINK_SCHEMES = ("http", "https")
# Any control character or whitespace disqualifies a URL: browsers drop tabs and newlines inside a scheme
# ("java\tscript:" runs as javascript:) and trim leading spaces, so a URL is a link only exactly as given.
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\s]")
# Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): a name holding U+202E reverses
# everything after it on the line. The marks (U+200E, U+200F) only nudge neutral characters and stay.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def link_target(url: str | None) -> str | None:
    """``url`` itself when it may go in an ``href``: an absolute http(s) URL with a host and no control
    character or whitespace; otherwise None, and the caller shows it as text. An allow-list, so
    ``javascript:``, ``data:``, ``vbscript:``, scheme-relative ``//host`` and every spelling trick fail."""
    if not url or len(url) > 4096 or _UNSAFE_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc or not url[len(parts.scheme) :].startswith("://"):
        return None
    return url


def without_bidi_controls(text: str) -> str:
    """``text`` without the bidirectional embedding, override and isolate characters."""
    return _BIDI_CONTROLS.sub("", text)
