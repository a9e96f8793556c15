"""Each person's network and shared networks, through the services, on SQLite and PostgreSQL: following
starts one capture however many follow, follow graphs (Bluesky against a local AppView look-alike, an X
archive's following.js), blocks, shared networks' rights, settings, and who may see which network."""

from __future__ import annotations

from pathlib import Path

import pytest

from papertalk.config import Settings
from papertalk.core.people_records import User
from papertalk.services.capture.accounts import AccountError
from papertalk.services.capture.fetchers import build_registry
from papertalk.services.networks import my_network, shared_networks
from papertalk.services.pages.page_request import NetworkNotFound, PageRequestError
from papertalk.services.pages.trending_page import TrendingPageQuery, trending_page
from papertalk.services.people import person_settings, user_accounts
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import OPERATOR, NotAllowed
from papertalk.storage.engine import Engine
from tests.fake_bluesky import FakeAppView, profile
from tests.helpers import NOW, post, run_import, table, write_lines

PASSWORD = "correct horse battery"


def person(engine: Engine, name: str) -> User:
    return user_accounts.add_user(engine, OPERATOR, name, f"{name}@example.org", PASSWORD, False, NOW)


def did(n: int) -> str:
    return f"did:plc:user{n:04d}"


def cites(engine: Engine, tmp_path: Path, by: dict[int, str]) -> None:
    """Posts by Bluesky users ``n`` citing arXiv id ``by[n]``, an hour ago."""
    records = [
        post(f"p{n}", did(n), 1, text=f"good one arxiv.org/abs/{arxiv}", links=[f"https://arxiv.org/abs/{arxiv}"])
        | {"author": {"id": did(n), "handle": f"user{n}.bsky.social"}}  # the handle the AppView look-alike gives
        for n, arxiv in by.items()
    ]
    run_import(engine, write_lines(tmp_path / "posts.jsonl", records))


def ranked(engine: Engine, settings: Settings, network: str | None, viewer: User | None) -> list[str]:
    query = TrendingPageQuery(window="all", network=network)
    page = trending_page(engine, settings, NOW, query, None, viewer.id if viewer else None)
    return [item.arxiv_id for item in page.items]


@pytest.fixture
def registry_settings(settings: Settings, fake_appview: FakeAppView) -> Settings:
    for n in range(1, 7):
        fake_appview.profiles[f"user{n}.bsky.social"] = profile(n)
    return Settings(settings.database_url, bluesky_appview_url=fake_appview.url)


def test_following_fills_my_network_and_starts_one_capture_however_many_follow(
    engine: Engine, registry_settings: Settings, tmp_path: Path
) -> None:
    registry = build_registry(registry_settings)
    ada, bob = person(engine, "ada"), person(engine, "bob")
    followed = my_network.follow(engine, registry, ada, ada, "bluesky:user1.bsky.social", NOW)
    assert followed.ref == "bluesky:user1.bsky.social" and followed.platform_id == did(1)
    my_network.follow(engine, registry, bob, bob, "bluesky:user1.bsky.social", NOW)
    my_network.follow(engine, registry, bob, bob, "bluesky:user2.bsky.social", NOW)
    assert table(engine, f"SELECT COUNT(*) FROM sources WHERE name = 'bluesky:feed:{did(1)}'") == [(1,)]
    cites(engine, tmp_path, {1: "2411.00001", 2: "2411.00002", 3: "2411.00003"})

    assert ranked(engine, registry_settings, "@ada", ada) == ["2411.00001"]
    assert sorted(ranked(engine, registry_settings, "@bob", bob)) == ["2411.00001", "2411.00002"]
    assert len(ranked(engine, registry_settings, None, ada)) == 3
    assert my_network.unfollow(engine, ada, ada, "bluesky:user1.bsky.social") == 1
    assert ranked(engine, registry_settings, "@ada", ada) == []
    assert table(engine, "SELECT COUNT(*) FROM sources WHERE name LIKE 'bluesky:feed:%'") == [(2,)]  # capture goes on


