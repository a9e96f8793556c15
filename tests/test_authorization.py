"""The authorization suite, generated from the app's route table, on SQLite and PostgreSQL over real HTTP.

Every route with a state-changing method must have a case in ``CASES`` (the test fails on a route without
one, so a new route cannot escape). Each case is first tried the way its owner would (it must change the
database: the case's fields are real), then with every attack that applies: anonymous, as another user,
with a missing or forged CSRF token, with an expired or revoked session, with a read-only API token. Every
attack must get a 4xx and leave every table as it was. Every GET route must change nothing either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher, Type
from fastapi.routing import APIRoute
from sqlalchemy import select

from papertalk.config import Settings
from papertalk.core.list_records import PRIVATE
from papertalk.core.people_records import User
from papertalk.core.records import Author, Paper
from papertalk.fetching.pages import FetcherRegistry
from papertalk.services.capture.following import capture_accounts
from papertalk.services.library import discussion, list_adding, list_editing, list_reading, summaries
from papertalk.services.networks import my_network, shared_networks
from papertalk.services.people import api_tokens, invitations, passwords, sessions, user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.services.people.tokens import token_hash
from papertalk.storage.catalogue.paper_rows import paper_row_id, upsert_papers
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.library import comment_rows
from papertalk.storage.people.user_rows import user_by_key
from papertalk.storage.tables import mail_subscriptions, metadata
from papertalk.web import csrf
from papertalk.web.app import create_app
from papertalk.web.viewer import SESSION_COOKIE
from tests.databases import copy_into, kept_template, migrate_fast
from tests.fake_bluesky import FakeAppView, profile
from tests.test_people_settings_web import FOLLOWING_JS
from tests.test_people_web import PASSWORD, settings_for
from tests.web_world import NOW, served

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
DAY = 86_400
HTML_ATTACKS = ("anonymous", "other_user", "missing_csrf", "forged_csrf", "expired_session", "revoked_session",
                "read_token")  # fmt: skip
API_ATTACKS = ("anonymous", "other_user", "session_cookie", "revoked_token", "read_token")
API_OWN_ATTACKS = tuple(a for a in API_ATTACKS if a != "other_user")  # a create has no other owner


@dataclass(frozen=True)
class World:
    """Ada (an admin, the owner), Bob (another user, no admin), their tokens, and the site."""

    base: str
    engine: Engine
    ada_write: str
    ada_read: str
    ada_write_id: int
    ada_read_id: int
    bob_write: str
    ada: User
    lab: int  # Ada's shared network (Cy a member, Bob not), with hackernews:tptacek in it
    club: int  # Bob's shared network, Ada a member
    invite: str  # a path /join/<token> to Bob's club


@dataclass(frozen=True)
class Case:
    """How the owner would call a route: its fields (from the world), and which attacks apply."""

    fields: Callable[[World], dict[str, Any]] = lambda _: {}
    attacks: tuple[str, ...] = HTML_ATTACKS
    path: Callable[[World], str] | None = None
    signed_out: bool = field(default=False)  # the owner's call is itself made signed out (sign in, sign up)
    upload: bool = False  # the form sends following.js as multipart/form-data
    body: Callable[[World], object] | None = None  # an API write's JSON body


NEW = "a new long password"
SIGNED_OUT_ATTACKS = ("missing_csrf", "forged_csrf")
# what only acts on the reader's own account has no other owner to impersonate
OWN_ATTACKS = tuple(a for a in HTML_ATTACKS if a != "other_user")
# the API's own-data writes: a token of someone else acts on their own data, not Ada's
API_OWN_ATTACKS = tuple(a for a in API_ATTACKS if a != "other_user")
# the people's network writes of issue 15 (settings page, shared network pages, their API)
NETWORK_CASES: dict[tuple[str, str], Case] = {
    ("POST", "/settings"): Case(
        lambda w: {"timezone": "Europe/Paris", "categories": "cs.LG", "language": "fr", "public": "on"}, OWN_ATTACKS
    ),
    ("POST", "/settings/follow"): Case(lambda w: {"account": "hackernews:pg"}, OWN_ATTACKS),
    ("POST", "/settings/unfollow"): Case(lambda w: {"account": "hackernews:tptacek"}, OWN_ATTACKS),
    ("POST", "/settings/block"): Case(lambda w: {"block_account": "hackernews:pg"}, OWN_ATTACKS),
    ("POST", "/settings/unblock"): Case(lambda w: {"block_account": "hackernews:rms"}, OWN_ATTACKS),
    ("POST", "/settings/import"): Case(lambda w: {"graph": "bluesky:user1.bsky.social"}, OWN_ATTACKS),
    ("POST", "/settings/import-x"): Case(attacks=OWN_ATTACKS, upload=True),
    ("POST", "/networks"): Case(lambda w: {"name": "new-lab"}, OWN_ATTACKS),
    ("POST", "/networks/accounts/add"): Case(lambda w: {"network": str(w.lab), "account": "hackernews:pg"}),
    ("POST", "/networks/accounts/remove"): Case(lambda w: {"network": str(w.lab), "account": "hackernews:tptacek"}),
    ("POST", "/networks/invite"): Case(lambda w: {"network": str(w.lab)}),
    ("POST", "/networks/members"): Case(lambda w: {"network": str(w.lab), "user": "bob", "role": "editor"}),
    ("POST", "/networks/members/remove"): Case(lambda w: {"network": str(w.lab), "user": "cy"}),
    ("POST", "/networks/leave"): Case(lambda w: {"network": str(w.club)}),  # Bob owns it: he may not leave
    ("POST", "/networks/delete"): Case(lambda w: {"network": str(w.lab), "confirm_name": "lab"}),
    # anyone signed in holding the link may join: there is no other owner
    ("POST", "/join/{token}"): Case(attacks=OWN_ATTACKS, path=lambda w: w.invite),
    ("POST", "/api/v1/follows"): Case(attacks=API_OWN_ATTACKS, body=lambda w: {"account": "hackernews:pg"}),
    ("DELETE", "/api/v1/follows/{account:path}"): Case(
        attacks=API_OWN_ATTACKS, path=lambda w: "/api/v1/follows/hackernews:tptacek"
    ),
    ("POST", "/api/v1/blocks"): Case(attacks=API_OWN_ATTACKS, body=lambda w: {"account": "hackernews:pg"}),
    ("DELETE", "/api/v1/blocks/{account:path}"): Case(
        attacks=API_OWN_ATTACKS, path=lambda w: "/api/v1/blocks/hackernews:rms"
    ),
    ("PATCH", "/api/v1/settings"): Case(attacks=API_OWN_ATTACKS, body=lambda w: {"timezone": "Asia/Tokyo"}),
    ("POST", "/api/v1/networks"): Case(attacks=API_OWN_ATTACKS, body=lambda w: {"name": "new-lab"}),
    ("PUT", "/api/v1/networks/{network_id}/members"): Case(
        attacks=API_ATTACKS, path=lambda w: f"/api/v1/networks/{w.lab}/members", body=lambda w: {"user": "bob"}
    ),
    ("DELETE", "/api/v1/networks/{network_id}/members/{user_name}"): Case(
        attacks=API_ATTACKS, path=lambda w: f"/api/v1/networks/{w.lab}/members/cy"
    ),
    ("POST", "/api/v1/networks/{network_id}/accounts"): Case(
        attacks=API_ATTACKS,
        path=lambda w: f"/api/v1/networks/{w.lab}/accounts",
        body=lambda w: {"account": "hackernews:pg"},
    ),
    ("DELETE", "/api/v1/networks/{network_id}/accounts/{account:path}"): Case(
        attacks=API_ATTACKS, path=lambda w: f"/api/v1/networks/{w.lab}/accounts/hackernews:tptacek"
    ),
}
CASES: dict[tuple[str, str], Case] = {
    **NETWORK_CASES,
    ("POST", "/signin"): Case(lambda w: {"name": "ada", "password": PASSWORD}, SIGNED_OUT_ATTACKS, signed_out=True),
    ("POST", "/signup"): Case(
        lambda w: {"name": "carol", "email": "carol@example.org", "password": PASSWORD},
        SIGNED_OUT_ATTACKS,
        signed_out=True,
    ),
    # signed out, there is no session to end: only the forms' own checks apply
    ("POST", "/signout"): Case(attacks=("missing_csrf", "forged_csrf", "read_token")),
    ("POST", "/account/password"): Case(
        lambda w: {
            "current_password": PASSWORD,
            "new_password": "a new long password",
            "new_password_again": "a new long password",
        },
        OWN_ATTACKS,
    ),
    ("POST", "/account/signout-everywhere"): Case(attacks=OWN_ATTACKS),
    ("POST", "/account/delete"): Case(lambda w: {"confirm_name": "ada"}, OWN_ATTACKS),
    ("POST", "/account/tokens"): Case(lambda w: {"label": "script", "scope": "write"}, OWN_ATTACKS),
    ("POST", "/account/digest-feed"): Case(attacks=OWN_ATTACKS),
    # digest email (issue 18): Ada subscribed (active, so a schedule change needs no SMTP server)
    ("POST", "/settings/mail"): Case(
        lambda w: mail_of_ada(w) and {"mail_cadence": "weekly", "mail_hour": "9"}, OWN_ATTACKS
    ),
    ("POST", "/settings/mail/stop"): Case(lambda w: mail_of_ada(w) and {}, OWN_ATTACKS),
    # the link's token is the authority (signed out); its page's form carries a CSRF token
    ("POST", "/mail/confirm/{token}"): Case(
        attacks=SIGNED_OUT_ATTACKS, signed_out=True, path=lambda w: f"/mail/confirm/{mail_of_ada(w, pending=True)}"
    ),
    # RFC 8058 one-click: a POST with no sign-in and no CSRF token; the unguessable token alone authorizes
    ("POST", "/mail/unsubscribe/{token}"): Case(
        attacks=(), signed_out=True, path=lambda w: f"/mail/unsubscribe/{mail_of_ada(w)}"
    ),
    ("POST", "/account/tokens/revoke"): Case(lambda w: {"token_id": str(w.ada_read_id)}),
    ("POST", "/admin/users"): Case(lambda w: {"name": "bob", "action": "disable"}),
    ("POST", "/admin/invitations"): Case(),
    ("POST", "/admin/invitations/revoke"): Case(lambda w: {"invitation_id": "1"}),
    ("POST", "/admin/registration"): Case(lambda w: {"registration": "open"}),
    ("DELETE", "/api/v1/tokens/{token_id}"): Case(
        attacks=API_ATTACKS, path=lambda w: f"/api/v1/tokens/{w.ada_read_id}"
    ),
    # reading lists (issue 17): Ada's private list, with one item, made on first use (list_of_ada)
    ("POST", "/lists"): Case(lambda w: {"title": "NIPS 2016", "visibility": "public"}, OWN_ATTACKS),
    ("POST", "/lists/{list_id:int}/edit"): Case(
        lambda w: {"action": "add", "paper": "1607.06450", "verdict": "worth it"},
        path=lambda w: f"/lists/{list_of_ada(w)}/edit",
    ),
    ("POST", "/lists/{list_id:int}/follow"): Case(path=lambda w: f"/lists/{list_of_ada(w)}/follow"),
    ("POST", "/lists/add"): Case(lambda w: {"list": str(list_of_ada(w)), "paper": "1607.06450"}),
    ("POST", "/lists/import"): Case(
        lambda w: {"step": "save", "text": "# Notes\n\n## Tuesday\n\n- [Talk](https://arxiv.org/abs/1607.06450)"},
        OWN_ATTACKS,
    ),
    ("POST", "/api/v1/lists"): Case(lambda w: {"title": "From a script"}, API_OWN_ATTACKS),
    ("PATCH", "/api/v1/lists/{list_id}"): Case(
        lambda w: {"title": "Renamed", "version": list_version(w)},
        API_ATTACKS,
        lambda w: f"/api/v1/lists/{list_of_ada(w)}",
    ),
    ("DELETE", "/api/v1/lists/{list_id}"): Case(attacks=API_ATTACKS, path=lambda w: f"/api/v1/lists/{list_of_ada(w)}"),
    ("POST", "/api/v1/lists/{list_id}/items"): Case(
        lambda w: {"paper": "1607.06450"}, API_ATTACKS, lambda w: f"/api/v1/lists/{list_of_ada(w)}/items"
    ),
    ("DELETE", "/api/v1/lists/{list_id}/items/{item_id}"): Case(
        attacks=API_ATTACKS,
        path=lambda w: f"/api/v1/lists/{list_of_ada(w)}/items/{item_of_ada(w)}?version={list_version(w)}",
    ),
    # curated digests (issue 18): everyone's is the admins' (Ada), so Bob's is the other user's attack
    ("POST", "/digest/{day}/compose"): Case(
        lambda w: {"stream": "everyone", "title": "Editors' picks", "intro": "Read $x^2$.", "action": "publish"},
        path=lambda w: "/digest/2026-12-06/compose",
    ),
    ("PUT", "/api/v1/curated/{day}"): Case(
        attacks=API_ATTACKS,
        path=lambda w: "/api/v1/curated/2026-12-07",
        body=lambda w: {"stream": "everyone", "title": "From a script", "intro": "Hi"},
    ),
}


def mail_of_ada(w: World, pending: bool = False) -> str:
    """Ada's digest email subscription (made again for each case): its confirmation token when
    ``pending``, else its unsubscribe token of an active one."""
    token = f"mail-token-{'p' if pending else 'a'}"
    with w.engine.begin() as conn:
        conn.execute(mail_subscriptions.delete().where(mail_subscriptions.c.user_id == w.ada.id))
        conn.execute(mail_subscriptions.insert().values(
            user_id=w.ada.id, cadence="daily", hour=7, state="pending" if pending else "active",
            confirm_hash=token_hash(token) if pending else None, unsubscribe_hash=token_hash(token + "-u"),
            created_at=int(NOW), confirmed_at=None if pending else int(NOW),
        ))  # fmt: skip
    return token if pending else token + "-u"


def list_of_ada(w: World) -> int:
    """Ada's private list (with one item), made the first time a case asks for it."""
    found = [ref.id for ref in list_reading.my_lists(w.engine, w.ada) if ref.title == "Ada's private list"]
    if found:
        return found[0]
    made = list_editing.create_list(w.engine, w.ada, "Ada's private list", "", PRIVATE, int(NOW))
    list_adding.add_item(
        w.engine, Settings("sqlite://"), w.ada, made, "1606.01234", now=int(NOW), section="Tuesday/Main talks"
    )
    return made


