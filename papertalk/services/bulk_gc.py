"""How often the cyclic garbage collector runs in a process that imports in bulk.

Kept apart from the import modules (and free of database imports) so that a reading process, which only
parses, starts without loading the database stack.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Allocations between two runs of the cyclic garbage collector while importing. An import makes millions
# of short-lived tuples and records that never form cycles; at Python's default (700) the collector
# walks them thousands of times, which cost a quarter of the CPU of preparing posts here.
BULK_GC_THRESHOLD = 200_000


@contextmanager
def rare_collections() -> Iterator[None]:
    """Run the cyclic garbage collector rarely for the duration (see BULK_GC_THRESHOLD)."""
    old = gc.get_threshold()
    collect_rarely()
    try:
        yield
    finally:
        gc.set_threshold(*old)


def collect_rarely() -> None:
    """For a process that only imports: run the cyclic garbage collector rarely (see BULK_GC_THRESHOLD)."""
    gc.set_threshold(BULK_GC_THRESHOLD, *gc.get_threshold()[1:])
