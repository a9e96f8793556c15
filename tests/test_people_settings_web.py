"""The settings page, shared network pages and the per-person API over real HTTP, on SQLite and
PostgreSQL: follow (Bluesky against the local AppView look-alike), unknown and malformed accounts answered
next to the field with nothing saved, an X archive's following.js uploaded, blocks keeping an account's
posts out of every commentary, shared networks with invitations, roles and leaving, and who may see whose
network (pages, API, feeds, search): a private network is answered exactly like one that does not exist."""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from papertalk.services.people import api_tokens, user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.storage.engine import Engine, make_engine
from tests.databases import migrate_fast
from tests.fake_bluesky import FakeAppView, profile
from tests.helpers import NOW, post, run_import, write_lines
from tests.helpers import table as helpers_table
from tests.test_people_web import PASSWORD, csrf_of, settings_for, signed_in
from tests.web_world import served

FOLLOWING_JS = Path(__file__).parent / "data" / "x_following.js"


@dataclass(frozen=True)
class Site:
    base: str
    engine: Engine
    ada_write: str
    ada_read: str


def did(n: int) -> str:
    return f"did:plc:user{n:04d}"


@pytest.fixture
def site(db_url: str, fake_appview: FakeAppView, tmp_path: Path) -> Iterator[Site]:
    """Ada and Bob; Bluesky users 1-3 each cite one paper (user n: 2411.0000n) and user 4 cites paper 1 too."""
    for n in range(1, 6):
        fake_appview.profiles[f"user{n}.bsky.social"] = profile(n)
    engine = make_engine(migrate_fast(db_url))
    ada = user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", PASSWORD, False, NOW)
    user_accounts.add_user(engine, OPERATOR, "bob", "bob@example.org", PASSWORD, False, NOW)
    write = api_tokens.create_token(engine, ada, ada.id, "w", "write", NOW)
    read = api_tokens.create_token(engine, ada, ada.id, "r", "read", NOW)
    by = {1: "2411.00001", 2: "2411.00002", 3: "2411.00003", 4: "2411.00001"}
    records = [
        post(
            f"p{n}", did(n), 1, text=f"words of user{n} arxiv.org/abs/{arxiv}", links=[f"https://arxiv.org/abs/{arxiv}"]
        )
        | {"author": {"id": did(n), "handle": f"user{n}.bsky.social"}}
        for n, arxiv in by.items()
    ]
    run_import(engine, write_lines(tmp_path / "posts.jsonl", records))
    settings = settings_for(db_url, PAPERTALK_BLUESKY_APPVIEW_URL=fake_appview.url)
    with served(settings) as base:
        yield Site(base, engine, write.secret, read.secret)
    engine.dispose()


def table(engine: Engine, name: str) -> list[tuple[object, ...]]:
    """Every row of one table, in a stable order."""
    return sorted(helpers_table(engine, f"SELECT * FROM {name}"), key=repr)


def post_form(client: httpx.Client, page: str, action: str, **fields: str) -> httpx.Response:
    token = csrf_of(client.get(page).text)
    return client.post(action, data={"csrf": token, **fields})


def field_error(html: str, name: str) -> str:
    found = re.search(rf'id="{name}-error" role="alert">([^<]*)<', html)
    assert found, f"no error next to {name}"
    return html_text.unescape(found.group(1))


def trending_ids(client: httpx.Client, query: str = "") -> list[str]:
    return re.findall(r'href="/abs/(\d{4}\.\d{5})"', client.get("/" + query).text)


def test_settings_page_follows_an_account_and_my_network_changes(site: Site) -> None:
    ada = signed_in(site.base)
    assert trending_ids(ada, "?window=all") == []  # she follows nobody yet
    answer = post_form(ada, "/settings", "/settings/follow", account="bluesky:user2.bsky.social")
    assert answer.status_code == 303, answer.text[:300]
    page = ada.get(answer.headers["location"])
    assert (
        "You follow bluesky:user2.bsky.social now." in page.text
        and "<code>bluesky:user2.bsky.social</code>" in page.text
    )
    assert set(trending_ids(ada, "?window=all")) == {"2411.00002"}
    assert len(set(trending_ids(ada, "?window=all&audience=everyone"))) == 3
    gone = post_form(ada, "/settings", "/settings/unfollow", account="bluesky:user2.bsky.social")
    assert gone.status_code == 303
    assert trending_ids(ada, "?window=all") == []


