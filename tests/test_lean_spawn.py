"""Reading and parsing processes start lean: they do not run the main script again (the ``papertalk``
console script imports the whole command line), and an X archive reader does not load the database
stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import os, sys, time
if __name__ != "__main__":  # imported again in a child (as __mp_main__)
    open(os.environ["MARKER"], "a").write(__name__ + "\\n")
from papertalk.services.lean_spawn import lean_spawn
import multiprocessing
if __name__ == "__main__":
    context = lean_spawn() if sys.argv[1] == "lean" else multiprocessing.get_context("spawn")
    child = context.Process(target=time.sleep, args=(0,))
    child.start()
    child.join()
    assert child.exitcode == 0, child.exitcode
    assert "__file__" in globals()  # given back after the start
"""


def run_script(tmp_path: Path, kind: str) -> str:
    script, marker = tmp_path / "main_script.py", tmp_path / f"marker-{kind}"
    script.write_text(SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script), kind],
        check=False,
        env={"MARKER": str(marker)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return marker.read_text() if marker.exists() else ""


def test_lean_spawn_children_do_not_run_the_main_script(tmp_path: Path) -> None:
    assert run_script(tmp_path, "plain") == "__mp_main__\n"  # what plain spawn does
    assert run_script(tmp_path, "lean") == ""


def test_an_archive_reader_imports_no_database_stack() -> None:
    code = (
        "import sys, papertalk.services.ingest.x_archive_reading; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'psycopg')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
