"""The pace of requests to one service: a request never starts less than ``min_interval`` seconds after
the previous one started, and a "wait" from the service (``Retry-After``, a back-off) delays the next.

``LocalPace`` keeps the pace within one process, on an injected clock so tests can check the spacing
without sleeping; ``storage.jobs.request_pacing.SharedPace`` keeps it across every process on a database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Pace(Protocol):
    def wait_turn(self) -> None:
        """Sleep until the next request may start, and mark that it starts now."""

    def hold_off(self, seconds: float) -> None:
        """No request starts within ``seconds`` from now."""


class LocalPace:
    """The pace kept in this process's memory."""

    def __init__(self, min_interval: float, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self.min_interval = min_interval
        self._clock, self._sleep = clock, sleep
        self._next_start: float | None = None  # earliest moment (on ``clock``) the next request may start

    def wait_turn(self) -> None:
        if self._next_start is not None:
            delay = self._next_start - self._clock()
            if delay > 0:
                self._sleep(delay)
        self._next_start = self._clock() + self.min_interval

    def hold_off(self, seconds: float) -> None:
        self._next_start = max(self._next_start or 0.0, self._clock() + seconds)
