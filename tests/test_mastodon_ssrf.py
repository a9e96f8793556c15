"""Mastodon and the SSRF guard: the access token goes only to the instance it belongs to (never to a
``Link: rel=next`` on another host, never to whichever instance a handle names), and an acct whose
instance is not a domain name (``eve@127.0.0.2:8202``) never becomes an account or a source. Two real
local instances, on 127.0.0.1 and 127.0.0.2."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

from papertalk.config import Settings
from papertalk.fetching.pages import FetcherRegistry, FetchError
from papertalk.fetching.polite_http import PoliteGetter
from papertalk.services.capture import sources
from papertalk.services.capture.following import follow, import_follows
from papertalk.services.capture.more_fetchers import register_more
from papertalk.services.capture.source_runs import run_source
from papertalk.sources.mastodon.fetcher import MastodonApi, MastodonDirectory, MastodonStatuses
from papertalk.storage.engine import Engine
from tests.fake_arxiv import FakeClock
from tests.fake_internet import LocalInternet, Names, client
from tests.fake_platforms import FakePlatform, Reply, Request, Route, running
from tests.helpers import NOW, table

BOB = {"id": "7", "username": "bob", "acct": "bob", "display_name": "Bob"}


def follower(acct: str) -> dict[str, str]:
    return {"id": acct, "username": acct.partition("@")[0], "acct": acct}


def instance_route(following: list[dict[str, str]], next_link: str | None = None) -> Route:
    def route(request: Request) -> Reply:
        if request.path == "/api/v1/accounts/lookup":
            return Reply.json(BOB)
        if request.path == "/api/v1/accounts/7/following":
            return Reply.json(following, 200, **({"Link": f'<{next_link}>; rel="next"'} if next_link else {}))
        return Reply.json({"error": "not found"}, 404)

    return route


@pytest.fixture
def other(platform: FakePlatform) -> Iterator[FakePlatform]:
    """A second instance on 127.0.0.2, on the same port as the first."""
    with running(FakePlatform("127.0.0.2", platform.port)) as fake:
        fake.route = instance_route([follower("mallory@evil.example")])
        yield fake


def _registry(api: MastodonApi) -> FetcherRegistry:
    registry = FetcherRegistry()
    registry.directories["mastodon"] = MastodonDirectory(api)
    return registry


def test_a_next_page_on_another_host_is_refused_and_gets_no_token(
    engine: Engine, platform: FakePlatform, other: FakePlatform, polite: tuple[PoliteGetter, FakeClock]
) -> None:
    leak = f"{other.url}/api/v1/accounts/7/following?max_id=2"
    platform.route = instance_route([follower("ada@sigmoid.social"), follower("cy@other.social")], leak)
    api = MastodonApi(polite[0], platform.url, token="tok")  # a single-instance template: the token is its own
    refused = f"following: refusing the next page '{leak}': not on {platform.url}"
    with pytest.raises(FetchError, match=re.escape(refused)):
        import_follows(engine, _registry(api), "mastodon:@bob@sigmoid.social", NOW)
    assert other.requests == []  # never asked, so never given the token
    assert all(r.headers.get("authorization") == "Bearer tok" for r in platform.requests)
    assert table(engine, "SELECT platform_id FROM accounts ORDER BY platform_id") == [
        ("ada@sigmoid.social",),
        ("cy@other.social",),
    ]  # the page read before the refusal is kept


def test_the_token_goes_only_to_its_own_instance(platform: FakePlatform, other: FakePlatform) -> None:
    platform.route = instance_route([])
    names = Names({"home.example": [["127.0.0.1"]], "other.example": [["127.0.0.2"]]})
    env = {
        "PAPERTALK_DATABASE_URL": "sqlite://",
        "PAPERTALK_MASTODON_URL_TEMPLATE": f"http://{{instance}}:{platform.port}",
        "PAPERTALK_MASTODON_ACCESS_TOKEN": "tok",
        "PAPERTALK_MASTODON_TOKEN_INSTANCE": "home.example",
    }
    clock = FakeClock()
    http = client(names, LocalInternet(), allow_private=True)
    directory = register_more(FetcherRegistry(), Settings.from_env(env), http, clock, clock.sleep).directory("mastodon")
    directory.lookup("@bob@home.example")
    directory.lookup("@bob@other.example")
    assert [r.headers.get("authorization") for r in platform.requests] == ["Bearer tok"]
    assert [r.headers.get("authorization") for r in other.requests] == [None]
    # Without PAPERTALK_MASTODON_TOKEN_INSTANCE, a template naming {instance} sends the token nowhere.
    unplaced = {k: v for k, v in env.items() if k != "PAPERTALK_MASTODON_TOKEN_INSTANCE"}
    directory = register_more(FetcherRegistry(), Settings.from_env(unplaced), http, clock, clock.sleep).directory(
        "mastodon"
    )
    directory.lookup("@bob@home.example")
    assert platform.requests[-1].headers.get("authorization") is None


def test_an_acct_on_a_private_host_becomes_no_account_and_no_source(
    engine: Engine,
    platform: FakePlatform,
    polite: tuple[PoliteGetter, FakeClock],
    caplog: pytest.LogCaptureFixture,
) -> None:
    bad = ["eve@127.0.0.2:8202", "mallory@localhost", "dave@10.0.0.1", "trent@[::1]"]
    platform.route = instance_route([*map(follower, bad), follower("carol@other.social")])
    registry = _registry(MastodonApi(polite[0], platform.url))
    with caplog.at_level(logging.WARNING):
        done = import_follows(engine, registry, "mastodon:@bob@sigmoid.social", NOW)
    assert done.accounts == 1 and done.sources_new == 1
    assert table(engine, "SELECT name FROM sources") == [("mastodon:feed:carol@other.social",)]
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == len(bad) and messages[0] == (
        "mastodon:@bob@sigmoid.social:following: skipping the account eve@127.0.0.2:8202: "
        "its instance '127.0.0.2:8202' is not a domain name"
    )
    with pytest.raises(FetchError, match=r"'@eve@127\.0\.0\.2:8202': the instance '127\.0\.0\.2:8202' is not a domain"):
        follow(engine, registry, "mastodon:@eve@127.0.0.2:8202", NOW)
    # A source stored before this check (or added by hand) fails with one line and asks nobody.
    registry.add("mastodon", "feed", _statuses(registry))
    row, _ = sources.add(engine, "mastodon", "feed", "eve@127.0.0.2:8202", NOW)
    asked = len(platform.requests)
    outcome = run_source(engine, registry, row, NOW)
    assert outcome.error == "mastodon: 'eve@127.0.0.2:8202': the instance '127.0.0.2:8202' is not a domain name"
    assert len(platform.requests) == asked


def _statuses(registry: FetcherRegistry) -> MastodonStatuses:
    directory = registry.directory("mastodon")
    assert isinstance(directory, MastodonDirectory)
    return MastodonStatuses(directory.api)