def list_version(w: World) -> int:
    return list_reading.list_view(w.engine, w.ada, list_of_ada(w)).ref.version


def item_of_ada(w: World) -> int:
    return list_reading.list_view(w.engine, w.ada, list_of_ada(w)).all_items()[0].id


# The library's routes (issue 16) act on a summary, comment or notification made just for the case.
LIBRARY_PAPER = "2401.00001"
LIBRARY_SETTINGS = Settings(database_url="sqlite://")


def library_user(w: World, name: str) -> User:
    with w.engine.connect() as conn:
        found = user_by_key(conn, name)
    assert found is not None
    return found


def library_summary(w: World, owner: str = "ada") -> int:
    """``owner``'s public summary of the library paper (made on the first call)."""
    with w.engine.begin() as conn:
        if paper_row_id(conn, LIBRARY_PAPER) is None:
            upsert_papers(conn, [Paper(LIBRARY_PAPER, "A paper")], int(NOW))
    user = library_user(w, owner)
    mine = summaries.own_summary_of(w.engine, user, LIBRARY_PAPER)
    if mine is not None:
        return mine.id
    draft = summaries.draft_of("t", "A summary with $x^2$", "public", False)
    return summaries.save_summary(w.engine, LIBRARY_SETTINGS, user, LIBRARY_PAPER, draft, int(NOW)).id


