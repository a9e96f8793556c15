"""Response bodies of recorded HTTP cassettes (VCR YAML) in ../shared/data, without a YAML library:
bodies are single-quoted scalars (``string: '...'``), folded over lines, with ``''`` for a quote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson


def yaml_bodies(path: Path) -> list[str]:
    bodies: list[str] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        _head, sep, rest = lines[i].partition("string: '")
        if not sep:
            i += 1
            continue
        parts = [rest]
        while not _closed(parts[-1]) and i + 1 < len(lines):
            i += 1
            parts.append(lines[i].strip())
        folded = ""
        for n, part in enumerate(parts):
            folded += (
                part
                if n == 0
                else ("\n" if part == "" else (" " if folded and not folded.endswith("\n") else "") + part)
            )
        bodies.append(folded[: folded.rstrip().rfind("'")].replace("''", "'"))
        i += 1
    return bodies


def _closed(text: str) -> bool:
    stripped = text.rstrip()
    if not stripped.endswith("'"):
        return False
    run = len(stripped) - len(stripped.rstrip("'"))
    return run % 2 == 1


def json_bodies(path: Path) -> list[Any]:
    """The bodies that are JSON, parsed."""
    found = []
    for body in yaml_bodies(path):
        try:
            found.append(orjson.loads(body))
        except orjson.JSONDecodeError:
            continue
    return found
