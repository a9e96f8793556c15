"""Sessions and sign-in on SQLite and PostgreSQL: only the token's hash is stored, expiry, idle timeout,
revocation, no fixation, throttling counted in the database across two "processes" (two engines on one
database), and an unknown name answered like a wrong password, in the same time."""

from __future__ import annotations

import hashlib
import statistics
import time
from collections.abc import Iterator

import pytest

from papertalk.config import PeopleSettings
from papertalk.services.people import admin, sessions, user_accounts
from papertalk.services.people.permissions import OPERATOR, NotAllowed
from papertalk.services.people.signin_throttle import WINDOW_SECONDS, SignInRefused
from papertalk.storage.engine import Engine, make_engine
from tests.helpers import table

NOW = 1_800_000_000
PASSWORD = "correct horse battery"
DAY = 86_400
PEOPLE = PeopleSettings(session_days=30, session_idle_days=7)


@pytest.fixture
def ada(engine: Engine) -> int:
    return user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", PASSWORD, False, NOW).id


@pytest.fixture
def second_engine(db_url: str, engine: Engine) -> Iterator[Engine]:
    """Another process's view of the same database: its own engine and connection pool."""
    other = make_engine(db_url)
    yield other
    other.dispose()


def test_a_session_stores_only_the_tokens_hash_and_ends(engine: Engine, second_engine: Engine, ada: int) -> None:
    signed = sessions.sign_in(engine, PEOPLE, "ada", PASSWORD, "127.0.0.1", NOW)
    stored = table(engine, "SELECT token_hash, expires_at FROM sessions")
    assert stored == [(hashlib.sha256(signed.token.encode()).hexdigest(), NOW + 30 * DAY)]
    user = sessions.session_user(second_engine, PEOPLE, signed.token, NOW + 60)  # shared by every process
    assert user is not None and user.id == ada
    assert sessions.session_user(engine, PEOPLE, stored[0][0], NOW) is None  # the stored hash signs nobody in
    assert sessions.session_user(engine, PEOPLE, signed.token, NOW + 30 * DAY) is None  # expired


def test_an_idle_session_ends_and_use_keeps_it_alive(engine: Engine, ada: int) -> None:
    token = sessions.sign_in(engine, PEOPLE, "ada", PASSWORD, "127.0.0.1", NOW).token
    for day in range(1, 20, 6):  # used every 6 days: alive after 19
        assert sessions.session_user(engine, PEOPLE, token, NOW + day * DAY) is not None
    assert sessions.session_user(engine, PEOPLE, token, NOW + 19 * DAY + 7 * DAY + 1) is None


def test_revoked_disabled_and_signed_out_everywhere(engine: Engine, second_engine: Engine, ada: int) -> None:
    first = sessions.sign_in(engine, PEOPLE, "ada", PASSWORD, "127.0.0.1", NOW)
    second = sessions.sign_in(second_engine, PEOPLE, "ada", PASSWORD, "127.0.0.1", NOW)
    sessions.sign_out(engine, first.token, NOW + 1)
    assert sessions.session_user(second_engine, PEOPLE, first.token, NOW + 2) is None
    assert sessions.session_user(second_engine, PEOPLE, second.token, NOW + 2) is not None
    bob = user_accounts.add_user(engine, OPERATOR, "bob", "bob@example.org", PASSWORD, False, NOW)
    with pytest.raises(NotAllowed):
        sessions.sign_out_everywhere(engine, bob, ada, NOW)
    assert sessions.sign_out_everywhere(engine, second.user, ada, NOW + 3) == 1
    assert sessions.session_user(engine, PEOPLE, second.token, NOW + 4) is None
    third = sessions.sign_in(engine, PEOPLE, "ada", PASSWORD, "127.0.0.1", NOW + 5).token
    admin.set_disabled(engine, OPERATOR, "ada", True, NOW + 6)
    assert sessions.session_user(engine, PEOPLE, third, NOW + 7) is None
    with pytest.raises(sessions.SignInFailed, match=r"^name or password is wrong$"):
        sessions.sign_in(engine, PEOPLE, "ada", PASSWORD, "127.0.0.1", NOW + 8)


