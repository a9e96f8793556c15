"""Registering the Mastodon, X, Hacker News, Reddit and RSS fetchers (``register_more``), built from the
settings; ``services.capture.fetchers.build_registry`` calls it. Tests pass a fake clock and sleep.

Every one of them connects through the SSRF guard (``fetching.address_guard``): feed URLs and Mastodon
instances come from users, redirects and next-page links from remote servers. Loopback and private
addresses are reached only with ``PAPERTALK_FETCH_ALLOW_PRIVATE=1`` (tests, local mirrors).

Source kinds (``papertalk.services.capture.sources.add(engine, PLATFORM, KIND, TARGET, now)``):

=============  ===========  =====================================================
platform       kind         target
=============  ===========  =====================================================
mastodon       statuses     ``@bob@sigmoid.social``
mastodon       tag          ``arxiv@sigmoid.social`` (hashtag @ instance)
x              tweets       ``@handle`` or a numeric user id (needs a bearer token)
hackernews     search       ``arxiv.org`` (Algolia query: stories and comments)
reddit         new          ``MachineLearning`` (a subreddit's new listing)
reddit         search       ``site:arxiv.org`` (site-wide search, newest first)
rss            feed         the feed URL
=============  ===========  =====================================================
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from papertalk.config import NetworkSettings, Settings
from papertalk.fetching.address_guard import AddressGuard, guarded_client
from papertalk.fetching.pages import FetcherRegistry
from papertalk.fetching.polite_http import PoliteGetter, Politeness
from papertalk.sources.hackernews.fetcher import AlgoliaSearch
from papertalk.sources.mastodon.fetcher import MastodonApi, MastodonDirectory, MastodonStatuses
from papertalk.sources.reddit.fetcher import RedditAuth, RedditListings
from papertalk.sources.rss.fetcher import FeedFetcher
from papertalk.sources.x.live import XApi, XDirectory, XUserTweets


def polite_getter(
    net: NetworkSettings, http: httpx.Client, clock: Callable[[], float], sleep: Callable[[float], None]
) -> PoliteGetter:
    rules = Politeness(net.min_interval, net.timeout, net.max_attempts, net.max_wait, net.user_agent)
    return PoliteGetter(http, rules, clock, sleep)


def register_more(
    registry: FetcherRegistry,
    settings: Settings,
    http: httpx.Client | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    wall_clock: Callable[[], float] = time.time,
) -> FetcherRegistry:
    """Add this module's fetchers and directories to ``registry`` (and return it)."""
    net = settings.networks
    http = http or guarded_client(AddressGuard(allow_private=net.allow_private))

    def getter() -> PoliteGetter:  # one per platform: each keeps its own spacing
        return polite_getter(net, http, clock, sleep)

    mastodon = MastodonApi(getter(), net.mastodon_url_template, net.mastodon_access_token, net.mastodon_token_instance)
    statuses = MastodonStatuses(mastodon)
    registry.add("mastodon", "statuses", statuses)
    registry.add("mastodon", "feed", statuses)  # what `papertalk follow` adds: the account's own statuses
    registry.add("mastodon", "tag", statuses)
    registry.directories["mastodon"] = MastodonDirectory(mastodon)

    x_api = XApi(getter(), net.x_api_url, net.x_bearer_token, wall_clock, sleep)
    tweets = XUserTweets(x_api)
    registry.add("x", "tweets", tweets)
    registry.add("x", "feed", tweets)  # what `papertalk follow` adds (target: the numeric user id)
    registry.directories["x"] = XDirectory(x_api)

    registry.add("hackernews", "search", AlgoliaSearch(getter(), net.hn_search_url))

    auth = RedditAuth(http, net.reddit_auth_url, net.reddit_client_id, net.reddit_client_secret, net.user_agent, clock)
    reddit = RedditListings(getter(), auth, net.reddit_api_url)
    registry.add("reddit", "new", reddit)
    registry.add("reddit", "search", reddit)

    registry.add("rss", "feed", FeedFetcher(getter()))
    return registry
