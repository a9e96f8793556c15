"""Benchmarks of papertalk's hot paths; run with `python -m bench.NAME` (see docs/performance.md)."""
