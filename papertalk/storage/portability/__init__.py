"""Portability: every table out as JSON lines and back in on either backend, and live copies between databases."""
