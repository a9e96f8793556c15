"""Checking the paths given to an import command before anything is read: one line saying which cannot be
read and why ("no such file", a directory, a device), instead of a wrong reason or a traceback later."""

from __future__ import annotations

import stat
from pathlib import Path

_SPECIAL = {stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


def is_pipe(path: Path) -> bool:
    """A named pipe or process substitution (``<(zcat posts.jsonl.gz)``): read once, as a stream."""
    return str(path) != "-" and path.is_fifo()


def path_problem(paths: list[Path], folders: str | None = None, pipes: bool = False) -> str | None:
    """The one-line error for the first kind of unreadable path among ``paths``, or None if all can be
    read. ``folders``: None if a directory is accepted, else what to say about one; ``pipes``: whether
    a pipe is accepted (``-``, standard input, always is)."""
    given = [p for p in paths if str(p) != "-"]
    missing = [str(p) for p in given if not p.exists()]
    if missing:
        return f"no such file: {', '.join(missing)}"
    if folders is not None:
        dirs = [str(p) for p in given if p.is_dir()]
        if dirs:
            return f"{', '.join(dirs)}: {folders}"
    for path in given:
        if path.is_file() or path.is_dir() or (pipes and path.is_fifo()):
            continue
        kind = _SPECIAL.get(stat.S_IFMT(path.stat().st_mode), "a pipe" if path.is_fifo() else "not a file")
        return f"{path}: not a regular file ({kind})" + ("; use - to read standard input" if pipes else "")
    return None
