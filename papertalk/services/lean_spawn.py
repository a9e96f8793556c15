"""Worker processes started with "spawn" that do not run the main script again.

A spawned child re-imports the parent's main script (as ``__mp_main__``) so that targets defined there
can be found. papertalk's targets all live in ``papertalk`` modules, and its main script is the
``papertalk`` console script, whose one import is the whole command line (Typer, Rich, every command):
~1 CPU-second that each reading or parsing process paid before doing any work (2.2 of the 10 CPU-seconds
of an X archive import of 100,000 tweets through the ``papertalk`` script, measured 2026-12-03). This
context's processes are started without the main script's path, so a child imports only its target's
module. (spawn, not fork: the parent holds database connections a forked child must not share.)

``leave_with_parent``: a child's watchdog. A child holds both ends of its queues' pipes, so it never
sees EOF, and at exit it waits until its queue's buffered messages are written into the pipe: when the
process that should read them is gone (kill -9, out of memory, a test runner's worker ending without
clean-up), the child would wait forever. With the watchdog it leaves within a second.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any


class _LeanSpawnProcess(SpawnProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        main = sys.modules["__main__"]
        path = main.__dict__.pop("__file__", None)  # read by spawn.get_preparation_data while starting
        try:
            return SpawnProcess._Popen(process_obj)
        finally:
            if path is not None:
                main.__file__ = path


class LeanSpawnContext(SpawnContext):
    """``multiprocessing.get_context("spawn")``, minus the re-import of the main script in each child."""

    Process = _LeanSpawnProcess


def lean_spawn() -> LeanSpawnContext:
    return LeanSpawnContext()


def leave_with_parent(parent: int) -> None:
    """In a child process: exit as soon as ``parent`` (the process that started it) is gone."""
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)
