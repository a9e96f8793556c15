"""The fetcher registry built from the settings: which fetcher reads each ``platform:kind`` and which
directory looks up each platform's accounts. Other platforms register in their own modules."""

from __future__ import annotations

from threading import Event

from papertalk.config import Settings
from papertalk.fetching.pages import FetcherRegistry
from papertalk.services.capture.more_fetchers import register_more
from papertalk.sources.bluesky.accounts import BlueskyDirectory
from papertalk.sources.bluesky.jetstream import JetstreamFetcher
from papertalk.sources.bluesky.listings import author_feed, search
from papertalk.sources.bluesky.xrpc import XrpcClient

LIVE_IDLE_SECONDS = 300.0  # a live session reconnects after five quiet minutes
CATCH_UP_IDLE_SECONDS = 5.0  # ``papertalk fetch``: the stream has caught up once quiet this long


def register_bluesky(
    registry: FetcherRegistry, client: XrpcClient, jetstream_url: str | None = None, stop: Event | None = None
) -> None:
    """Bluesky's fetchers; with ``jetstream_url`` also the Jetstream one.

    With ``stop`` (the worker), Jetstream keeps listening through quiet spells until ``stop`` is set,
    instead of returning once it has caught up (``papertalk fetch``).
    """
    registry.add("bluesky", "feed", author_feed(client))
    registry.add("bluesky", "search", search(client))
    registry.directories["bluesky"] = BlueskyDirectory(client)
    if jetstream_url is not None:
        idle = LIVE_IDLE_SECONDS if stop is not None else CATCH_UP_IDLE_SECONDS
        registry.add("bluesky", "jetstream", JetstreamFetcher(jetstream_url, client, idle_seconds=idle, stop=stop))


def build_registry(settings: Settings, stop: Event | None = None) -> FetcherRegistry:
    """Every platform's fetchers; ``stop`` makes live listeners (the worker) run until it is set."""
    registry = FetcherRegistry()
    register_bluesky(registry, XrpcClient(settings.bluesky_appview_url), settings.jetstream_url, stop)
    register_more(registry, settings)  # Mastodon, X, Hacker News, Reddit, RSS
    return registry
