"""``papertalk demo`` makes DEMO people who can sign in at once: the printed demo sign-in works, the person's
network holds demo accounts and ranks papers, and the demo reading group is shared with the others."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.config import Settings
from papertalk.demo.people import READING_GROUP
from papertalk.services.database import open_database
from papertalk.services.pages.trending_page import TrendingPageQuery, trending_page
from papertalk.services.people import sessions, user_accounts
from papertalk.services.people.permissions import OPERATOR


@pytest.mark.slow
def test_the_printed_demo_sign_in_opens_a_network_of_demo_accounts(tmp_path: Path) -> None:
    args = ["demo", "--no-serve", "--dir", str(tmp_path), "--papers", "300", "--accounts", "60", "--posts", "3000"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    found = re.search(
        r"DEMO sign-in \(demo people, demo password\): name (\S+), password (\S+) at /signin", result.stdout
    )
    assert found, result.stdout[-2000:]
    name, password = found.groups()
    settings = Settings.from_env({}).with_database(f"sqlite:///{tmp_path / 'papertalk-demo.sqlite3'}")
    engine = open_database(settings)
    now = int(time.time())
    signed = sessions.sign_in(engine, settings.people, name, password, "127.0.0.1", now)
    assert signed.user.name == name and signed.user.is_admin
    mine = trending_page(
        engine, settings, now, TrendingPageQuery(window="all", network=f"@{name}"), None, signed.user.id
    )
    everyone = trending_page(engine, settings, now, TrendingPageQuery(window="all"), None, signed.user.id)
    assert mine.items and len(mine.items) <= len(everyone.items)
    assert mine.networks[:2] == (f"@{name}", READING_GROUP)  # My network first, then the shared group
    others = [u for u in user_accounts.list_users(engine, OPERATOR) if u.name != name]
    assert len(others) == 2
    for other in others:
        seen = trending_page(engine, settings, now, TrendingPageQuery(window="all"), None, other.id)
        assert READING_GROUP in seen.networks and f"@{name}" not in seen.networks  # private to ada
    engine.dispose()
