"""Stored digests: a finished period's ranked papers, kept so its page never changes."""
