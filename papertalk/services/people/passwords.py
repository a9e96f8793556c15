"""Password hashes: argon2id with the parameters chosen for this machine, checked and renewed.

One verify costs ~140 ms of CPU on the 2-core reference machine with these parameters (RFC 9106's second
recommendation, 3 passes over 64 MiB, with one lane so a sign-in takes one core and its wall time is its CPU
time); bench/signin.py measures it and docs/performance.md has the figure. A stored hash made with other
parameters is replaced at the next successful sign-in.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from papertalk.core.people_rules import normalize_password

TIME_COST = 3
MEMORY_KIB = 64 * 1024
PARALLELISM = 1


@cache
def hasher(time_cost: int = TIME_COST, memory_kib: int = MEMORY_KIB, parallelism: int = PARALLELISM) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID)


def hash_password(password: str, using: PasswordHasher | None = None) -> str:
    return (using or hasher()).hash(normalize_password(password))


def verify_password(stored: str, password: str, using: PasswordHasher | None = None) -> tuple[bool, str | None]:
    """(whether ``password`` matches ``stored``, a new hash when ``stored`` was made with other parameters)."""
    current = using or hasher()
    try:
        current.verify(stored, normalize_password(password))
    except (VerificationError, InvalidHashError):
        return False, None
    return True, (current.hash(normalize_password(password)) if current.check_needs_rehash(stored) else None)


@cache
def _dummy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return hasher(time_cost, memory_kib, parallelism).hash("not anyone's password, only a time sink")


def verify_nobody(password: str, using: PasswordHasher | None = None) -> None:
    """Spend what verifying a real user's password costs, for a name nobody has (so timing tells nothing)."""
    current = using or hasher()
    verify_password(_dummy_hash(current.time_cost, current.memory_cost, current.parallelism), password, current)
