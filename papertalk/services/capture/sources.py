"""Adding and listing capture sources; a source's name is ``platform:kind:target``."""

from __future__ import annotations

from papertalk.storage.capture.source_rows import SourceRow, add_source, list_sources
from papertalk.storage.engine import Engine

__all__ = ["DEFAULT_INTERVAL_SECONDS", "SourceRow", "add", "list_sources", "source_name"]

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