def test_a_private_network_is_unknown_to_everyone_else_until_made_public(
    engine: Engine, registry_settings: Settings, tmp_path: Path
) -> None:
    registry = build_registry(registry_settings)
    ada, bob = person(engine, "ada"), person(engine, "bob")
    my_network.follow(engine, registry, ada, ada, "bluesky:user1.bsky.social", NOW)
    cites(engine, tmp_path, {1: "2411.00001", 2: "2411.00002"})
    for viewer in (bob, None):
        with pytest.raises(NetworkNotFound) as refused:  # a 404 on pages and API, as an unknown name
            ranked(engine, registry_settings, "@ada", viewer)
        assert "no public network named '@ada'" in str(refused.value)
        page = trending_page(engine, registry_settings, NOW, TrendingPageQuery(window="all"), None, None)
        assert "@ada" not in page.networks  # not listed, not counted
    mine = trending_page(engine, registry_settings, NOW, TrendingPageQuery(window="all"), None, ada.id)
    assert mine.networks[0] == mine.personal == "@ada"
    with pytest.raises(NotAllowed):
        my_network.follow(engine, registry, bob, ada, "bluesky:user2.bsky.social", NOW)  # bob edits ada's network
    with pytest.raises(NotAllowed):
        my_network.view(engine, bob, ada)

    my_network.set_public(engine, ada, ada, True)
    assert ranked(engine, registry_settings, "@ada", bob) == ["2411.00001"]
    assert ranked(engine, registry_settings, "@ada", None) == ["2411.00001"]
    with pytest.raises(NotAllowed):
        my_network.follow(engine, registry, bob, ada, "bluesky:user2.bsky.social", NOW)  # public is not editable


def test_a_follow_graph_import_skips_blocked_accounts_and_a_block_hides_them_from_my_views(
    engine: Engine, registry_settings: Settings, fake_appview: FakeAppView, tmp_path: Path
) -> None:
    registry = build_registry(registry_settings)
    fake_appview.follows["user1.bsky.social"] = [profile(n) for n in (2, 3, 4)]
    ada = person(engine, "ada")
    cites(engine, tmp_path, {2: "2411.00002", 3: "2411.00003", 4: "2411.00004"})
    my_network.block(engine, ada, ada, f"bluesky:{did(3)}")
    done = my_network.import_graph(engine, registry, ada, ada, "bluesky:user1.bsky.social", NOW)
    assert (done.followed, done.new_in_network) == (3, 2)
    assert sorted(ranked(engine, registry_settings, "@ada", ada)) == ["2411.00002", "2411.00004"]
    view = my_network.view(engine, ada, ada)
    assert view.size == 2 and [b.platform_id for b in view.blocked] == [did(3)]

    shared_networks.create(engine, ada, "lab", public=False, now=NOW)
    shared_networks.add_account(engine, registry, ada, "lab", "bluesky:user3.bsky.social", NOW)
    shared_networks.add_account(engine, registry, ada, "lab", "bluesky:user4.bsky.social", NOW)
    assert ranked(engine, registry_settings, "lab", ada) == ["2411.00004"]  # her block holds in a shared network
    my_network.follow(engine, registry, ada, ada, "bluesky:user3.bsky.social", NOW)  # following again unblocks
    assert sorted(ranked(engine, registry_settings, "lab", ada)) == ["2411.00003", "2411.00004"]


def test_an_x_archive_following_js_follows_its_accounts_and_names_its_bad_entries(engine: Engine) -> None:
    ada = person(engine, "ada")
    raw = b'window.YTD.following.part0 = [{"following": {"accountId": "7"}}, {"following": {}}]'
    done = my_network.import_x_following(engine, ada, ada, raw, "following.js", NOW)
    assert (done.followed, done.new_in_network) == (1, 1)
    assert done.rejects == ("following.js:#1: expected {'following': {'accountId': ...}}",)
    assert table(engine, "SELECT COUNT(*) FROM sources WHERE name = 'x:feed:7'") == [(1,)]
    with pytest.raises(AccountError) as bad:
        my_network.import_x_following(engine, ada, ada, b"<html>not it</html>", "following.js", NOW)
    assert str(bad.value).startswith("following: following.js") and "\n" not in str(bad.value)


