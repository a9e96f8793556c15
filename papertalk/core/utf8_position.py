"""Where the first invalid UTF-8 byte of a text is, as the line and column a person looks for.

orjson checks a whole text's UTF-8 before it parses, so its error always says "line 1 column 1" (and
often a wrong reason, "surrogates not allowed", for any bad byte). Readers that reject such a line ask
here for the real place: the column counts characters, as an editor does, from 1.

Pure: bytes in, a sentence out.
"""

from __future__ import annotations


def invalid_utf8(text: bytes) -> str | None:
    """``invalid UTF-8 at column C (byte 0xNN: reason)`` for the first bad byte (``at line L, column C``
    when the text holds several lines), or None if there is none."""
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = text[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8")) + 1
        where = f"line {line}, column {column}" if b"\n" in text.rstrip(b"\r\n") else f"column {column}"
        return f"invalid UTF-8 at {where} (byte 0x{text[exc.start]:02x}: {exc.reason})"
    return None
