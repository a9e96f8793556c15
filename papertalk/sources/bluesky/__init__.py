"""Bluesky: pure parsers of AppView views and Jetstream events into neutral posts, and thin fetchers."""
