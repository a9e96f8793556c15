"""Bad settings and unreachable databases end every command with one line and exit 2 (issue 14 item 7).

Each bad ``PAPERTALK_*`` value goes through the real ``papertalk`` executable in a subprocess; the
PostgreSQL cases talk to a real server (a closed port, a missing database, an unknown user) when
PAPERTALK_TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from papertalk.config import Settings, SettingsError
from papertalk.core.ranking import DAY, HOUR
from papertalk.storage.unreachable import describe
from tests.conftest import POSTGRES_URL

PAPERTALK = str(Path(sys.executable).parent / "papertalk")

BAD_SETTINGS = [
    ("PAPERTALK_DATABASE_URL", "mysql://somewhere/db"),
    ("PAPERTALK_IMPORT_BATCH_SIZE", "abc"),
    ("PAPERTALK_IMPORT_BATCH_SIZE", "0"),
    ("PAPERTALK_ARXIV_API_URL", "ftp://export.arxiv.org"),
    ("PAPERTALK_OAI_URL", "oaipmh.arxiv.org/oai"),
    ("PAPERTALK_BLUESKY_APPVIEW_URL", "public.api.bsky.app"),
    ("PAPERTALK_JETSTREAM_URL", "https://jetstream.example/subscribe"),
    ("PAPERTALK_RANKING_WEIGHT_POST", "heavy"),
    ("PAPERTALK_RANKING_WEIGHT_REPLY", "101"),
    ("PAPERTALK_RANKING_WEIGHT_REPOST", "-1"),
    ("PAPERTALK_RANKING_HALF_LIFE_WEEK", "3x"),
    ("PAPERTALK_RANKING_LENGTH_MONTH", "a month"),
    ("PAPERTALK_RANKING_WEIGHT_LIKE", "1"),
    ("PAPERTALK_MASTODON_URL_TEMPLATE", "{instance}"),
    ("PAPERTALK_X_API_URL", "api.x.com"),
    ("PAPERTALK_HN_SEARCH_URL", "hn"),
    ("PAPERTALK_REDDIT_AUTH_URL", "reddit"),
    ("PAPERTALK_REDDIT_API_URL", "oauth.reddit.com"),
    ("PAPERTALK_FETCH_MIN_INTERVAL", "fast"),
    ("PAPERTALK_FETCH_TIMEOUT", "0"),
    ("PAPERTALK_WEB_BASE_URL", "papertalk.example.org"),
    ("PAPERTALK_WEB_CACHE_SECONDS", "a minute"),
    ("PAPERTALK_WEB_RENDER_CACHE_SECONDS", "-5"),
]


def run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAPERTALK_")}
    base |= {"PAPERTALK_HOME": str(tmp_path), "COLUMNS": "80", "NO_COLOR": "1"}
    return subprocess.run([PAPERTALK, *args], env=base | env, capture_output=True, text=True, timeout=60, check=False)


def assert_one_line(done: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(("name", "value"), BAD_SETTINGS)
def test_a_bad_setting_is_one_line_naming_it(name: str, value: str, tmp_path: Path) -> None:
    line = assert_one_line(run(["db", "status"], {name: value}, tmp_path), name)
    assert line.startswith("error: ")
    assert "docs/settings.md" in line


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["worker", "--no-live"], ["trending"], ["import", "x"]])
def test_every_command_checks_the_settings_first(command: list[str], tmp_path: Path) -> None:
    bad = {"PAPERTALK_WEB_CACHE_SECONDS": "soon"}
    assert_one_line(run(command, bad, tmp_path), "PAPERTALK_WEB_CACHE_SECONDS='soon'", "whole number of seconds")


def test_several_bad_settings_are_one_line_each(tmp_path: Path) -> None:
    bad = {"PAPERTALK_IMPORT_BATCH_SIZE": "abc", "PAPERTALK_RANKING_WEIGHT_POST": "x", "PAPERTALK_RANKING_SPEED": "9"}
    done = run(["db", "status"], bad, tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert sorted(line.split("=")[0].split(" ")[1] for line in done.stderr.splitlines()) == [
        "PAPERTALK_IMPORT_BATCH_SIZE",
        "PAPERTALK_RANKING_SPEED",
        "PAPERTALK_RANKING_WEIGHT_POST",
    ]


def test_a_bad_database_option_is_one_line(tmp_path: Path) -> None:
    assert_one_line(run(["--database", "mongodb://x", "db", "status"], {}, tmp_path), "--database 'mongodb://x'")


def test_good_values_and_empty_ones_are_read() -> None:
    settings = Settings.from_env(
        {
            "PAPERTALK_DATABASE_URL": "sqlite:////tmp/x.sqlite3",
            "PAPERTALK_IMPORT_BATCH_SIZE": "500",
            "PAPERTALK_RANKING_LENGTH_MONTH": "4w",
            "PAPERTALK_RANKING_HALF_LIFE_TODAY": "off",
            "PAPERTALK_FETCH_TIMEOUT": "2.5",
            "PAPERTALK_WEB_CACHE_SECONDS": "0",
            "PAPERTALK_WEB_NETWORK": "",  # empty counts as unset, as before
            "PAPERTALK_X_BEARER_TOKEN": "",
        }
    )
    assert settings.import_batch_size == 500
    assert settings.ranking.window("month").length == 28 * DAY
    assert settings.ranking.window("today").half_life is None
    assert settings.ranking.window("week").half_life == 72 * HOUR
    assert settings.networks.timeout == 2.5 and settings.networks.x_bearer_token is None
    assert settings.web.cache_seconds == 0 and settings.web.network is None
    defaults = Settings.from_env({"HOME": "/home/ada"})
    assert defaults.database_url == "sqlite:////home/ada/.local/share/papertalk/papertalk.sqlite3"
    home = Settings.from_env({"HOME": "/home/ada", "PAPERTALK_HOME": "/srv/papertalk"}).database_url
    assert home == "sqlite:////srv/papertalk/papertalk.sqlite3"
    assert defaults.web.render_cache_seconds == 15 and defaults.import_batch_size == 20_000
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"PAPERTALK_IMPORT_BATCH_SIZE": "-3"})
    assert caught.value.lines == [
        "PAPERTALK_IMPORT_BATCH_SIZE='-3' is not valid: input should be greater than or equal to 1; "
        "expected a positive whole number of lines per transaction (see docs/settings.md)"
    ]


# --- unreachable databases --------------------------------------------------------------------------

needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="PAPERTALK_TEST_POSTGRES_URL not set (CI sets it)")


def postgres_url(**changes: object) -> str:
    assert POSTGRES_URL
    return make_url(POSTGRES_URL).set(**changes).render_as_string(hide_password=False)  # type: ignore[arg-type]


@needs_postgres
@pytest.mark.postgres
@pytest.mark.parametrize(
    ("changes", "needles"),
    [
        ({"host": "127.0.0.1", "port": 1}, ["127.0.0.1:1", "the connection was refused", "is running"]),
        ({"database": "papertalk_no_such_db"}, ["does not exist", "createdb papertalk_no_such_db"]),
        ({"username": "papertalk_nobody"}, ['user "papertalk_nobody"', "the user does not exist"]),
    ],
)
@pytest.mark.parametrize("command", [["db", "status"], ["db", "upgrade"], ["trending"], ["worker", "--no-live"]])
def test_an_unreachable_postgresql_is_one_line(
    changes: dict[str, object], needles: list[str], command: list[str], tmp_path: Path
) -> None:
    done = run(command, {"PAPERTALK_DATABASE_URL": postgres_url(**changes)}, tmp_path)
    assert_one_line(done, "cannot reach PostgreSQL at", "PAPERTALK_DATABASE_URL", *needles)


@needs_postgres
@pytest.mark.postgres
def test_serve_on_an_unreachable_postgresql_is_one_line(tmp_path: Path) -> None:
    done = run(["serve", "--port", "1"], {"PAPERTALK_DATABASE_URL": postgres_url(port=1, host="127.0.0.1")}, tmp_path)
    assert_one_line(done, "cannot reach PostgreSQL at 127.0.0.1:1")


@pytest.mark.parametrize("command", [["db", "status"], ["serve", "--port", "1"], ["worker", "--no-live"]])
def test_a_closed_port_is_one_line_without_any_server(command: list[str], tmp_path: Path) -> None:
    done = run(command, {"PAPERTALK_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/test"}, tmp_path)
    assert_one_line(done, "cannot reach PostgreSQL at 127.0.0.1:1", "the connection was refused")


def test_an_unknown_host_is_one_line(tmp_path: Path) -> None:
    # .invalid never resolves (RFC 2606): the look-up fails without leaving the machine's resolver.
    done = run(["db", "status"], {"PAPERTALK_DATABASE_URL": "postgresql+psycopg://u@db.invalid/x"}, tmp_path)
    assert_one_line(done, "cannot reach PostgreSQL at db.invalid:5432", "the host name is unknown")


def test_a_refused_password_and_an_unknown_failure_are_described() -> None:
    url = "postgresql+psycopg://ada:***@db.lab:6543/papers"
    refused = describe(url, 'connection failed: FATAL:  password authentication failed for user "ada"')
    assert refused == (
        'cannot reach PostgreSQL at db.lab:6543 (database "papers" as user "ada"): the login was refused; '
        "check the user and password (or the server's pg_hba.conf), in --database / PAPERTALK_DATABASE_URL"
    )
    full = describe(url, 'connection failed: server at "db.lab" failed: FATAL:  sorry, too many clients already')
    assert "the server has no free connection slots; close idle clients or raise its max_connections" in full
    other = describe(url, "connection failed: something new\n\tsecond line")
    assert other.endswith("something new; check --database / PAPERTALK_DATABASE_URL")


def test_a_sqlite_file_under_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a folder")
    done = run(
        ["db", "upgrade"], {"PAPERTALK_DATABASE_URL": f"sqlite:///{tmp_path / 'notes.txt' / 'db.sqlite3'}"}, tmp_path
    )
    assert_one_line(done, "cannot open the SQLite database", "notes.txt", "check that its folder exists")