def library_comment(w: World) -> int:
    """Ada's comment under Bob's summary (made on the first call)."""
    summary = library_summary(w, "bob")
    with w.engine.connect() as conn:
        mine = [c for c in comment_rows.comments_of(conn, summary) if c.user_id == w.ada.id]
    if mine:
        return mine[0].id
    return discussion.add_comment(w.engine, LIBRARY_SETTINGS.library, w.ada, summary, "a comment", None, int(NOW)).id


def ada_notified(w: World) -> dict[str, str]:
    """An unread notification for Ada: Bob comments on her summary."""
    summary = library_summary(w)
    discussion.add_comment(w.engine, LIBRARY_SETTINGS.library, library_user(w, "bob"), summary, "hi", None, int(NOW))
    return {}


API_OWN_ATTACKS = tuple(a for a in API_ATTACKS if a != "other_user")
WRITE = {"paper": LIBRARY_PAPER, "kind": "summary", "title": "t", "source": "Some $x$", "visibility": "public",
         "action": "save"}  # fmt: skip
CASES.update({
    ("POST", "/summaries/new"): Case(lambda w: {**WRITE, "paper": library_summary(w, "bob") and LIBRARY_PAPER},
                                     OWN_ATTACKS),
    ("POST", "/summaries/{summary_id:int}/edit"): Case(lambda w: {**WRITE, "source": "changed"},
                                                   path=lambda w: f"/summaries/{library_summary(w)}/edit"),
    ("POST", "/summaries/{summary_id:int}/delete"): Case(path=lambda w: f"/summaries/{library_summary(w)}/delete"),
    # Bob's summary: Ada's vote counts, Bob's own (the other-user attack) is refused
    ("POST", "/summaries/{summary_id:int}/vote"): Case(lambda w: {"vote": "up"},
                                                   path=lambda w: f"/summaries/{library_summary(w, 'bob')}/vote"),
    ("POST", "/summaries/{summary_id:int}/comments"): Case(
        lambda w: {"source": "a comment"}, OWN_ATTACKS,
        path=lambda w: f"/summaries/{library_summary(w, 'bob')}/comments",
    ),
    ("POST", "/comments/{comment_id:int}/edit"): Case(lambda w: {"source": "changed"},
                                                  path=lambda w: f"/comments/{library_comment(w)}/edit"),
    ("POST", "/comments/{comment_id:int}/delete"): Case(path=lambda w: f"/comments/{library_comment(w)}/delete"),
    ("POST", "/reports"): Case(lambda w: {"target": "summary", "id": str(library_summary(w, "bob")), "reason": "spam"},
                               OWN_ATTACKS),
    ("POST", "/notifications/read"): Case(ada_notified, OWN_ATTACKS),
    ("POST", "/admin/reports"): Case(lambda w: {"target": "summary", "id": str(library_summary(w, "bob")),
                                                "action": "hide"}),
    ("POST", "/api/v1/summaries"): Case(attacks=API_OWN_ATTACKS, path=lambda w: "/api/v1/summaries",
                                        body=lambda w: {"arxiv_id": library_summary(w, "bob") and LIBRARY_PAPER,
                                                        "source": "Some $x$"}),
    ("PUT", "/api/v1/summaries/{summary_id}"): Case(attacks=API_ATTACKS,
                                                    path=lambda w: f"/api/v1/summaries/{library_summary(w)}",
                                                    body=lambda w: {"source": "changed"}),
    ("DELETE", "/api/v1/summaries/{summary_id}"): Case(attacks=API_ATTACKS,
                                                       path=lambda w: f"/api/v1/summaries/{library_summary(w)}"),
    ("PUT", "/api/v1/summaries/{summary_id}/vote"): Case(
        attacks=API_ATTACKS, path=lambda w: f"/api/v1/summaries/{library_summary(w, 'bob')}/vote",
        body=lambda w: {"vote": "up"},
    ),
    ("POST", "/api/v1/summaries/{summary_id}/comments"): Case(
        attacks=API_OWN_ATTACKS, path=lambda w: f"/api/v1/summaries/{library_summary(w, 'bob')}/comments",
        body=lambda w: {"source": "a comment"},
    ),
    ("PUT", "/api/v1/comments/{comment_id}"): Case(attacks=API_ATTACKS,
                                                   path=lambda w: f"/api/v1/comments/{library_comment(w)}",
                                                   body=lambda w: {"source": "changed"}),
    ("DELETE", "/api/v1/comments/{comment_id}"): Case(attacks=API_ATTACKS,
                                                      path=lambda w: f"/api/v1/comments/{library_comment(w)}"),
})  # fmt: skip