def test_bad_account_references_say_what_is_wrong_in_one_line(engine: Engine, registry_settings: Settings) -> None:
    registry = build_registry(registry_settings)
    ada = person(engine, "ada")
    cases = {
        "gopher:ada": "unknown platform 'gopher'",
        "ada": "write accounts as PLATFORM:HANDLE",
        "bluesky:ghost.bsky.social": "account: bluesky:ghost.bsky.social:",
        "hackernews:pg": "no hackernews account 'pg' has been captured yet",
        "bluesky:a\x00b": "no NUL",
        "rss:" + "x" * 700: "at most 600 characters",
    }
    for ref, said in cases.items():
        with pytest.raises(AccountError) as refused:
            my_network.follow(engine, registry, ada, ada, ref, NOW)
        assert said in str(refused.value) and "\n" not in str(refused.value), ref
    assert table(engine, "SELECT COUNT(*) FROM network_accounts") == [(0,)]


def test_shared_network_members_see_it_editors_change_it_the_owner_invites(
    engine: Engine, registry_settings: Settings, tmp_path: Path
) -> None:
    registry = build_registry(registry_settings)
    ada, bob, cy, dee = (person(engine, n) for n in ("ada", "bob", "cy", "dee"))
    shared_networks.create(engine, ada, "reading-group", public=False, now=NOW)
    shared_networks.add_account(engine, registry, ada, "reading-group", "bluesky:user1.bsky.social", NOW)
    cites(engine, tmp_path, {1: "2411.00001", 2: "2411.00002"})
    for outsider in (bob, None):
        with pytest.raises(PageRequestError):
            ranked(engine, registry_settings, "reading-group", outsider)
    with pytest.raises(NotAllowed) as unseen:
        shared_networks.add_account(engine, registry, bob, "reading-group", "bluesky:user2.bsky.social", NOW)
    assert "no shared network named 'reading-group' that you belong to" in str(unseen.value)

    shared_networks.add_member(engine, ada, "reading-group", "bob", "member", NOW)
    my_network.ensure_network(engine, bob)  # as his first sign-in does
    assert ranked(engine, registry_settings, "reading-group", bob) == ["2411.00001"]
    page = trending_page(engine, registry_settings, NOW, TrendingPageQuery(window="all"), None, bob.id)
    assert page.networks[:2] == ("@bob", "reading-group")
    with pytest.raises(NotAllowed):
        shared_networks.add_account(engine, registry, bob, "reading-group", "bluesky:user2.bsky.social", NOW)
    with pytest.raises(NotAllowed):
        shared_networks.add_member(engine, bob, "reading-group", "cy", "editor", NOW)
    shared_networks.add_member(engine, ada, "reading-group", "bob", "editor", NOW)
    shared_networks.add_account(engine, registry, bob, "reading-group", "bluesky:user2.bsky.social", NOW)
    assert sorted(ranked(engine, registry_settings, "reading-group", ada)) == ["2411.00001", "2411.00002"]
    with pytest.raises(NotAllowed):
        shared_networks.delete(engine, bob, "reading-group")  # editors edit accounts, only the owner deletes

    link = shared_networks.invite_link(engine, ada, "reading-group", "https://papertalk.example", NOW)
    token = link.split("/join/", 1)[1]
    with pytest.raises(NotAllowed):
        shared_networks.invite_link(engine, bob, "reading-group", "https://papertalk.example", NOW)
    assert shared_networks.accept(engine, cy, token, NOW) == "reading-group"
    with pytest.raises(NotAllowed):  # cy is a member: members read, editors change the accounts
        shared_networks.remove_account(engine, cy, "reading-group", "bluesky:user2.bsky.social")
    assert shared_networks.remove_account(engine, bob, "reading-group", "bluesky:user2.bsky.social") == 1
    assert ranked(engine, registry_settings, "reading-group", ada) == ["2411.00001"]
    with pytest.raises(FormProblem) as used:
        shared_networks.accept(engine, dee, token, NOW)
    assert used.value.field == "invite"
    assert [m.name for m in shared_networks.view(engine, cy, "reading-group").members] == ["ada", "bob", "cy"]
    with pytest.raises(FormProblem):
        shared_networks.remove_member(engine, ada, "reading-group", "ada")  # the owner cannot leave
    shared_networks.remove_member(engine, cy, "reading-group", "cy")  # a member leaves
    with pytest.raises(PageRequestError):
        ranked(engine, registry_settings, "reading-group", cy)
    with pytest.raises(FormProblem) as taken:
        shared_networks.create(engine, bob, "reading-group", public=True, now=NOW)
    assert taken.value.field == "name"
    with pytest.raises(FormProblem):
        shared_networks.create(engine, bob, "@ada", public=True, now=NOW)
    shared_networks.delete(engine, ada, "reading-group")
    assert table(engine, "SELECT COUNT(*) FROM network_members") == [(0,)]