@pytest.mark.parametrize(
    ("account", "said"),
    [
        ("bluesky:nobody.bsky.social", "bluesky:nobody.bsky.social"),
        ("myspace:tom", "unknown platform"),
        ("no-colon", "PLATFORM:HANDLE"),
        ("hackernews:pg", "has been captured yet"),
        ("bluesky:" + "a" * 700, "at most 600 characters"),
        ("bluesky:ada\x00.bsky.social", "no NUL"),
        ("ｂｌｕｅｓｋｙ:user1.bsky.social", "unknown platform"),  # full-width letters: not read as bluesky
        ("bluesky:usеr1.bsky.social", "bluesky:"),  # a Cyrillic е: not user1, looked up and unknown
    ],
)
def test_a_refused_account_is_said_next_to_the_field_and_nothing_is_saved(site: Site, account: str, said: str) -> None:
    ada = signed_in(site.base)
    before = table(site.engine, "network_accounts"), table(site.engine, "accounts")
    answer = post_form(ada, "/settings", "/settings/follow", account=account)
    assert answer.status_code == 400
    assert said in field_error(answer.text, "account")
    assert (table(site.engine, "network_accounts"), table(site.engine, "accounts")) == before


def test_settings_are_saved_together_or_not_at_all(site: Site) -> None:
    ada = signed_in(site.base)
    good = {"timezone": "Europe/Paris", "categories": "cs.LG stat.ML", "language": "pt-BR", "public": "on"}
    assert post_form(ada, "/settings", "/settings", **good).status_code == 303
    page = ada.get("/settings").text
    assert 'value="Europe/Paris"' in page and 'value="cs.LG stat.ML"' in page and 'value="pt-BR" selected' in page
    assert 'name="public" id="public" checked' in page
    before = table(site.engine, "user_settings"), table(site.engine, "networks")
    for field, bad in (("timezone", "Mars/Olympus"), ("timezone", "../etc/passwd"), ("categories", "cs.LG; DROP"),
                       ("language", "english please"), ("timezone", "Europe/Paris\x00")):  # fmt: skip
        answer = post_form(ada, "/settings", "/settings", **{**good, field: bad, "public": ""})
        assert answer.status_code == 400, (field, bad)
        assert field_error(answer.text, field).startswith(f"{field}:")
        assert (table(site.engine, "user_settings"), table(site.engine, "networks")) == before  # public kept too


def test_an_x_archive_following_js_is_uploaded_and_its_bad_entry_counted(site: Site) -> None:
    ada = signed_in(site.base)
    token = csrf_of(ada.get("/settings").text)
    files = {"following": ("following.js", FOLLOWING_JS.read_bytes(), "application/javascript")}
    answer = ada.post("/settings/import-x", data={"csrf": token}, files=files)
    assert answer.status_code == 303, answer.text[:300]
    page = ada.get(answer.headers["location"]).text
    assert "2 accounts read from following.js, 2 newly followed, 1 unreadable entries skipped." in page
    assert "<code>x:783214</code>" in page and "<code>x:1605</code>" in page
    before = table(site.engine, "network_accounts")
    for name, content, said in (("tweets.js", b"window.YTD.tweets.part0 = []", "not 'following'"),
                                ("following.js", b"not an archive", "not an X archive data file")):  # fmt: skip
        bad = ada.post("/settings/import-x", data={"csrf": token},
                       files={"following": (name, content, "application/javascript")})  # fmt: skip
        assert bad.status_code == 400 and said in field_error(bad.text, "following")
    forged = ada.post("/settings/import-x", data={"csrf": "0" * 64}, files=files)
    assert forged.status_code == 403
    assert table(site.engine, "network_accounts") == before


def commentary_authors(html: str) -> set[str]:
    return set(re.findall(r"words of (user\d)", html))