def test_no_session_fixation(engine: Engine, ada: int) -> None:
    """A token planted in the browser before sign-in is not the one signed in, and the old one ends."""
    planted = sessions.sign_in(engine, PEOPLE, "ada", PASSWORD, "127.0.0.1", NOW).token
    fresh = sessions.sign_in(engine, PEOPLE, "ada", PASSWORD, "127.0.0.1", NOW + 1, previous_token=planted)
    assert fresh.token != planted
    assert sessions.session_user(engine, PEOPLE, planted, NOW + 2) is None
    assert sessions.session_user(engine, PEOPLE, fresh.token, NOW + 2) is not None


def test_changing_the_password_ends_the_other_sessions(engine: Engine, ada: int) -> None:
    here = sessions.sign_in(engine, PEOPLE, "ada", PASSWORD, "127.0.0.1", NOW)
    there = sessions.sign_in(engine, PEOPLE, "ada", PASSWORD, "10.0.0.1", NOW)
    here_hash = hashlib.sha256(here.token.encode()).hexdigest()
    user_accounts.change_password(engine, here.user, ada, PASSWORD, "a brand new password", here_hash, NOW + 1)
    assert sessions.session_user(engine, PEOPLE, here.token, NOW + 2) is not None
    assert sessions.session_user(engine, PEOPLE, there.token, NOW + 2) is None
    with pytest.raises(sessions.SignInFailed):
        sessions.sign_in(engine, PEOPLE, "ada", PASSWORD, "127.0.0.1", NOW + 3)
    assert sessions.sign_in(engine, PEOPLE, "ada", "a brand new password", "127.0.0.1", NOW + 4)


def _fail(engine: Engine, name: str, now: int, address: str = "192.0.2.1") -> str:
    try:
        sessions.sign_in(engine, PEOPLE, name, "not the password", address, now)
    except (sessions.SignInFailed, SignInRefused) as error:
        return str(error)
    raise AssertionError("a wrong password signed in")


def test_failures_slow_then_lock_a_name_across_processes(engine: Engine, second_engine: Engine, ada: int) -> None:
    engines = [engine, second_engine]
    for n in range(5):  # the first five are free, alternating processes
        assert _fail(engines[n % 2], "ada", NOW + n) == "name or password is wrong"
    assert _fail(second_engine, "ada", NOW + 5).startswith("name or password is wrong")  # 6th: allowed
    refused = _fail(engine, "ada", NOW + 5)  # at once after the 6th failure: slowed
    assert refused == "too many failed sign-ins for this name or from this address: try again in 2 s"
    now = NOW + 5
    for n in range(4):  # waiting out 2, 4, 8, 16 s each time is still allowed
        now += 2 ** (n + 1)
        assert _fail(engines[n % 2], "ada", now) == "name or password is wrong"
    # ten failures: refused for the window, even with the right password, from any process and address
    with pytest.raises(SignInRefused) as locked:
        sessions.sign_in(second_engine, PEOPLE, "ada", PASSWORD, "203.0.113.9", now + 300)
    assert locked.value.retry_after > 0
    later = now + WINDOW_SECONDS + 1
    assert sessions.sign_in(engine, PEOPLE, "ada", PASSWORD, "203.0.113.9", later).user.id == ada


def test_an_unknown_name_is_throttled_and_answered_like_a_known_one(engine: Engine, ada: int) -> None:
    assert _fail(engine, "nobody", NOW) == _fail(engine, "ada", NOW)
    for n in range(1, 10):
        _fail(engine, "nobody", NOW + 50 * n)
    assert _fail(engine, "nobody", NOW + 500).startswith("too many failed sign-ins")


def test_an_address_is_throttled_over_many_names(engine: Engine) -> None:
    for n in range(20):
        assert _fail(engine, f"name{n}", NOW, address="198.51.100.7") == "name or password is wrong"
    assert _fail(engine, "name20", NOW, address="198.51.100.7").startswith("too many failed sign-ins")
    assert _fail(engine, "name20", NOW, address="198.51.100.8") == "name or password is wrong"


def test_an_unknown_name_costs_what_a_wrong_password_costs(engine: Engine, ada: int) -> None:
    def seconds(name: str, at: int) -> float:
        start = time.process_time()  # CPU time: the machine's other load does not blur it
        _fail(engine, name, at, address=f"192.0.2.{at % 200}")
        return time.process_time() - start

    known = statistics.median(seconds("ada", NOW + 1000 * n) for n in range(4))
    unknown = statistics.median(seconds("nobody", NOW + 1000 * n + 1) for n in range(4))
    assert known > 0.03  # a real argon2id check ran
    assert 0.5 < unknown / known < 2.0, (known, unknown)
