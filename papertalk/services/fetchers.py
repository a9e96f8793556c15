"""The fetcher registry built from the settings: which fetcher reads each ``platform:kind`` and which
directory looks up each platform's accounts. Other platforms register in their own modules."""

from __future__ import annotations

from papertalk.config import Settings
from papertalk.fetching.pages import FetcherRegistry
from papertalk.sources.bluesky.accounts import BlueskyDirectory
from papertalk.sources.bluesky.listings import author_feed, search
from papertalk.sources.bluesky.xrpc import XrpcClient


def register_bluesky(registry: FetcherRegistry, client: XrpcClient) -> None:
    registry.add("bluesky", "feed", author_feed(client))
    registry.add("bluesky", "search", search(client))
    registry.directories["bluesky"] = BlueskyDirectory(client)


def build_registry(settings: Settings) -> FetcherRegistry:
    registry = FetcherRegistry()
    register_bluesky(registry, XrpcClient(settings.bluesky_appview_url))
    return registry
