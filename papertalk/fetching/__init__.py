"""Talking to remote services: polite HTTP (spacing, retries, Retry-After) and the fetcher contract
that every platform in ``sources/`` implements and ``services/capture`` drives."""
