"""A request pace shared by every process on the database: requests to one service start at least
``min_interval`` seconds apart, whichever process sends them (arXiv asks for one every 3 seconds).

Each request reserves the next free start in one atomic ``UPDATE … RETURNING`` of the service's row
(PostgreSQL locks the row for the statement; SQLite runs one writer at a time), then sleeps until that
start outside any transaction. A process told to wait (``Retry-After``, a back-off) pushes the shared
start later, so the others wait too. Times are epoch milliseconds from each process's wall clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine

from papertalk.storage.dialect_sql import for_connection


class SharedPace:
    """The pace of ``service`` for this process: a ``fetching.pacing.Pace`` kept in ``request_pacing``."""

    def __init__(
        self,
        engine: Engine,
        service: str,
        min_interval: float,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.engine, self.service = engine, service
        self.interval_ms = round(min_interval * 1000)
        self._clock, self._sleep = clock, sleep

    def wait_turn(self) -> None:
        """Reserve the next start free for this service, and sleep until it."""
        now_ms = self._now_ms()
        with self.engine.begin() as conn:
            sql = for_connection(conn)
            sql.execute(
                conn,
                "INSERT INTO request_pacing (service, next_start_ms) VALUES (?, ?) ON CONFLICT (service) DO NOTHING",
                (self.service, now_ms),
            )
            [(after_mine,)] = sql.all(
                conn,
                "UPDATE request_pacing SET next_start_ms = "
                "CASE WHEN next_start_ms > ? THEN next_start_ms ELSE ? END + ? WHERE service = ? "
                "RETURNING next_start_ms",
                (now_ms, now_ms, self.interval_ms, self.service),
            )
        delay_ms = int(after_mine) - self.interval_ms - now_ms
        if delay_ms > 0:
            self._sleep(delay_ms / 1000)

    def hold_off(self, seconds: float) -> None:
        """No request to this service, from any process, starts within ``seconds`` from now."""
        until_ms = self._now_ms() + round(seconds * 1000)
        with self.engine.begin() as conn:
            for_connection(conn).execute(
                conn,
                "UPDATE request_pacing SET next_start_ms = CASE WHEN next_start_ms > ? THEN next_start_ms ELSE ? END "
                "WHERE service = ?",
                (until_ms, until_ms, self.service),
            )

    def _now_ms(self) -> int:
        return round(self._clock() * 1000)