def app_routes(db_url: str) -> list[APIRoute]:
    """The app's route table (the app over an upgraded database at ``db_url``)."""
    app = create_app(settings_for(db_url))
    return list(api_routes(app.routes))


def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every endpoint, through the included routers (FastAPI keeps each included router as one entry; the
    app includes them without a prefix, each route's path already carries its router's)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            assert route.include_context.prefix == ""
            yield from api_routes(route.original_router.routes)


def test_every_state_changing_route_has_a_case(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'routes.sqlite3'}"
    make_engine(migrate_fast(db_url)).dispose()
    routes = {(m, r.path) for r in app_routes(db_url) for m in r.methods & WRITES}
    assert len(routes) >= 39
    assert routes - CASES.keys() == set(), "a state-changing route without a case in CASES"
    assert CASES.keys() - routes == set(), "a case for a route the app no longer has"


# When a token or session was last presented is bookkeeping of the caller's own presence, not a change an
# attack achieves (a refused read-only token was still used): left out of the comparison.
PRESENCE = {("api_tokens", "last_used_at"), ("sessions", "last_seen_at")}


def dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (but the presence columns), in a stable order."""
    tables = {}
    with engine.connect() as conn:
        for t in metadata.sorted_tables:
            columns = [c for c in t.columns if (t.name, c.name) not in PRESENCE]
            tables[t.name] = sorted((tuple(r) for r in conn.execute(select(*columns))), key=repr)
    return tables


# Per backend: the database every case copies, and the World's fields but its base URL and engine.
_BUILT: dict[str, tuple[str, dict[str, Any]]] = {}


def built_world(backend: str) -> tuple[str, dict[str, Any]]:
    """Ada, Bob and Cy with their tokens, an invitation and the networks (``network_world``), built once
    (the template's location, and the World fields it gives):
    building it per case, with its argon2 hashes, cost ~0.7 s of each of the ~930 cases."""
    if backend not in _BUILT:
        made: dict[str, Any] = {}

        def fill(engine: Engine, url: str) -> None:
            ada = user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", PASSWORD, True, int(NOW))
            bob = user_accounts.add_user(engine, OPERATOR, "bob", "bob@example.org", PASSWORD, False, int(NOW))
            cy = user_accounts.add_user(engine, OPERATOR, "cy", "cy@example.org", PASSWORD, False, int(NOW))
            write = api_tokens.create_token(engine, ada, ada.id, "w", "write", int(NOW))
            read = api_tokens.create_token(engine, ada, ada.id, "r", "read", int(NOW))
            bob_write = api_tokens.create_token(engine, bob, bob.id, "w", "write", int(NOW))
            invitations.invite(engine, settings_for(url).people, OPERATOR, int(NOW))
            lab, club, invite = network_world(engine, ada, bob, cy)
            made.update(ada_write=write.secret, ada_read=read.secret, ada_write_id=write.token.id,
                        ada_read_id=read.token.id, bob_write=bob_write.secret, ada=ada, lab=lab, club=club,
                        invite=invite)  # fmt: skip

        _BUILT[backend] = kept_template(backend, fill), made
    return _BUILT[backend]


@pytest.fixture
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at its lowest cost for this suite: it tries who may call a route, not how passwords are
    hashed (tests/test_people_accounts.py and bench/signin.py do that), and each case signs people in."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    monkeypatch.setattr(passwords, "hasher", lambda *_: cheap)


@pytest.fixture
def world(db_url: str, fake_appview: FakeAppView, cheap_password_hashes: None) -> Iterator[World]:
    backend = "sqlite" if db_url.startswith("sqlite") else "postgres"
    template, made = built_world(backend)
    engine = make_engine(copy_into(db_url, template))
    fake_appview.profiles.update({f"user{n}.bsky.social": profile(n) for n in (1, 2)})
    fake_appview.follows["user1.bsky.social"] = [profile(2)]
    settings = settings_for(db_url, PAPERTALK_REGISTRATION="open", PAPERTALK_BLUESKY_APPVIEW_URL=fake_appview.url)
    with served(settings) as base:
        yield World(base, engine, **made)
    engine.dispose()


def network_world(engine: Engine, ada: User, bob: User, cy: User) -> tuple[int, int, str]:
    """Captured Hacker News accounts (pg, tptacek, rms); Ada follows tptacek and blocked rms; her "lab" (Cy a
    member, tptacek in it); Bob's "club" (Ada a member) and a link to it. (Bluesky user1 following user2 is
    the fake AppView's, set per case by ``world``.)"""
    now = int(NOW)
    capture_accounts(engine, [Author("hackernews", h, h) for h in ("pg", "tptacek", "rms")], now)
    my_network.ensure_network(engine, ada)
    my_network.follow(engine, FetcherRegistry(), ada, ada, "hackernews:tptacek", now)
    my_network.block(engine, ada, ada, "hackernews:rms")
    lab = shared_networks.create(engine, ada, "lab", False, now)
    shared_networks.add_member(engine, ada, "lab", "cy", "member", now)
    shared_networks.add_account(engine, FetcherRegistry(), ada, "lab", "hackernews:tptacek", now)
    club = shared_networks.create(engine, bob, "club", False, now)
    shared_networks.add_member(engine, bob, "club", "ada", "member", now)
    link = shared_networks.invite_link(engine, bob, "club", "http://x", now)
    del cy
    return lab.id, club.id, link.removeprefix("http://x")


def session_client(w: World, name: str, at: float = NOW, revoke: bool = False) -> tuple[httpx.Client, str]:
    """A client holding a session of ``name`` begun at ``at``, and the CSRF token that session's forms carry."""
    people = settings_for("sqlite://").people
    signed = sessions.sign_in(w.engine, people, name, PASSWORD, f"10.0.0.{len(name)}", int(at))
    if revoke:
        sessions.sign_out(w.engine, signed.token, int(NOW))
    client = httpx.Client(base_url=w.base, timeout=30)
    client.cookies.set(SESSION_COOKIE, signed.token)
    return client, csrf.form_token(sessions.form_secret(w.engine), "session:" + token_hash(signed.token))


def signed_out_client(w: World) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=w.base, timeout=30)
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text)
    assert found
    return client, found.group(1)


