"""Use cases that own transactions: ingest, trending, demo."""
