"""API tokens and the admin rules, on SQLite and PostgreSQL: bearer answers over real HTTP (401 for a dead
token, 403 for a read token writing, the OpenAPI scheme), a token shown once on the account page, the last
admin kept, disabling ending sessions and tokens, the stored registration setting, and the audit log."""

from __future__ import annotations

import httpx
import pytest

from papertalk.config import PeopleSettings
from papertalk.services.people import admin, api_tokens, invitations, sessions, user_accounts
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.invitations import INVITATION_DAYS
from papertalk.services.people.permissions import OPERATOR, NotAllowed
from papertalk.storage.engine import Engine, make_engine
from papertalk.web.formatting import utc
from tests.databases import migrate_fast
from tests.helpers import table
from tests.test_people_web import PASSWORD, form_token, settings_for, signed_in
from tests.web_world import NOW, served

T = int(NOW)


def test_bearer_tokens_over_http(db_url: str) -> None:
    engine = make_engine(migrate_fast(db_url))
    ada = user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", PASSWORD, False, T)
    read = api_tokens.create_token(engine, ada, ada.id, "reader", "read", T)
    write = api_tokens.create_token(engine, ada, ada.id, "writer", "write", T)
    assert read.secret.startswith("pt_") and read.token.prefix == read.secret[:11]
    assert table(engine, "SELECT COUNT(*) FROM api_tokens WHERE token_hash LIKE 'pt_%'") == [(0,)]  # hashed
    with served(settings_for(db_url)) as base:
        me = httpx.get(base + "/api/v1/me", headers={"Authorization": f"Bearer {read.secret}"})
        assert me.json() == {"name": "ada", "is_admin": False, "token_scope": "read"}
        assert me.headers["cache-control"] == "private, no-store"
        refused = httpx.delete(
            base + f"/api/v1/tokens/{read.token.id}", headers={"Authorization": f"Bearer {read.secret}"}
        )
        assert refused.status_code == 403 and "read-only" in refused.json()["error"]
        done = httpx.delete(
            base + f"/api/v1/tokens/{read.token.id}", headers={"Authorization": f"Bearer {write.secret}"}
        )
        assert done.status_code == 200 and done.json() == {"revoked": read.token.id}
        dead = httpx.get(base + "/api/v1/trending", headers={"Authorization": f"Bearer {read.secret}"})
        assert dead.status_code == 401 and dead.headers["www-authenticate"] == "Bearer"
        assert httpx.get(base + "/api/v1/me").status_code == 401
        scheme = httpx.get(base + "/api/v1/openapi.json").json()["components"]["securitySchemes"]
        assert scheme["personalToken"] == {
            "type": "http",
            "scheme": "bearer",
            "description": scheme["personalToken"]["description"],
        }
    engine.dispose()


def test_a_token_is_made_and_shown_once_on_the_account_page(db_url: str) -> None:
    engine = make_engine(migrate_fast(db_url))
    user_accounts.add_user(engine, OPERATOR, "Ada", "ada@example.org", PASSWORD, False, T)
    with served(settings_for(db_url)) as base:
        ada = signed_in(base)
        made = ada.post("/account/tokens", data={"csrf": form_token(ada, "/account"), "label": "cron", "scope": "read"})
        secret = made.text.split('id="new-token">')[1].split("<")[0]
        assert made.status_code == 200 and secret.startswith("pt_")
        again = ada.get("/account").text
        assert secret not in again and secret[:11] + "…" in again
        bad = ada.post("/account/tokens", data={"csrf": form_token(ada, "/account"), "label": "x\x00", "scope": "all"})
        assert bad.status_code == 400 and "label: must not contain control characters" in bad.text
    assert table(engine, "SELECT label, scope FROM api_tokens") == [("cron", "read")]
    engine.dispose()


def test_admin_rules_and_audit(engine: Engine) -> None:
    root = user_accounts.add_user(engine, OPERATOR, "root", "root@example.org", PASSWORD, True, T)
    bob = user_accounts.add_user(engine, root, "bob", "bob@example.org", PASSWORD, False, T)
    with pytest.raises(NotAllowed):
        admin.overview(engine, PeopleSettings(), bob)
    with pytest.raises(FormProblem, match="last admin"):
        admin.set_admin(engine, root, "root", False, T)
    with pytest.raises(FormProblem, match="last admin"):
        admin.set_disabled(engine, root, "root", True, T)
    signed = sessions.sign_in(engine, PeopleSettings(), "bob", PASSWORD, "10.0.0.9", T)
    token = api_tokens.create_token(engine, bob, bob.id, "script", "write", T)
    admin.set_disabled(engine, root, "bob", True, T + 1)
    assert sessions.session_user(engine, PeopleSettings(), signed.token, T + 2) is None
    assert api_tokens.bearer_of(engine, token.secret, T + 2) is None
    assert table(engine, "SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL") == [(0,)]
    admin.set_registration(engine, root, "open", T + 3)
    assert invitations.sign_up(engine, PeopleSettings(registration="closed"), "eve", "e@example.org", PASSWORD, None,
                               T + 4).name == "eve"  # fmt: skip
    with pytest.raises(FormProblem, match="registration: choose one of"):
        admin.set_registration(engine, root, "sometimes", T)
    link = admin.invite(engine, PeopleSettings(), root, T + 5)
    first = admin.overview(engine, PeopleSettings(), root).invitations[0]
    admin.revoke_invitation(engine, root, first.id, T + 6)
    assert not invitations.invitation_is_open(engine, link.partition("invite=")[2], T + 7)
    shown = admin.overview(engine, PeopleSettings(registration="closed"), root)
    assert (shown.registration, shown.registration_default) == ("open", "closed")
    assert [(e.actor, e.action, e.target) for e in shown.audit] == [
        ("root", "revoke invitation", f"invitation {first.id}"),
        ("root", "invite", "a new invitation"),
        ("root", "registration", "open"),
        ("root", "disable", "bob"),
    ]


def test_the_admin_page_is_for_admins_only(db_url: str) -> None:
    engine = make_engine(migrate_fast(db_url))
    user_accounts.add_user(engine, OPERATOR, "Ada", "ada@example.org", PASSWORD, True, T)
    user_accounts.add_user(engine, OPERATOR, "bob", "bob@example.org", PASSWORD, False, T)
    with served(settings_for(db_url)) as base:
        assert httpx.get(base + "/admin").status_code == 403
        assert signed_in(base, "bob").get("/admin").status_code == 403
        ada = signed_in(base)
        page = ada.get("/admin")
        assert page.status_code == 200 and "Audit log" in page.text and "Make admin" in page.text
        done = ada.post("/admin/users", data={"csrf": form_token(ada, "/admin"), "name": "bob", "action": "make_admin"})
        assert done.status_code == 303
        assert "make admin" in ada.get("/admin").text
        admin_page = ada.post("/admin/invitations", data={"csrf": form_token(ada, "/admin")}, follow_redirects=True)
        expires = utc(T + INVITATION_DAYS * 86_400)  # the served clock is T: the expiry is a date, not "just now"
        assert "open until <time datetime=" in admin_page.text and f">{expires}</time>" in admin_page.text
    engine.dispose()
