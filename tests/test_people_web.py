"""The people pages over real HTTP on 127.0.0.1, on SQLite and PostgreSQL, tried the way an attacker
would: missing and forged CSRF tokens, a token of another session, a GET where a POST is needed, a
revoked session, a planted session cookie, over-long and NUL fields, bad emails, confusable names; and
the render cache never serving a signed-in person's page to anyone else."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from papertalk.config import Settings
from papertalk.services.people import invitations, user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.storage.engine import make_engine
from tests.databases import migrate_fast
from tests.helpers import table
from tests.web_world import NOW, served

PASSWORD = "correct horse battery"


def settings_for(db_url: str, **env: str) -> Settings:
    return Settings.from_env({"PAPERTALK_DATABASE_URL": db_url, **env})


@pytest.fixture
def site(db_url: str) -> Iterator[str]:
    engine = make_engine(migrate_fast(db_url))
    user_accounts.add_user(engine, OPERATOR, "Ada", "ada@example.org", PASSWORD, False, int(NOW))
    engine.dispose()
    with served(settings_for(db_url)) as base:
        yield base


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the form carries no CSRF token"
    return found.group(1)


def form_token(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text[:500]
    return csrf_of(page.text)


def signed_in(site: str, name: str = "ada", password: str = PASSWORD) -> httpx.Client:
    client = httpx.Client(base_url=site, timeout=30)
    token = form_token(client, "/signin")
    answer = client.post("/signin", data={"csrf": token, "name": name, "password": password})
    assert answer.status_code == 303, answer.text[:500]
    return client


def test_sign_in_sets_a_strict_cookie_and_shows_who_is_signed_in(site: str) -> None:
    client = httpx.Client(base_url=site, timeout=30)
    token = form_token(client, "/signin")
    answer = client.post("/signin", data={"csrf": token, "name": "ADA", "password": PASSWORD})
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("papertalk_session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # the public base URL is http here
    home = client.get("/")
    assert 'title="Your account">Ada</a>' in home.text
    assert home.headers["cache-control"] == "private, no-store"
    assert client.get("/account").status_code == 200


def test_the_render_cache_never_serves_a_signed_in_page_to_someone_else(site: str) -> None:
    ada = signed_in(site)
    assert "Your account" in ada.get("/about?x=1").text  # rendered for Ada first
    stranger = httpx.get(site + "/about?x=1", timeout=30)
    assert "Your account" not in stranger.text and 'href="/signin"' in stranger.text
    assert stranger.headers["cache-control"].startswith("public")
    again = ada.get("/about?x=1")  # the stranger's rendering is in the cache now: Ada still gets hers
    assert "Your account" in again.text and again.headers["cache-control"] == "private, no-store"
    assert "Your account" not in httpx.get(site + "/about?x=1", timeout=30).text


def test_a_form_without_or_with_a_forged_csrf_token_changes_nothing(site: str, db_url: str) -> None:
    client = httpx.Client(base_url=site, timeout=30)
    form_token(client, "/signin")
    for token in ("", "0" * 64, csrf_of(httpx.get(site + "/signin", timeout=30).text)):  # another browser's
        answer = client.post("/signin", data={"csrf": token, "name": "ada", "password": PASSWORD})
        assert answer.status_code == 403 and "did not come from this site" in answer.text
        assert "papertalk_session" not in answer.headers.get("set-cookie", "")
    no_cookie = httpx.post(site + "/signin", data={"csrf": "x", "name": "ada", "password": PASSWORD}, timeout=30)
    assert no_cookie.status_code == 403
    ada = signed_in(site)
    bob_engine = make_engine(db_url)
    user_accounts.add_user(bob_engine, OPERATOR, "bob", "bob@example.org", PASSWORD, False, int(NOW))
    bob_engine.dispose()
    bob = signed_in(site, "bob")
    bobs_token = form_token(bob, "/account")
    for token in ("", bobs_token):  # Bob's token is no good in Ada's session
        answer = ada.post("/account/delete", data={"csrf": token, "confirm_name": "Ada"})
        assert answer.status_code == 403
    assert ada.get("/account").status_code == 200
    engine = make_engine(db_url)
    assert sorted(r[0] for r in table(engine, "SELECT name FROM users")) == ["Ada", "bob"]
    engine.dispose()


def test_get_never_signs_out_nor_deletes(site: str) -> None:
    ada = signed_in(site)
    for path in ("/signout", "/account/delete?confirm_name=Ada", "/account/signout-everywhere"):
        assert ada.get(path).status_code == 405
    assert ada.get("/account").status_code == 200


def test_a_signed_out_or_revoked_session_signs_nobody_in(site: str) -> None:
    ada = signed_in(site)
    old = ada.cookies["papertalk_session"]
    answer = ada.post("/signout", data={"csrf": form_token(ada, "/account")})
    assert answer.status_code == 303 and 'papertalk_session=""' in answer.headers["set-cookie"]
    replay = httpx.Client(base_url=site, timeout=30, cookies={"papertalk_session": old})
    assert replay.get("/account").status_code == 303
    assert "Your account" not in replay.get("/").text
    phone = signed_in(site)
    laptop = signed_in(site)
    answer = laptop.post("/account/signout-everywhere", data={"csrf": form_token(laptop, "/account")})
    assert answer.status_code == 303
    assert phone.get("/account").status_code == 303 and laptop.get("/account").status_code == 303


def test_a_planted_session_cookie_is_replaced_at_sign_in(site: str) -> None:
    client = httpx.Client(base_url=site, timeout=30, cookies={"papertalk_session": "planted-by-an-attacker"})
    token = form_token(client, "/signin")
    answer = client.post("/signin", data={"csrf": token, "name": "ada", "password": PASSWORD})
    assert answer.status_code == 303
    fresh = answer.cookies["papertalk_session"]
    assert fresh != "planted-by-an-attacker" and len(fresh) >= 43
    attacker = httpx.Client(base_url=site, timeout=30, cookies={"papertalk_session": "planted-by-an-attacker"})
    assert attacker.get("/account").status_code == 303


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(site: str) -> None:
    client = httpx.Client(base_url=site, timeout=30)
    token = form_token(client, "/signin")
    answers = [
        client.post("/signin", data={"csrf": token, "name": name, "password": "wrong password"})
        for name in ("ada", "nobody")
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert [re.findall(r'role="alert">([^<]*)<', a.text) for a in answers] == [["name or password is wrong"]] * 2


def test_sign_up_refuses_bad_fields_next_to_them_and_saves_nothing(db_url: str) -> None:
    engine = make_engine(migrate_fast(db_url))
    user_accounts.add_user(engine, OPERATOR, "Ada", "ada@example.org", PASSWORD, False, int(NOW))
    settings = settings_for(db_url)
    link = invitations.invite(engine, settings.people, OPERATOR, int(NOW))
    invite = link.partition("invite=")[2]
    with served(settings) as site:
        client = httpx.Client(base_url=site, timeout=30)
        assert "by invitation" in client.get("/signup").text  # closed: no form without an invitation
        assert client.get("/signup?invite=nonsense").status_code == 400
        token = form_token(client, f"/signup?invite={invite}")
        good = {"csrf": token, "invite": invite, "name": "grace", "email": "grace@example.org", "password": PASSWORD}
        for field, value, message in [
            ("name", "ａｄａ", "name: 'ada' is taken"),
            ("name", "Аda", "other alphabets"),
            ("name", "g" * 5000, "name: at most 32 characters"),
            ("name", "gr\x00ace", "name: must not contain a NUL character"),
            ("email", "grace@", "email: not an email address"),
            ("password", "short", "password: at least 10 characters"),
            ("password", "Grace@Example.org", "password: must not be your name or email address"),
        ]:
            answer = client.post("/signup", data={**good, field: value})
            assert answer.status_code == 400, (field, value)
            error = re.search(rf'id="{field}-error" role="alert">([^<]*)<', answer.text)
            assert error and message in error.group(1).replace("&#39;", "'"), (field, value, answer.text[-800:])
        huge = client.post("/signup", data={**good, "email": "x" * 20_000})
        assert huge.status_code == 400 and "larger than 16 KiB" in huge.text
        assert table(engine, "SELECT name FROM users") == [("Ada",)]
        assert table(engine, "SELECT used_at FROM invitations") == [(None,)]
        answer = client.post("/signup", data=good)
        assert answer.status_code == 303 and answer.headers["location"] == "/signin?done=signup"
        again = client.post("/signup", data={**good, "name": "someone"})
        assert "used or expired" in again.text
    engine.dispose()


def test_account_forms_change_the_password_and_delete_after_confirmation(site: str, db_url: str) -> None:
    ada = signed_in(site)
    token = form_token(ada, "/account")

    def change(current: str, new: str, again: str) -> httpx.Response:
        fields = {"csrf": token, "current_password": current, "new_password": new, "new_password_again": again}
        return ada.post("/account/password", data=fields)

    mismatch = change(PASSWORD, "a new password!", "other")
    assert mismatch.status_code == 400 and 'id="new_password_again-error"' in mismatch.text
    wrong = change("not it at all", "a new password!", "a new password!")
    assert wrong.status_code == 400 and 'id="current_password-error"' in wrong.text
    done = change(PASSWORD, "a new password!", "a new password!")
    assert done.status_code == 303 and ada.get("/account").status_code == 200  # this session stays
    signed_in(site, password="a new password!")
    refused = ada.post("/account/delete", data={"csrf": token, "confirm_name": "bob"})
    assert refused.status_code == 400 and 'id="confirm_name-error"' in refused.text
    deleted = ada.post("/account/delete", data={"csrf": token, "confirm_name": "ada"})
    assert deleted.status_code == 303
    engine = make_engine(db_url)
    assert table(engine, "SELECT COUNT(*) FROM users") == [(0,)]
    engine.dispose()


def test_the_cookie_is_secure_behind_https(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(migrate_fast(db_url))
    user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", PASSWORD, False, int(NOW))
    engine.dispose()
    with served(settings_for(db_url, PAPERTALK_PUBLIC_BASE_URL="https://papers.example.org")) as site:
        client = httpx.Client(base_url=site, timeout=30)
        page = client.get("/signin")
        assert "Secure" in page.headers["set-cookie"]
        # httpx keeps a Secure cookie away from http://, as a browser would: send it by hand
        nonce = page.headers["set-cookie"].split(";")[0].partition("=")[2]
        answer = httpx.post(site + "/signin", cookies={"papertalk_form": nonce}, timeout=30,
                            data={"csrf": csrf_of(page.text), "name": "ada", "password": PASSWORD})  # fmt: skip
        assert answer.status_code == 303 and "Secure" in answer.headers["set-cookie"]
