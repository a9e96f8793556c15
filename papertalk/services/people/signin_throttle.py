"""How repeated failed sign-ins are slowed, then refused for a while, per name and per client address.

Within WINDOW_SECONDS the first ``free`` failures cost nothing; after that each attempt must wait twice as
long after the previous failure as the one before (1 s, 2 s, 4 s ...), and from ``lock`` failures on the
name or address is refused until the window has passed. A name nobody has is throttled like any other, so
the answers never tell whether it exists. Counts live in the database (storage.people.throttle_rows).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from papertalk.storage.engine import Connection
from papertalk.storage.people import throttle_rows

WINDOW_SECONDS = 15 * 60
SUBJECT_MAX = 128


@dataclass(frozen=True, slots=True)
class Limit:
    scope: str
    free: int
    lock: int


NAME_LIMIT = Limit("name", free=5, lock=10)
ADDRESS_LIMIT = Limit("address", free=20, lock=100)  # a lab behind one address holds many people


class SignInRefused(Exception):
    """Too many failures lately; ``retry_after`` seconds until the next attempt is taken."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins for this name or from this address: try again in {retry_after} s")
        self.retry_after = retry_after


def subject(value: str) -> str:
    """The stored subject: the value itself, or its digest when it is too long to store."""
    return value if len(value) <= SUBJECT_MAX else hashlib.sha256(value.encode()).hexdigest()


def wait_seconds(limit: Limit, failures: int, last_at: int, now: int) -> int:
    """Seconds until an attempt is taken after ``failures`` failures, the last at ``last_at``."""
    if failures >= limit.lock:
        return max(1, last_at + WINDOW_SECONDS - now)
    if failures < limit.free:
        return 0
    return max(0, last_at + int(2 ** (failures - limit.free)) - now)


def admit(conn: Connection, subjects: dict[Limit, str], now: int) -> int:
    """Count this attempt against every limit and return 0; or the seconds to wait (counting nothing) when
    a limit says wait. The caller commits before refusing, so the count stays."""
    window_start = now - WINDOW_SECONDS
    for limit, value in subjects.items():
        seen = throttle_rows.failures(conn, limit.scope, subject(value), window_start)
        wait = wait_seconds(limit, seen.count, seen.last_at, now)
        if wait:
            return wait
    over = False
    for limit, value in subjects.items():
        # Counted before the password is checked: concurrent attempts each get their own number, so several
        # processes together cannot check more than ``lock`` passwords of one name per window.
        over |= throttle_rows.count_attempt(conn, limit.scope, subject(value), now, window_start) > limit.lock
    return WINDOW_SECONDS if over else 0


def succeeded(conn: Connection, name_subject: str, address_subject: str) -> None:
    """A right password: the name's failures are forgiven; the address's attempt is taken back."""
    throttle_rows.forget(conn, NAME_LIMIT.scope, subject(name_subject))
    throttle_rows.uncount(conn, ADDRESS_LIMIT.scope, subject(address_subject))
