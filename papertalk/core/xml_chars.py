"""Text XML 1.0 can carry: one function for every XML output (Atom feeds, the coming email), since a single
forbidden character (``\\x01``, ``\\x0b``, U+FFFE, a lone surrogate) makes a whole document unreadable."""

from __future__ import annotations

import re

# XML 1.0 section 2.2, Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_legal(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (every other character is kept as is)."""
    return _NOT_XML.sub("", text)
