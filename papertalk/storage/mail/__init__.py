"""Digest mail: subscriptions (opt-in, unsubscribe tokens) and the outbox rows the worker sends."""
