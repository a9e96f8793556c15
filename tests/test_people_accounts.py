"""Users, passwords, invitations and the ``papertalk users`` commands on SQLite and PostgreSQL: the rules
of names, emails and passwords, rehashing, who may do what, and bad input answered in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.config import PeopleSettings
from papertalk.core.people_rules import email_problem, name_key, name_problem, password_problem
from papertalk.services.people import admin as admin_actions
from papertalk.services.people import invitations, sessions, user_accounts
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.passwords import hash_password, hasher
from papertalk.services.people.permissions import OPERATOR, NotAllowed
from papertalk.storage.engine import Engine
from papertalk.storage.people import user_rows
from tests.helpers import table

NOW = 1_800_000_000
PASSWORD = "correct horse battery"
PAPERTALK = str(Path(sys.executable).parent / "papertalk")


def test_names_are_one_after_nfkc_and_case_folding_and_look_alikes_are_refused() -> None:
    assert name_key("Ada") == name_key("ADA") == name_key("ａｄａ") == "ada"
    assert name_problem("ａｄａ") is None
    assert "other alphabets" in (name_problem("Аda") or "")  # a Cyrillic А
    assert "NUL" in (name_problem("ada\x00") or "")
    assert "between 2 and 32" in (name_problem("a" * 33) or "")
    assert "at most 32" in (name_problem("a" * 10_000) or "")
    assert name_problem("-ada") is not None and name_problem("ada lovelace") is not None


def test_emails_and_passwords_are_checked_with_a_reason() -> None:
    assert email_problem("ada@example.org") is None
    for bad in ("ada", "ada@", "@example.org", "ada@example", "ada @example.org", "ada@exa_mple.org", "a\x00@b.org"):
        assert (email_problem(bad) or "").startswith("email: "), bad
    assert "at most 254" in (email_problem("a" * 250 + "@example.org") or "")
    assert password_problem(PASSWORD, "ada", "ada@example.org") is None
    assert "at least 10" in (password_problem("short", "ada", "ada@example.org") or "")
    assert "NUL" in (password_problem("long enough\x00", "ada", "ada@example.org") or "")
    assert "at most 1024" in (password_problem("x" * 1025, "ada", "ada@example.org") or "")
    assert "name or email" in (password_problem("AdaLovelace", "adalovelace", "x@example.org") or "")
    assert "name or email" in (password_problem("ADA@EXAMPLE.ORG", "ada", "ada@example.org") or "")


def test_a_confusable_name_is_taken_and_nothing_half_is_saved(engine: Engine) -> None:
    user_accounts.add_user(engine, OPERATOR, "Ada", "ada@example.org", PASSWORD, False, NOW)
    with pytest.raises(FormProblem) as taken:
        user_accounts.add_user(engine, OPERATOR, "ａｄａ", "other@example.org", PASSWORD, False, NOW)
    assert taken.value.field == "name" and "taken" in taken.value.message
    with pytest.raises(FormProblem) as bad:
        user_accounts.add_user(engine, OPERATOR, "bob", "not-an-email", PASSWORD, False, NOW)
    assert bad.value.field == "email"
    assert table(engine, "SELECT name, email FROM users") == [("Ada", "ada@example.org")]
    stored = table(engine, "SELECT password_hash FROM users")[0][0]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=1$") and PASSWORD not in stored


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(engine: Engine) -> None:
    user = user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", PASSWORD, False, NOW)
    with engine.begin() as conn:
        user_rows.set_password_hash(conn, user.id, hash_password(PASSWORD, hasher(1, 8192, 1)))
    sessions.sign_in(engine, PeopleSettings(), "ada", PASSWORD, "127.0.0.1", NOW)
    stored = table(engine, "SELECT password_hash FROM users")[0][0]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=1$")
    assert sessions.sign_in(engine, PeopleSettings(), "ADA", PASSWORD, "127.0.0.1", NOW).user.id == user.id


def test_only_admins_manage_users_and_only_owners_change_themselves(engine: Engine) -> None:
    admin = user_accounts.add_user(engine, OPERATOR, "root", "root@example.org", PASSWORD, True, NOW)
    ada = user_accounts.add_user(engine, admin, "ada", "ada@example.org", PASSWORD, False, NOW)
    bob = user_accounts.add_user(engine, admin, "bob", "bob@example.org", PASSWORD, False, NOW)
    with pytest.raises(NotAllowed):
        user_accounts.add_user(engine, ada, "eve", "eve@example.org", PASSWORD, False, NOW)
    with pytest.raises(NotAllowed):
        admin_actions.set_disabled(engine, ada, "bob", True, NOW)
    with pytest.raises(NotAllowed):
        user_accounts.delete_account(engine, ada, bob.id, "bob")
    with pytest.raises(NotAllowed):
        user_accounts.change_password(engine, admin, ada.id, PASSWORD, "another long one", None, NOW)
    with pytest.raises(NotAllowed):
        invitations.invite(engine, PeopleSettings(registration="closed"), ada, NOW)
    assert invitations.invite(engine, PeopleSettings(registration="invite"), ada, NOW).startswith("http")
    assert len(table(engine, "SELECT id FROM users")) == 3


def test_invitations_are_single_use_and_expire(engine: Engine) -> None:
    people = PeopleSettings(registration="closed", public_base_url="https://papers.example.org")
    link = invitations.invite(engine, people, OPERATOR, NOW)
    assert link.startswith("https://papers.example.org/signup?invite=")
    token = link.partition("invite=")[2]
    assert table(engine, "SELECT token_hash FROM invitations")[0][0] != token  # only its hash is stored
    with pytest.raises(FormProblem) as no_invite:
        invitations.sign_up(engine, people, "ada", "ada@example.org", PASSWORD, None, NOW)
    assert no_invite.value.field == "invite"
    with pytest.raises(FormProblem):  # a bad field: the invitation is not used up
        invitations.sign_up(engine, people, "ada", "ada@example.org", "short", token, NOW)
    user = invitations.sign_up(engine, people, "ada", "ada@example.org", PASSWORD, token, NOW)
    with pytest.raises(FormProblem) as used:
        invitations.sign_up(engine, people, "bob", "bob@example.org", PASSWORD, token, NOW)
    assert "used or expired" in used.value.message
    late = invitations.invite(engine, people, OPERATOR, NOW).partition("invite=")[2]
    with pytest.raises(FormProblem):
        invitations.sign_up(engine, people, "bob", "bob@example.org", PASSWORD, late, NOW + 8 * 86_400)
    assert table(engine, "SELECT used_by FROM invitations ORDER BY id") == [(user.id,), (None,)]
    assert invitations.sign_up(engine, PeopleSettings(registration="open"), "eve", "e@example.org", PASSWORD, None, NOW)


def test_delete_account_needs_the_name_typed(engine: Engine) -> None:
    ada = user_accounts.add_user(engine, OPERATOR, "Ada", "ada@example.org", PASSWORD, False, NOW)
    sessions.sign_in(engine, PeopleSettings(), "ada", PASSWORD, "127.0.0.1", NOW)
    with pytest.raises(FormProblem) as wrong:
        user_accounts.delete_account(engine, ada, ada.id, "bob")
    assert wrong.value.field == "confirm_name"
    user_accounts.delete_account(engine, ada, ada.id, "ADA")
    assert table(engine, "SELECT COUNT(*) FROM users") == [(0,)]
    assert table(engine, "SELECT COUNT(*) FROM sessions") == [(0,)]


def _cli(db_url: str, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--database", db_url, *args], input=stdin, env={"COLUMNS": "200", **(env or {})})
    return result.exit_code, result.stdout, result.stderr


def test_users_commands(engine: Engine, db_url: str) -> None:
    code, out, err = _cli(db_url, "users", "add", "Ada", "--email", "ada@example.org", "--admin",
                          stdin=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert code == 0, err
    assert "added admin user Ada" in out
    code, out, err = _cli(db_url, "users", "add", "bob", "--email", "bob@example.org", stdin=f"{PASSWORD}\nother\n")
    assert code == 2 and "two passwords differ" in err and "Traceback" not in err
    code, out, err = _cli(db_url, "users", "add", "bob", "--email", "nope", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 2 and err.strip() == "error: email: not an email address like ada@example.org"
    code, out, _ = _cli(db_url, "users", "list", "--json")
    assert [(u["name"], u["admin"], u["disabled"]) for u in json.loads(out)] == [("Ada", True, False)]
    code, out, err = _cli(db_url, "users", "invite", env={"PAPERTALK_PUBLIC_BASE_URL": "https://p.example.org/"})
    assert code == 0 and out.strip().startswith("https://p.example.org/signup?invite=")
    code, _, err = _cli(db_url, "users", "disable", "ADA")  # the only admin: the instance would have none
    assert code == 2 and err.strip() == f"error: {admin_actions.LAST_ADMIN}"
    code, out, err = _cli(db_url, "users", "add", "Root", "--email", "root@example.org", "--admin",
                          stdin=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    code, out, _ = _cli(db_url, "users", "disable", "ADA")
    assert code == 0 and "disabled user Ada" in out
    code, _, err = _cli(db_url, "users", "disable", "nobody")
    assert code == 2 and "no user named 'nobody'" in err


def test_the_password_is_never_an_argument_and_a_bad_setting_is_one_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    subprocess.run([PAPERTALK, "--database", db, "db", "upgrade"], check=True, capture_output=True)
    run = subprocess.run(
        [PAPERTALK, "--database", db, "users", "add", "ada", "--email", "ada@example.org", "--password", "x"],
        check=False, capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert run.returncode == 2 and "No such option" in run.stderr
    run = subprocess.run(
        [PAPERTALK, "--database", db, "users", "list"],
        check=False, capture_output=True, text=True, env={"PAPERTALK_REGISTRATION": "sometimes", "PATH": "/usr/bin"},
    )  # fmt: skip
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip() == (
        "error: PAPERTALK_REGISTRATION='sometimes' is not valid: input should be 'closed', 'invite' or 'open';"
        " expected closed, invite or open (see docs/settings.md)"
    )