def call(client: httpx.Client, method: str, path: str, fields: dict[str, str] | None,
         headers: dict[str, str] | None = None, body: object = None,
         upload: bool = False) -> Callable[[], httpx.Response]:  # fmt: skip
    if body is not None:
        return lambda: client.request(method, path, json=body, headers=headers)
    if upload:
        files = {"following": ("following.js", FOLLOWING_JS.read_bytes(), "application/javascript")}
        return lambda: client.post(path, data=fields, files=files, headers=headers)
    if method == "POST":
        return lambda: client.post(path, data=fields, headers=headers)
    return lambda: client.request(method, path, headers=headers)


def prepare(w: World, method: str, path: str, case: Case, attack: str | None) -> Callable[[], httpx.Response]:
    """The request of ``attack`` (None: the owner's own call), ready to send once the tables are dumped."""
    fields: dict[str, Any] = case.fields(w)
    if path.startswith("/api/"):
        if attack == "revoked_token":
            api_tokens.revoke_token(w.engine, w.ada, w.ada.id, w.ada_write_id, int(NOW))
        bearer = {None: w.ada_write, "anonymous": None, "other_user": w.bob_write, "session_cookie": None,
                  "revoked_token": w.ada_write, "read_token": w.ada_read}[attack]  # fmt: skip
        client = session_client(w, "ada")[0] if attack == "session_cookie" else httpx.Client(base_url=w.base)
        auth = {"Authorization": f"Bearer {bearer}"} if bearer else None
        # The JSON body: the case's own, or (the reading lists' cases) its fields sent as JSON.
        return call(client, method, path, None, auth, case.body(w) if case.body else (fields or None))
    if attack == "read_token":
        client = httpx.Client(base_url=w.base, timeout=30)
        return call(client, method, path, fields, {"Authorization": f"Bearer {w.ada_read}"}, upload=case.upload)
    if attack == "anonymous" or case.signed_out:
        client, token = signed_out_client(w)
    elif attack == "other_user":
        client, token = session_client(w, "bob")
    elif attack == "expired_session":
        client, token = session_client(w, "ada", at=NOW - 60 * DAY)
    elif attack == "revoked_session":
        client, token = session_client(w, "ada", revoke=True)
    else:
        client, token = session_client(w, "ada")
    sent = {"missing_csrf": None, "forged_csrf": "0" * 64}.get(attack or "", token)
    return call(client, method, path, {**fields, **({"csrf": sent} if sent else {})}, upload=case.upload)


