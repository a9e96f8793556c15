"""Two real ``papertalk serve`` processes on one PostgreSQL database share their sessions: a person signs
in through one and is signed in on the other; signing out everywhere through the second ends the session
on the first at once; a CSRF token of one process is good on the other (both are tied to the session in
the database, not to a process)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from papertalk.services.people import user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.storage.engine import make_engine
from tests.databases import POSTGRES_URL, migrate_fast, postgres_database
from tests.test_web_cli import free_port

PAPERTALK = str(Path(sys.executable).parent / "papertalk")
PASSWORD = "correct horse battery"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="PAPERTALK_TEST_POSTGRES_URL not set (CI sets it)"),
]


def start_server(database: str, port: int, folder: Path) -> subprocess.Popen[str]:
    log = (folder / f"serve-{port}.log").open("w")
    return subprocess.Popen(
        [PAPERTALK, "serve", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PAPERTALK_DATABASE_URL": database},
    )


def wait_until_up(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "papertalk serve exited early"
        try:
            httpx.get(base + "/signin", timeout=5)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"{base} did not answer within 60 s")


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[str, str]]:
    with postgres_database() as database:
        engine = make_engine(migrate_fast(database))
        user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", PASSWORD, False, int(time.time()))
        engine.dispose()
        ports = free_port(), free_port()
        processes = [start_server(database, port, tmp_path) for port in ports]
        try:
            bases = tuple(f"http://127.0.0.1:{port}" for port in ports)
            for base, process in zip(bases, processes, strict=True):
                wait_until_up(base, process)
            yield bases[0], bases[1]
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=20)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the form carries no CSRF token"
    return found.group(1)


def test_a_session_made_by_one_process_works_on_the_other_and_ends_on_both(two_servers: tuple[str, str]) -> None:
    first, second = two_servers
    with httpx.Client(base_url=first, timeout=30) as client:
        token = csrf_of(client.get("/signin").text)
        answer = client.post("/signin", data={"csrf": token, "name": "ada", "password": PASSWORD})
        assert answer.status_code == 303
        cookies = dict(client.cookies)
    assert cookies, "sign-in set no cookie"

    with httpx.Client(base_url=second, timeout=30, cookies=cookies) as other:
        settings_page = other.get("/settings")
        assert settings_page.status_code == 200 and "ada" in settings_page.text
        # A form served by the second process, posted to the first: the token belongs to the session.
        token = csrf_of(settings_page.text)
    with httpx.Client(base_url=first, timeout=30, cookies=cookies) as client:
        saved = client.post("/settings", data={"csrf": token, "timezone": "Europe/Paris", "language": "en"})
        assert saved.status_code in (200, 303), re.findall(r"(?s)<[^>]*error[^>]*>.{0,200}", saved.text)
    with httpx.Client(base_url=second, timeout=30, cookies=cookies) as other:
        assert "Europe/Paris" in other.get("/settings").text
        account = other.get("/account")
        assert account.status_code == 200
        ended = other.post("/account/signout-everywhere", data={"csrf": csrf_of(account.text)})
        assert ended.status_code in (200, 303), ended.text[:300]

    with httpx.Client(base_url=first, timeout=30, cookies=cookies) as client:
        after = client.get("/settings")
        # Signed out everywhere: the first process sends the old cookie to sign in.
        assert after.status_code == 303 and after.headers["location"].endswith("/signin")