def test_a_blocked_account_is_out_of_my_commentaries_and_my_network(site: Site) -> None:
    ada = signed_in(site.base)
    for n in (1, 4):
        post_form(ada, "/settings", "/settings/follow", account=f"bluesky:user{n}.bsky.social")
    assert commentary_authors(ada.get("/?window=all").text) == {"user1", "user4"}
    assert post_form(ada, "/settings", "/settings/block", block_account="bluesky:user4.bsky.social").status_code == 303
    for path in ("/?window=all", "/?window=all&audience=everyone", "/abs/2411.00001", "/posts"):
        shown = commentary_authors(ada.get(path).text)
        assert "user4" not in shown and "user1" in shown, path
    api = httpx.Client(base_url=site.base, headers={"Authorization": f"Bearer {site.ada_read}"})
    paper = api.get("/api/v1/papers/2411.00001").json()
    assert all("user4" not in p["text"] for kind in paper["posts"].values() for p in kind)
    assert "user4" not in str(api.get("/api/v1/posts").json())
    assert "user4" in str(httpx.get(site.base + "/api/v1/posts").json())  # others still see it
    mine = api.get("/api/v1/trending?window=all").json()
    assert mine["network"] == "@ada" and [i["people"] for i in mine["items"]] == [1]  # user4 not counted
    page = ada.get("/settings").text
    assert '<code>bluesky:user4.bsky.social</code> <form method="post" action="/settings/unblock"' in page
    post_form(ada, "/settings", "/settings/unblock", block_account="bluesky:user4.bsky.social")
    assert "user4" in commentary_authors(ada.get("/abs/2411.00001").text)


def test_a_shared_network_invites_by_a_single_use_link_and_only_editors_change_it(site: Site) -> None:
    ada, bob = signed_in(site.base), signed_in(site.base, "bob")
    made = post_form(ada, "/networks", "/networks", name="reading-group")
    assert made.status_code == 303
    page_path = made.headers["location"].split("?")[0]
    network_id = page_path.rsplit("/", 1)[1]
    assert bob.get(page_path).status_code == 404 and "reading-group" not in bob.get(page_path).text
    invited = post_form(ada, page_path, "/networks/invite", network=network_id)
    link = re.search(r'id="invite-link">([^<]+)<', invited.text)
    assert link, invited.text[:500]
    join_path = "/" + link.group(1).split("/", 3)[3]
    assert join_path.startswith("/join/")
    before = table(site.engine, "network_members")
    assert "Join reading-group" in bob.get(join_path).text and table(site.engine, "network_members") == before
    joined = post_form(bob, join_path, join_path)
    assert joined.status_code == 303 and joined.headers["location"] == f"{page_path}?done=joined"
    again = httpx.Client(base_url=site.base)
    assert again.get(join_path).status_code == 404  # used up
    assert '<a href="/?network=reading-group"' in bob.get("/").text  # the switch offers it
    refused = post_form(
        bob, page_path, "/networks/accounts/add", network=network_id, account="bluesky:user3.bsky.social"
    )
    assert refused.status_code == 403
    post_form(ada, page_path, "/networks/members", network=network_id, user="bob", role="editor")
    added = post_form(bob, page_path, "/networks/accounts/add", network=network_id, account="bluesky:user3.bsky.social")
    assert added.status_code == 303
    assert set(trending_ids(bob, "?window=all&network=reading-group")) == {"2411.00003"}
    post_form(ada, page_path, "/networks/members", network=network_id, user="bob", role="member")
    assert post_form(bob, page_path, "/networks/accounts/remove", network=network_id,
                     account="bluesky:user3.bsky.social").status_code == 403  # fmt: skip
    assert post_form(bob, page_path, "/networks/leave", network=network_id).status_code == 303
    assert bob.get(page_path).status_code == 404
    stays = post_form(ada, page_path, "/networks/leave", network=network_id)
    assert stays.status_code == 400 and "the owner cannot leave" in stays.text


