"""Sign-in sessions: sign in (throttled, timing-safe), find the user of a session token, sign out.

The token lives only in the person's cookie; the database holds its SHA-256, so every web process shares
the sessions and a leaked table signs nobody in. Each sign-in makes a new token (a token planted before
sign-in never becomes signed in) and revokes the one the browser presented, if any.
"""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.config import PeopleSettings
from papertalk.core.people_records import User
from papertalk.core.people_rules import PASSWORD_MAX, name_key
from papertalk.services.people import signin_throttle
from papertalk.services.people.passwords import verify_nobody, verify_password
from papertalk.services.people.permissions import Actor, require_self
from papertalk.services.people.signin_throttle import ADDRESS_LIMIT, NAME_LIMIT, SignInRefused
from papertalk.services.people.tokens import new_token, token_hash
from papertalk.storage.engine import Engine
from papertalk.storage.people import session_rows, user_rows
from papertalk.storage.people.site_secret import site_secret

DAY = 86_400
TOUCH_SECONDS = 300  # last_seen is written at most this often per session: a page view is then a read only
WRONG = "name or password is wrong"  # the one message for an unknown name, a wrong password, a disabled user


class SignInFailed(Exception):
    """The name and password do not sign anyone in (the message never says which part was wrong)."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    token: str  # for the cookie; never stored


def sign_in(
    engine: Engine, people: PeopleSettings, name: str, password: str, address: str, now: int,
    previous_token: str | None = None,
) -> SignedIn:  # fmt: skip
    """A new session for the right name and password; SignInRefused when throttled, SignInFailed otherwise."""
    key = name_key(name.strip()[:256])
    with engine.begin() as conn:
        wait = signin_throttle.admit(conn, {NAME_LIMIT: key, ADDRESS_LIMIT: address}, now)
    if wait:
        raise SignInRefused(wait)
    with engine.connect() as conn:
        found = user_rows.credentials_by_key(conn, key)
    if found is None or len(password) > PASSWORD_MAX:
        verify_nobody(password[:PASSWORD_MAX])  # the same cost as a real check: timing tells nothing
        raise SignInFailed(WRONG)
    ok, rehashed = verify_password(found.password_hash, password)
    if not ok or found.user.disabled:
        raise SignInFailed(WRONG)
    token = new_token()
    with engine.begin() as conn:
        signin_throttle.succeeded(conn, key, address)
        if rehashed:
            user_rows.set_password_hash(conn, found.user.id, rehashed)
        if previous_token:
            session_rows.revoke(conn, token_hash(previous_token), now)
        session_rows.open_session(conn, token_hash(token), found.user.id, now, now + int(people.session_days * DAY))
    return SignedIn(found.user, token)


def session_user(engine: Engine, people: PeopleSettings, token: str, now: int) -> User | None:
    """The user a session token signs in, if it is live; keeps its idle clock running."""
    hashed = token_hash(token)
    idle_since = now - int(people.session_idle_days * DAY)
    with engine.connect() as conn:
        found = session_rows.live_session_user(conn, hashed, now, idle_since)
    if found is None:
        return None
    user, last_seen = found
    if now - last_seen >= TOUCH_SECONDS:
        with engine.begin() as conn:
            session_rows.touch(conn, hashed, now)
    return user


def sign_out(engine: Engine, token: str, now: int) -> None:
    with engine.begin() as conn:
        session_rows.revoke(conn, token_hash(token), now)


def sign_out_everywhere(engine: Engine, actor: Actor, user_id: int, now: int) -> int:
    """End every session of the user, the current one too; how many."""
    require_self(actor, user_id, "sign out everywhere")
    with engine.begin() as conn:
        return session_rows.revoke_all(conn, user_id, now)


def form_secret(engine: Engine) -> str:
    """The instance's secret for signing form tokens (the same for every process)."""
    with engine.begin() as conn:
        return site_secret(conn)
