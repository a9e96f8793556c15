"""How deeply a JSON text nests, told without parsing it, and the top-level elements of a JSON array.

msgspec and the standard ``json`` module recurse once per level of arrays and objects and raise
``RecursionError`` near 1,000 levels (orjson stops at 1,024 with a decoding error): one line nested that
deep would abort a whole import. Every reader of third-party JSON asks ``nested_too_deep`` first and
rejects such a line or item with ``TOO_DEEP``. No real post nests more than a few dozen levels.

The usual text costs two ``bytes.count`` calls: a text that opens at most ``MAX_JSON_DEPTH`` brackets
cannot nest deeper. Only a text with more brackets is measured, in C-speed passes (strings dropped, the
brackets kept, their running depth summed by ``itertools.accumulate``).

Pure: bytes in, answers out.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator
from itertools import accumulate, count

MAX_JSON_DEPTH = 256
TOO_DEEP = f"nested too deep (more than {MAX_JSON_DEPTH} levels of arrays and objects)"

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEPS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")  # an opening bracket adds 2, a closing one 0
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},]')


def nested_too_deep(text: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects in ``text`` nest more than ``limit`` levels (brackets inside strings do
    not count). For text that is not JSON, the answer is about its brackets only."""
    if text.count(b"[") + text.count(b"{") <= limit:
        return False
    return json_depth(text) > limit


def json_depth(text: bytes) -> int:
    """The deepest level of nested arrays and objects in ``text`` (0 for a scalar)."""
    steps = _STRING.sub(b"", text).translate(_STEPS, _NOT_BRACKETS)
    # After k brackets the running sum of steps is 2 * opened; the depth is opened - closed = sum - k.
    deepest = max(map(operator.sub, accumulate(steps), count(1)), default=0)
    return max(deepest, 0)  # a stray closing bracket first (not JSON) goes below zero


def array_elements(body: bytes) -> Iterator[bytes]:
    """The top-level elements of the JSON array ``body``, as bytes, without decoding them: for a body
    whose parser gave up (too deep for it), so that each element can be judged on its own. Stops at the
    array's end; an unterminated array yields what it holds up to the end of ``body``."""
    depth = 0
    start = -1
    for token in _TOKENS.finditer(body):
        first = body[token.start()]
        if first == 0x22:  # a string: nothing in it counts
            continue
        if first in b"[{":
            depth += 1
            if depth == 1:
                start = token.end()
        elif first in b"]}":
            depth -= 1
            if depth == 0:
                if body[start : token.start()].strip():
                    yield body[start : token.start()].strip()
                return
        elif depth == 1:  # a comma between two elements
            yield body[start : token.start()].strip()
            start = token.end()
    if start >= 0 and body[start:].strip():
        yield body[start:].strip()