def test_whom_one_follows_is_private_until_made_public_across_pages_api_feeds_search(site: Site) -> None:
    ada, bob = signed_in(site.base), signed_in(site.base, "bob")
    post_form(ada, "/settings", "/settings/follow", account="bluesky:user3.bsky.social")
    stranger = httpx.Client(base_url=site.base, timeout=30)
    bob_api = httpx.Client(base_url=site.base)
    ghost = "@nobody-at-all"
    for client in (stranger, bob, bob_api):
        for path in ("/?network={}", "/feeds/trending.atom?network={}", "/api/v1/trending?network={}"):
            private, unknown = client.get(path.format("@ada")), client.get(path.format(ghost))
            assert private.status_code == unknown.status_code == 404, path
            assert private.text.replace("@ada", ghost) == unknown.text, path
    assert "@ada" not in bob.get("/").text and "@ada" not in stranger.get("/about").text
    assert "@ada" not in stranger.get("/api/v1/about").text
    for q in ("ada", "user3", "network"):  # a search never names a private network (nor who follows whom)
        assert (
            "@ada" not in stranger.get(f"/search?q={q}").text
            and "@ada" not in bob.get(f"/feeds/search.atom?q={q}").text
        )
    assert stranger.get("/api/v1/follows").status_code == 401
    post_form(ada, "/settings", "/settings", timezone="UTC", categories="", language="en", public="on")
    for client in (stranger, bob):
        assert set(trending_ids(client, "?window=all&network=@ada")) == {"2411.00003"}
        assert client.get("/feeds/trending.atom?window=all&network=@ada").status_code == 200


def test_the_api_gives_my_views_and_writes_with_a_write_token(site: Site) -> None:
    write = httpx.Client(base_url=site.base, headers={"Authorization": f"Bearer {site.ada_write}"})
    read = httpx.Client(base_url=site.base, headers={"Authorization": f"Bearer {site.ada_read}"})
    followed = write.post("/api/v1/follows", json={"account": "bluesky:user1.bsky.social"})
    assert followed.status_code == 201 and followed.json()["follows"] == ["bluesky:user1.bsky.social"]
    assert followed.headers["cache-control"] == "private, no-store"
    mine = read.get("/api/v1/trending?window=all")
    assert mine.json()["network"] == "@ada" and [i["arxiv_id"] for i in mine.json()["items"]] == ["2411.00001"]
    assert mine.headers["cache-control"] == "private, no-store"
    assert len(read.get("/api/v1/trending?window=all&audience=everyone").json()["items"]) == 3
    assert read.post("/api/v1/follows", json={"account": "bluesky:user2.bsky.social"}).status_code == 403
    bad = write.post("/api/v1/follows", json={"account": "bluesky:nobody.bsky.social"})
    assert bad.status_code == 400 and bad.json()["error"].startswith("account:")
    changed = write.patch("/api/v1/settings", json={"timezone": "Asia/Tokyo", "public": True})
    assert changed.status_code == 200 and changed.json() == {
        "timezone": "Asia/Tokyo", "categories": [], "language": "en", "public": True,
    }  # fmt: skip
    refused = write.patch("/api/v1/settings", json={"timezone": "Asia/Nowhere", "public": False})
    assert refused.status_code == 400 and read.get("/api/v1/settings").json()["public"] is True
    made = write.post("/api/v1/networks", json={"name": "lab"}).json()
    assert (
        write.put(f"/api/v1/networks/{made['id']}/members", json={"user": "bob", "role": "editor"}).status_code == 200
    )
    assert (
        write.post(f"/api/v1/networks/{made['id']}/accounts", json={"account": "bluesky:user2.bsky.social"}).status_code
        == 201
    )
    assert [n["name"] for n in read.get("/api/v1/networks/mine").json()] == ["lab"]
    assert [i["arxiv_id"] for i in read.get("/api/v1/trending?window=all&network=lab").json()["items"]] == [
        "2411.00002"
    ]
    assert write.delete("/api/v1/follows/bluesky:user1.bsky.social").json() == {"changed": 1}
    assert write.delete(f"/api/v1/networks/{made['id'] + 99}/members/bob").status_code == 404
