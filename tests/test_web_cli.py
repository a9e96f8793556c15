"""``papertalk demo`` serves the demo world and prints its address; ``papertalk serve`` refuses a missing
database with a one-line error."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

PAPERTALK = str(Path(sys.executable).parent / "papertalk")  # the console script of this environment


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_demo_serves_the_demo_world_and_prints_its_address(tmp_path: Path) -> None:
    port = free_port()
    args = ["demo", "--dir", str(tmp_path), "--papers", "200", "--accounts", "50", "--posts", "2000"]
    process = subprocess.Popen(
        [PAPERTALK, *args, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        address = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        page = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                page = httpx.get(address + "/", timeout=5)
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        assert page is not None and page.status_code == 200
        assert "DEMO DATA" in page.text and page.text.count('class="paper"') == 20
        assert "DEMO DATA" in httpx.get(address + "/about").text
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert address in output


def test_serve_without_a_database_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite3"
    result = subprocess.run(
        [PAPERTALK, "--database", f"sqlite:///{missing}", "serve"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "no papertalk database at" in result.stderr and len(result.stderr.strip().splitlines()) <= 3