def route_cases() -> list[tuple[str, str, str | None]]:
    """(method, route, attack) for every case, the owner's own call (None) first."""
    return [(m, p, a) for (m, p), case in CASES.items() for a in (None, *case.attacks)]


@pytest.mark.parametrize(("method", "route", "attack"), route_cases(), ids=str)
def test_a_state_changing_route_refuses_every_attack(world: World, method: str, route: str, attack: str | None) -> None:
    case = CASES[(method, route)]
    path = case.path(world) if case.path else route
    send = prepare(world, method, path, case, attack)
    before = dump(world.engine)
    answer = send()
    after = dump(world.engine)
    if attack is None:  # the owner's call works: the attacks below are the same request, only the attack differs
        assert answer.status_code < 400, answer.text[:300]
        assert after != before, f"{method} {route} changed nothing for its owner"
        return
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
    assert after == before, f"{method} {route} changed the database under attack {attack}"
    if path.startswith("/api/"):
        assert answer.json()["error"]


def get_paths(db_url: str) -> list[str]:
    params = {"arxiv_id": "2401.00001", "arxiv_id:path": "2401.00001"}
    paths = []
    for route in app_routes(db_url):
        if "GET" in route.methods:
            paths.append(re.sub(r"\{([^}]+)\}", lambda m: params.get(m.group(1), "x"), route.path))
    return paths


def test_no_get_route_changes_anything(world: World) -> None:
    ada, _ = session_client(world, "ada")
    dead_token = {"Authorization": "Bearer pt_not-a-token"}
    readers = {
        "anonymous": httpx.Client(base_url=world.base, timeout=30),
        "ada": ada,
        "dead token": httpx.Client(base_url=world.base, timeout=30, headers=dead_token),
    }
    paths = get_paths(str(world.engine.url.render_as_string(hide_password=False)))
    assert "/admin" in paths and "/account" in paths and "/api/v1/me" in paths
    for who, client in readers.items():
        before = dump(world.engine)
        for path in paths:
            assert client.get(path).status_code < 500, (who, path)
        assert dump(world.engine) == before, f"a GET changed the database ({who})"