def test_settings_are_checked_and_saved_all_or_nothing(engine: Engine, settings: Settings) -> None:
    ada, bob = person(engine, "ada"), person(engine, "bob")
    saved = person_settings.save_settings(engine, ada, ada, "Europe/Paris", "cs.LG, stat.ML cs.LG", "pt-BR")
    assert saved.categories == ("cs.LG", "stat.ML") and person_settings.settings_of(engine, ada) == saved
    bad_fields = [
        (("Mars/Olympus", "cs.LG", "en"), "timezone"),
        (("UTC", "cs.LG; DROP", "en"), "categories"),
        (("UTC", "cs.LG", "english please"), "language"),
    ]
    for fields, field in bad_fields:
        with pytest.raises(FormProblem) as refused:
            person_settings.save_settings(engine, ada, ada, *fields)
        assert refused.value.field == field
    assert person_settings.settings_of(engine, ada) == saved  # nothing half saved
    with pytest.raises(NotAllowed):
        person_settings.save_settings(engine, bob, ada, "UTC", "", "en")


def test_the_cli_follows_and_unfollows_for_a_person_and_says_what_is_wrong_in_one_line(
    engine: Engine, db_url: str, registry_settings: Settings, fake_appview: FakeAppView
) -> None:
    from typer.testing import CliRunner

    from papertalk.cli.main import app

    person(engine, "ada")
    env = {"PAPERTALK_BLUESKY_APPVIEW_URL": fake_appview.url, "COLUMNS": "200"}

    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(app, ["--database", db_url, *args], env=env)
        return result.exit_code, result.stdout, result.stderr

    assert run("follow", "--user", "ada", "bluesky:user1.bsky.social")[:2] == (
        0,
        f"ada follows bluesky:user1.bsky.social ({did(1)})\n",
    )
    fake_appview.follows["user1.bsky.social"] = [profile(n) for n in (2, 3)]
    code, out, _ = run("follows", "import", "--user", "ada", "bluesky:user1.bsky.social")
    assert code == 0 and "2 accounts read from bluesky:user1.bsky.social, 2 newly followed (2 new sources)" in out
    assert run("unfollow", "--user", "ada", "bluesky:user2.bsky.social")[:2] == (
        0,
        "ada no longer follows bluesky:user2.bsky.social\n",
    )
    code, _, err = run("follow", "--user", "nobody", "bluesky:user1.bsky.social")
    assert code == 2 and err.strip() == "error: no user named 'nobody'"
    code, _, err = run("unfollow", "--user", "ada", "gopher:x")
    assert code == 2 and "unknown platform 'gopher'" in err and err.count("\n") == 1
    assert table(engine, "SELECT COUNT(*) FROM network_accounts") == [(2,)]
    assert table(engine, "SELECT COUNT(*) FROM networks WHERE name = 'following'") == [(0,)]  # not the site's network
