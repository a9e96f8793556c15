"""Adding, listing, enabling, disabling and removing capture sources; a source's name is ``platform:kind:target``."""

from __future__ import annotations

from collections.abc import Sequence

from papertalk.storage.capture.source_rows import SourceRow, add_source, list_sources, remove_sources, set_enabled
from papertalk.storage.engine import Engine

__all__ = [
    "DEFAULT_INTERVAL_SECONDS",
    "SourceRow",
    "UnknownSource",
    "add",
    "list_sources",
    "remove",
    "set_enabled_by_name",
    "source_name",
]

DEFAULT_INTERVAL_SECONDS = 15 * 60


def source_name(platform: str, kind: str, target: str) -> str:
    return f"{platform}:{kind}:{target}"


def add(
    engine: Engine,
    platform: str,
    kind: str,
    target: str,
    now: int,
    options: dict[str, str] | None = None,
    interval_seconds: int = DEFAULT_INTERVAL_SECONDS,
) -> tuple[SourceRow, bool]:
    """The source (created, due now, if new) and whether it was created."""
    if interval_seconds < 60:
        raise ValueError(f"interval {interval_seconds} s is too short: at least 60 s between runs")
    name = source_name(platform, kind, target)
    return add_source(engine, name, platform, kind, target, options or {}, interval_seconds, now)


class UnknownSource(ValueError):
    """Source names that name no source; nothing was changed."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"no such source: {', '.join(missing)} (see `papertalk sources` for the names)")


def set_enabled_by_name(engine: Engine, names: Sequence[str], enabled: bool) -> None:
    """Enable or disable sources by name: a disabled source is listed but never run until enabled again."""
    missing = set_enabled(engine, names, enabled)
    if missing:
        raise UnknownSource(missing)


def remove(engine: Engine, names: Sequence[str]) -> None:
    """Delete sources by name; the posts they captured stay."""
    missing = remove_sources(engine, names)
    if missing:
        raise UnknownSource(missing)
