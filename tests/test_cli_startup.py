"""The command line starts fast: loading it (and ``--help``) imports no command's services, only typer and rich.

Every command's services are imported when that command runs (see ``cli/main.py``), so that ``papertalk
import`` does not pay for HTTP clients, feed parsers, the web stack or the demo world. Each check runs in a
fresh interpreter: in this test process every module is already imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papertalk.cli.main import app

PAPERTALK = str(Path(sys.executable).parent / "papertalk")

# Loaded only by the commands that need them.
HEAVY_LIBRARIES = [
    "httpx",
    "feedparser",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "msgspec",
    "uvicorn",
    "fastapi",
    "starlette",
    "jinja2",
    "xml.parsers.expat",
    "http.client",
]
# The layers under the CLI: a command imports the ones it uses when it runs.
LOWER_LAYERS = [
    "papertalk.web",
    "papertalk.services",
    "papertalk.sources",
    "papertalk.arxiv",
    "papertalk.storage",
    "papertalk.fetching",
]
COMMANDS = [
    "db",
    "network",
    "catalogue",
    "import",
    "enrich",
    "harvest",
    "trending",
    "posts",
    "block",
    "demo",
    "search",
    "follow",
    "unfollow",
    "follows",
    "sources",
    "fetch",
    "worker",
    "serve",
]

# Imports the CLI, then shows the top-level help as `papertalk --help` does; prints both module sets.
MODULES_AFTER = """
import contextlib, io, json, sys
import papertalk.cli.main
imported = sorted(sys.modules)
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    papertalk.cli.main.app(["--help"])
print(json.dumps({"import": imported, "help": sorted(sys.modules)}))
"""


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == name or m.startswith(name + ".") for name in HEAVY_LIBRARIES + LOWER_LAYERS)]


def test_importing_the_cli_and_its_help_load_no_command_services() -> None:
    done = subprocess.run(
        [sys.executable, "-c", MODULES_AFTER], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    modules = json.loads(done.stdout)
    assert heavy(modules["import"]) == []
    assert heavy(modules["help"]) == []


def test_help_lists_every_command() -> None:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    done = subprocess.run([PAPERTALK, "--help"], capture_output=True, text=True, check=False, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    listed = {line.strip(" │|").split(" ")[0] for line in done.stdout.splitlines()}
    assert [c for c in COMMANDS if c not in listed] == []


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_resolves_its_parameters(command: str) -> None:
    """Typer reads each command's parameter annotations: they must still name importable types."""
    result = CliRunner().invoke(app, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
